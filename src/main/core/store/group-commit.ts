// Group commit: requests that arrive while a batch is being written are appended together
// in the next transaction, so one fsync acknowledges many webhooks. Durability is
// unchanged (each caller is answered only after its transaction committed); only the
// fsyncs are shared. One batch is in flight at a time, which is what lets the next grow.
import type { AppendResult, IngestItem } from './event-store';

interface Pending {
  item: IngestItem;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitterOptions {
  append: (items: IngestItem[]) => Promise<AppendResult[]> | AppendResult[];
  /** Called once per committed batch with the results of new (not duplicate) events. */
  onCommitted?: (results: AppendResult[]) => void;
  maxBatch?: number;
}

export class CommitterClosedError extends Error {
  constructor() {
    super('store: shutting down, not accepting new events');
    this.name = 'CommitterClosedError';
  }
}

export function createGroupCommitter(options: GroupCommitterOptions) {
  const maxBatch = options.maxBatch ?? 512;
  let queue: Pending[] = [];
  let scheduled = false;
  let writing = false;
  let closed = false;
  let idle: Array<() => void> = [];
  let batches = 0;
  let committed = 0;

  async function commit(batch: Pending[]): Promise<void> {
    let results: AppendResult[];
    try {
      results = await options.append(batch.map((p) => p.item));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // One bad item must not sink its neighbours: retry each on its own.
      for (const p of batch) await commit([p]);
      return;
    }
    batches++;
    committed += batch.length;
    batch.forEach((p, i) => p.resolve(results[i]!));
    const fresh = results.filter((r) => !r.duplicate);
    if (fresh.length > 0) options.onCommitted?.(fresh);
  }

  async function flush(): Promise<void> {
    scheduled = false;
    if (writing) return; // the running loop picks the queue up when its batch is done
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
        queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
        await commit(batch);
      }
    } finally {
      writing = false;
    }
    const waiters = idle;
    idle = [];
    for (const w of waiters) w();
  }

  return {
    submit(item: IngestItem): Promise<AppendResult> {
      if (closed) return Promise.reject(new CommitterClosedError());
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!scheduled && !writing) {
          scheduled = true;
          // After this turn's I/O callbacks: everything that arrived together commits together.
          setImmediate(() => void flush());
        }
      });
    },

    /** Stop taking new items and wait until everything queued is committed. */
    close(): Promise<void> {
      closed = true;
      if (queue.length === 0 && !scheduled && !writing) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },

    stats() {
      return { batches, committed, queued: queue.length };
    },
  };
}

export type GroupCommitter = ReturnType<typeof createGroupCommitter>;
