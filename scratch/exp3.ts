import examples from '@octokit/webhooks-examples';
import fs from 'node:fs';
import { openDatabase } from '../src/main/core/store/open-db';
import { createEventStore } from '../src/main/core/store/event-store';
import { githubProvider } from '../src/main/core/webhooks/github';
import { searchText } from '../src/main/core/webhooks/search-text';
const body = Buffer.from(JSON.stringify(examples.find((g) => g.name === 'push')!.examples[0]));
let n = 0;
const mk = (fts: boolean) => {
  const d = { source: 'github', headers: { 'x-github-event': 'push', 'x-github-delivery': 'd' + n++ }, body, contentType: 'application/json', now: Date.now() };
  const payload = githubProvider.parse(d);
  const event = githubProvider.normalize(d, payload);
  return { source: 'github', provider: process.env.PROV ?? 'github', verified: true, contentType: 'application/json', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'user-agent': 'GitHub-Hookshot/abc', 'x-github-delivery': 'abc-def' }, body, event, searchText: fts ? searchText(event.summary, event.subject, event.type, payload) : '', receivedAt: Date.now() };
};
for (const fts of [true, false]) {
  const dir = fs.mkdtempSync('/tmp/exp-');
  const { db } = openDatabase(dir + '/t.db');
  if (process.env.SYNC) db.pragma('synchronous = ' + process.env.SYNC);
  if (process.env.CKPT) db.pragma('wal_autocheckpoint = ' + process.env.CKPT);
  const store = createEventStore(db);
  const items = Array.from({ length: 12000 }, () => mk(fts));
  store.append(items.slice(0, 500));
  const t = performance.now();
  for (let i = 500; i < 12000; i += 50) store.append(items.slice(i, i + 50));
  console.log('fts', fts, 'µs/event', ((performance.now() - t) / 11500 * 1000).toFixed(1));
}
