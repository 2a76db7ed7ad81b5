// get_event_by_id: one event with its full payload (truncated past max_bytes).
import { maskedHeaders } from '../../credential-headers';
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/server';
import { defineTool, READ_ONLY, ToolError } from '../define-tool';
import type { McpDeps } from '../deps';
import { eventDetailText, unshowableEventText } from '../present';
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
      const { headers, body: _body, payload: parsed, content_type: _ct, body_bytes: _bb, problem: _p, ...event } = detail;
      let shown: ReturnType<typeof eventDetailText>;
      try {
        shown = eventDetailText(detail, max_bytes);
      } catch (err) {
        // Whatever went wrong, the event is still named, with its id, rather than an error.
        const reason = err instanceof Error ? err.message : String(err);
        return {
          structured: { event, headers, payload: null, payload_truncated: false, payload_bytes: detail.body_bytes },
          text: unshowableEventText(event, reason),
        };
      }
      const { text, payload } = shown;
      return {
        structured: {
          event,
          // Signature values are no use to an assistant, and with the body they replay the delivery.
          headers: maskedHeaders(headers),
          payload: payload.truncated ? payload.text : parsed ?? detail.body,
          payload_truncated: payload.truncated,
          payload_bytes: payload.total_bytes,
        },
        text,
      };
    },
  });
}
