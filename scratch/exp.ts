import examples from '@octokit/webhooks-examples';
import { openDatabase } from '/work/main/src/main/core/store/open-db';
import { createEventStore } from '/work/main/src/main/core/store/event-store';
import { githubProvider } from '/work/main/src/main/core/webhooks/github';
import { searchText } from '/work/main/src/main/core/webhooks/search-text';
import fs from 'node:fs';
const dir = fs.mkdtempSync('/tmp/exp-');
const { db } = openDatabase(dir + '/t.db');
const store = createEventStore(db);
const body = Buffer.from(JSON.stringify(examples.find((g) => g.name === 'push')!.examples[0]));
let n = 0;
const mk = () => {
  const d = { source: 'github', headers: { 'x-github-event': 'push', 'x-github-delivery': 'd' + n++ }, body, contentType: 'application/json', now: Date.now() };
  const payload = githubProvider.parse(d);
  const event = githubProvider.normalize(d, payload);
  return { source: 'github', provider: 'github', verified: true, contentType: 'application/json', headers: { a: 'b' }, body, event, searchText: searchText(event.summary, event.subject, event.type, payload), receivedAt: Date.now() };
};
let t = performance.now();
const items = Array.from({ length: 2000 }, mk);
console.log('prepare items/ms', 2000 / (performance.now() - t));
for (const batch of [1, 10, 50]) {
  t = performance.now();
  let count = 0;
  for (let i = 0; i + batch <= 2000 && count < 1000; i += batch) { store.append(items.slice(i, i + batch).map(x => ({...x, event: {...x.event, deliveryId: x.event.deliveryId + 'b' + batch}}))); count += batch; }
  console.log('batch', batch, 'events/s', (count / (performance.now() - t) * 1000).toFixed(0));
}
db.pragma('synchronous = NORMAL');
t = performance.now();
for (let i = 0; i + 50 <= 2000; i += 50) store.append(items.slice(i, i + 50).map(x => ({...x, event: {...x.event, deliveryId: x.event.deliveryId + 'n'}})));
console.log('NORMAL batch 50 events/s', (2000 / (performance.now() - t) * 1000).toFixed(0));
