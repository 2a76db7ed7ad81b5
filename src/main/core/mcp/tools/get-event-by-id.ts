// get_event_by_id: one event with its full payload (truncated past max_bytes).
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY, ToolError } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventDetailText } from '../present';
import { eventRecordSchema } from '../../../../shared/events';

export function registerGetEventByIdTool(server: McpServer, deps: McpDeps): void {
  defineTool(server, {
    name: 'get_event_by_id',
    title: 'Event by id',
    description: 'One event with its headers and full payload. Payloads longer than max_bytes are cut, and the result says so.',
    input: {
      id: z.number().int().positive().describe('the event id (the cursor) from another tool'),
      max_bytes: z.number().int().min(1000).max(1_000_000).default(64_000),
    },
    output: {
      event: eventRecordSchema,
      headers: z.record(z.string(), z.string()),
      payload: z.unknown(),
      payload_truncated: z.boolean(),
      payload_bytes: z.number().int(),
    },
    annotations: READ_ONLY,
    run: ({ id, max_bytes }) => {
      const detail = deps.store.get(id);
      if (!detail) throw new ToolError(`there is no event ${id}; it may have been pruned by retention. get_recent_events lists what is stored.`);
      const { text, payload } = eventDetailText(detail, max_bytes);
      const { headers, body: _body, payload: parsed, content_type: _ct, body_bytes: _bb, ...event } = detail;
      return {
        structured: {
          event,
          headers,
          payload: payload.truncated ? payload.text : parsed ?? detail.body,
          payload_truncated: payload.truncated,
          payload_bytes: payload.total_bytes,
        },
        text,
      };
    },
  });
}
