// One way to declare a tool: zod input and output shapes, annotations, and a function that
// returns the structured result plus the text a person or model reads. Errors a caller
// can fix come back as isError results with a sentence saying what to do.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** An error in what the caller asked: shown to the model as an isError result. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

const CALLER_ERRORS = new Set(['ToolError', 'QueryError', 'ActionError', 'ZodError']);

export interface ToolSpec<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: Omit<ToolAnnotations, 'title'>;
  run(
    args: z.infer<z.ZodObject<I>>,
    extra: Extra,
  ): Promise<{ structured: z.infer<z.ZodObject<O>>; text: string }> | { structured: z.infer<z.ZodObject<O>>; text: string };
}

export const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(server: McpServer, spec: ToolSpec<I, O>): void {
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.input,
      outputSchema: spec.output,
      annotations: { title: spec.title, ...spec.annotations },
    },
    (async (args: z.infer<z.ZodObject<I>>, extra: Extra) => {
      try {
        const { structured, text } = await spec.run(args, extra);
        return { content: [{ type: 'text' as const, text }], structuredContent: structured as Record<string, unknown> };
      } catch (err) {
        const name = (err as Error)?.name;
        const message = (err as Error)?.message ?? String(err);
        const text = CALLER_ERRORS.has(name) ? message : `${spec.name} failed inside Tidings: ${message}`;
        return { isError: true, content: [{ type: 'text' as const, text }] };
      }
    }) as never,
  );
}
