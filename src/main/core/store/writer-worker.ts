// The writer thread: the one connection that writes the database. Compression, full-text
// indexing, the derived views and each batch's fsync happen here, so the thread that
// answers HTTP never waits on the disk. The main thread reads through its own read-only
// connection (WAL lets readers and this writer work at the same time).
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { createEventStore } from './event-store';
import { createOutboundWrites } from '../outbound/writes';
import { openDatabase } from './open-db';
import { createRetention } from './retention';
import { createWriteOps } from './write-ops';
import type { WriterInit, WriterRequest, WriterResponse } from './writer-protocol';

const port = parentPort!;
const init = workerData as WriterInit;
/** How often the thread reports its heap, which the main thread's figures do not include. */
const HEAP_REPORT_MS = 5_000;

function errorOf(err: unknown) {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}

try {
  const opened = openDatabase(init.file, { recoverCorrupt: true });
  const db = opened.db;
  const outbound = createOutboundWrites(db);
  const store = createEventStore(db, { afterInsert: (record) => outbound.enqueueFor(record, Date.now()) });
  const log = (level: 'info' | 'warn', msg: string, data?: Record<string, unknown>) =>
    port.postMessage({ kind: 'log', level, msg, data } satisfies WriterResponse);
  const retention = createRetention(
    db,
    { debug() {}, info: (m, d) => log('info', m, d), warn: (m, d) => log('warn', m, d), error: (m, d) => log('warn', m, d), close() {} },
    init.retention,
  );
  const ops = createWriteOps(db, store, retention, outbound);
  retention.start();

  port.on('message', (req: WriterRequest) => {
    if (req.op === 'close') {
      void retention.stop().then(() => {
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          // tidiness only: the WAL is already synced
        }
        db.close();
        port.postMessage({ kind: 'reply', id: req.id, ok: true, result: null } satisfies WriterResponse);
      });
      return;
    }
    const { op, args } = req as { op: string; args: unknown };
    const run = async () => ops.run(op, args);
    run().then(
      (result) => port.postMessage({ kind: 'reply', id: req.id, ok: true, result } satisfies WriterResponse),
      (err: unknown) => port.postMessage({ kind: 'reply', id: req.id, ok: false, error: errorOf(err) } satisfies WriterResponse),
    );
  });
  const heapUsed = () => v8.getHeapStatistics().used_heap_size;
  port.postMessage({ kind: 'ready', movedAside: opened.movedAside, heapUsed: heapUsed() } satisfies WriterResponse);
  setInterval(() => port.postMessage({ kind: 'heap', used: heapUsed() } satisfies WriterResponse), HEAP_REPORT_MS).unref();
} catch (err) {
  port.postMessage({ kind: 'failed', error: errorOf(err) } satisfies WriterResponse);
}
