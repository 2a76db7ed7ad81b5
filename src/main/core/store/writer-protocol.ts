// Messages between the main thread and the writer thread.
import type { RetentionOptions } from './retention';

export interface WriterInit {
  file: string;
  retention: RetentionOptions;
}

export interface WireError {
  code?: string | undefined;
  name: string;
  message: string;
}

export type WriterRequest =
  | { id: number; op: 'close' }
  | { id: number; op: string; args: unknown };

export type WriterResponse =
  | { kind: 'ready'; movedAside: string | null; heapUsed: number }
  | { kind: 'failed'; error: WireError }
  /** The writer thread's JavaScript heap in use, sent every few seconds after `ready`. */
  | { kind: 'heap'; used: number }
  | { kind: 'log'; level: 'info' | 'warn'; msg: string; data?: Record<string, unknown> | undefined }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: WireError };
