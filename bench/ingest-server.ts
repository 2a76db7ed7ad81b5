// A child process for the ingest benchmark: the real receiver, either with the real
// durable store (`durable`) or with verification and normalization but no storage
// (`nostore`), so the two differ only in the cost of putting events on disk.
import { createReceiver } from '../src/main/core/webhooks/receiver';
import { createIngestLimiter } from '../src/main/core/webhooks/rate-limit';
import { createSourceGate } from '../src/main/core/webhooks/source-gate';
import { createLogger } from '../src/main/core/logger';
import { createSecrets } from '../src/main/core/secrets';
import { loadConfig } from '../src/main/core/config';
import { startCore } from '../src/main/core/start-core';
import type { AppendResult, IngestItem } from '../src/main/core/store/event-store';
import { createGroupCommitter } from '../src/main/core/store/group-commit';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const [mode, dataDir, secret] = process.argv.slice(2);
const logger = createLogger({ stderr: false });
const unlimited = { perSecond: 1e9, burst: 1e9 };

if (mode === 'durable') {
  const config = loadConfig({ dataDir, port: 0, controlPort: 0, rateLimit: unlimited }, {});
  const core = await startCore({ config, mode: 'serve', logger, env: { TIDINGS_SECRET_GITHUB: secret } });
  process.stdout.write(`${JSON.stringify({ port: core.runtime.ingest_port })}\n`);
} else {
  let id = 0;
  const append = (items: IngestItem[]): AppendResult[] => items.map(() => ({ id: ++id, duplicate: false, record: null }));
  const app = createReceiver({
    recordRejection() {},
    committer: createGroupCommitter({ append }),
    secrets: createSecrets({ load: () => ({}), save() {}, describe: () => 'bench' }, { TIDINGS_SECRET_GITHUB: secret }),
    limiter: createIngestLimiter({ ...unlimited, globalPerSecond: unlimited.perSecond, globalBurst: unlimited.burst }),
    gate: createSourceGate({ accept: 'any', allow: [], newPerHour: Infinity, hasSecret: () => true, anySecret: () => true, seen: () => true }),
    logger,
    maxBodyBytes: 5 * 1024 * 1024,
    version: 'bench',
    instance: 'bench',
  });
  const server = http.createServer(app).listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
}

// Exit normally on a signal, so profilers (--cpu-prof) get to write their files.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
