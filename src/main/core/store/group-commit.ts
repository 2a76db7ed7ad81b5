// Group commit: requests that arrive while the event loop is busy are appended in one
// transaction, so one fsync acknowledges many webhooks. Durability is unchanged (each
// caller is answered only after its transaction committed); only the fsyncs are shared.
import type { AppendResult, IngestItem } from './event-store';

interface Pending {
  item: IngestItem;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitterOptions {
  append: (items: IngestItem[]) => AppendResult[];
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
  let closed = false;
  let idle: Array<() => void> = [];
  let batches = 0;
  let committed = 0;

  function commit(batch: Pending[]): void {
    let results: AppendResult[];
    try {
      results = options.append(batch.map((p) => p.item));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // One bad item must not sink its neighbours: retry each on its own.
      for (const p of batch) commit([p]);
      return;
    }
    batches++;
    committed += batch.length;
    batch.forEach((p, i) => p.resolve(results[i]!));
    const fresh = results.filter((r) => !r.duplicate);
    if (fresh.length > 0) options.onCommitted?.(fresh);
  }

  function flush(): void {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      commit(batch);
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
        if (!scheduled) {
          scheduled = true;
          // After this turn's I/O callbacks: everything that arrived together commits together.
          setImmediate(flush);
        }
      });
    },

    /** Stop taking new items and wait until everything queued is committed. */
    close(): Promise<void> {
      closed = true;
      if (queue.length === 0 && !scheduled) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },

    stats() {
      return { batches, committed, queued: queue.length };
    },
  };
}

export type GroupCommitter = ReturnType<typeof createGroupCommitter>;
