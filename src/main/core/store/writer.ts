// The main thread's handle on the writer thread: an async call per write, errors carried
// back with their SQLite codes so the edge can map them (disk full, locked) to statuses.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Rejection } from '../../../shared/events';
import type { Logger } from '../logger';
import { recordOf } from './event-store';
import type { AppendResult, IngestItem } from './event-store';
import type { RetentionOptions } from './retention';
import type { WireError, WriterInit, WriterResponse } from './writer-protocol';
import { CorruptDatabaseError } from './open-db';

declare const __dirname: string | undefined;

export class WriterError extends Error {
  readonly code: string | undefined;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.code = wire.code;
  }
}

/** Where the worker's code is: next to the bundle when built, else the TypeScript source. */
function workerEntry(): { script: string; eval: boolean } {
  const here = typeof __dirname === 'string' ? __dirname : import.meta.dirname;
  const built = path.join(here, 'writer-worker.cjs');
  if (fs.existsSync(built)) return { script: built, eval: false };
  // Development and tests run TypeScript directly: register tsx in the new thread first.
  const tsx = createRequire(path.join(here, 'writer.ts')).resolve('tsx/cjs/api');
  const source = path.join(here, 'writer-worker.ts');
  return { script: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`, eval: true };
}

export interface Writer {
  movedAside: string | null;
  append(items: IngestItem[]): Promise<AppendResult[]>;
  recordRejection(r: Omit<Rejection, 'id' | 'at'> & { at: number }): void;
  call<T = unknown>(op: string, args?: unknown): Promise<T>;
  pragma(statement: string): Promise<unknown>;
  /** The writer thread's JavaScript heap in use, as it last reported (every few seconds). */
  heapBytes(): number;
  close(): Promise<void>;
}

export async function startWriter(file: string, retention: RetentionOptions, logger: Logger): Promise<Writer> {
  const entry = workerEntry();
  const init: WriterInit = { file, retention };
  const worker = new Worker(entry.script, { eval: entry.eval, workerData: init });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let exited: Error | null = null;
  let heapBytes = 0;

  const ready = new Promise<string | null>((resolve, reject) => {
    worker.on('message', (msg: WriterResponse) => {
      switch (msg.kind) {
        case 'ready':
          heapBytes = msg.heapUsed;
          resolve(msg.movedAside);
          break;
        case 'failed':
          reject(msg.error.name === 'CorruptDatabaseError' ? new CorruptDatabaseError(msg.error.message, '') : new WriterError(msg.error));
          break;
        case 'heap':
          heapBytes = msg.used;
          break;
        case 'log':
          logger[msg.level](msg.msg, msg.data);
          break;
        case 'reply': {
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          if (!p) break;
          if (msg.ok) p.resolve(msg.result);
          else p.reject(new WriterError(msg.error));
          break;
        }
      }
    });
    worker.on('error', (err) => {
      exited = err;
      reject(err);
      logger.error('store writer crashed', { error: err.stack ?? String(err) });
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    worker.on('exit', (code) => {
      exited ??= new Error(`store writer exited (code ${code})`);
      for (const p of pending.values()) p.reject(exited);
      pending.clear();
    });
  });

  const call = <T>(op: string, args?: unknown): Promise<T> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, args });
    });
  };

  const movedAside = await ready;
  return {
    movedAside,
    append: async (items) => {
      const results = await call<Array<{ id: number; duplicate: boolean }>>('append', items);
      return results.map((r, i) => ({ ...r, record: r.duplicate ? null : recordOf(items[i]!, r.id) }));
    },
    recordRejection: (r) => {
      call('recordRejection', r).catch((err: unknown) => logger.warn('could not log a rejection', { error: String(err) }));
    },
    call,
    pragma: (statement) => call('pragma', statement),
    heapBytes: () => heapBytes,
    async close() {
      if (exited) return;
      await call('close');
      await worker.terminate();
    },
  };
}
