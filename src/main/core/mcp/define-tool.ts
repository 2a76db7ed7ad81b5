// One way to declare a tool: zod input and output shapes, annotations, and a function that
// returns the structured result plus the text a person or model reads. Errors a caller
// can fix come back as isError results with a sentence saying what to do.
import type { McpServer, ServerContext, ServerNotification, ToolAnnotations } from '@modelcontextprotocol/server';
import { z } from 'zod';

/**
 * What a tool sees of the call it serves, the same on both protocol revisions: a 2025
 * session or a 2026 request (where sessionId is absent). Built from the SDK's context here,
 * so the tools do not depend on the shape of that context.
 */
export interface Extra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number; [key: string]: unknown };
  sessionId?: string;
  /** The HTTP request's headers, lower-cased; absent on stdio. */
  requestInfo?: { headers: Record<string, string> };
  sendNotification(notification: ServerNotification): Promise<void>;
}

export function toExtra(ctx: ServerContext): Extra {
  const req = ctx.http?.req;
  return {
    signal: ctx.mcpReq.signal,
    ...(ctx.mcpReq._meta ? { _meta: ctx.mcpReq._meta as Extra['_meta'] } : {}),
    ...(ctx.sessionId ? { sessionId: ctx.sessionId } : {}),
    ...(req ? { requestInfo: { headers: Object.fromEntries(req.headers) } } : {}),
    sendNotification: (notification) => ctx.mcpReq.notify(notification),
  };
}

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
      inputSchema: z.object(spec.input),
      outputSchema: z.object(spec.output),
      annotations: { title: spec.title, ...spec.annotations },
    },
    (async (args: z.infer<z.ZodObject<I>>, ctx: ServerContext) => {
      try {
        const { structured, text } = await spec.run(args, toExtra(ctx));
        return { content: [{ type: 'text' as const, text }], structuredContent: structured as Record<string, unknown> };
      } catch (err) {
        const name = (err as Error)?.name;
        const message = (err as Error)?.message ?? String(err);
        const text = CALLER_ERRORS.has(name) ? message : `${spec.name} failed inside Tidings: ${message}`;
        return { isError: true, content: [{ type: 'text' as const, text }] };
      }
    }),
  );
}
