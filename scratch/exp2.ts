import examples from '@octokit/webhooks-examples';
import zlib from 'node:zlib';
import { githubProvider } from '../src/main/core/webhooks/github';
import { searchText } from '../src/main/core/webhooks/search-text';
const body = Buffer.from(JSON.stringify(examples.find((g) => g.name === 'push')!.examples[0]));
const d = { source: 'github', headers: { 'x-github-event': 'push', 'x-github-delivery': 'd' }, body, contentType: 'application/json', now: Date.now() };
const N = 2000;
let t = performance.now();
for (let i = 0; i < N; i++) githubProvider.parse(d);
console.log('parse µs', ((performance.now() - t) / N * 1000).toFixed(1), 'body', body.length);
const payload = githubProvider.parse(d);
t = performance.now();
for (let i = 0; i < N; i++) githubProvider.normalize(d, payload);
console.log('normalize µs', ((performance.now() - t) / N * 1000).toFixed(1));
const ev = githubProvider.normalize(d, payload);
t = performance.now();
let st = '';
for (let i = 0; i < N; i++) st = searchText(ev.summary, ev.subject, ev.type, payload);
console.log('searchText µs', ((performance.now() - t) / N * 1000).toFixed(1), st.length);
for (const level of [1, 3, 6]) {
  t = performance.now();
  let n = 0;
  for (let i = 0; i < N; i++) n = zlib.deflateRawSync(body, { level }).length;
  console.log('deflate', level, 'µs', ((performance.now() - t) / N * 1000).toFixed(1), 'ratio', (n / body.length).toFixed(3));
}
t = performance.now();
for (let i = 0; i < N; i++) githubProvider.verify(d as never, ['x']);
console.log('verify µs', ((performance.now() - t) / N * 1000).toFixed(1));
