import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
const api = createRequire(import.meta.url).resolve('tsx/cjs/api');
const code = `require(${JSON.stringify(api)}).register(); require(${JSON.stringify('/work/main/src/main/core/store/writer-worker.ts')});`;
const w = new Worker(code, { eval: true, workerData: { file: '/tmp/wtest.db', retention: { maxAgeDays: 30, maxBytes: 1e9 } } });
w.on('message', (m) => { console.log('msg', m); w.terminate(); });
w.on('error', (e) => console.log('err', e.message));
