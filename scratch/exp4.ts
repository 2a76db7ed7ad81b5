import examples from '@octokit/webhooks-examples';
import zlib from 'node:zlib';
const bodies = examples.flatMap((g) => g.examples).map((e) => Buffer.from(JSON.stringify(e)));
const raw = bodies.reduce((a, b) => a + b.length, 0);
const N = 3;
const variants: Array<[string, (b: Buffer) => Buffer]> = [
  ['deflate6', (b) => zlib.deflateRawSync(b, { level: 6 })],
  ['deflate1', (b) => zlib.deflateRawSync(b, { level: 1 })],
  ['deflate1 wb12 ml8', (b) => zlib.deflateRawSync(b, { level: 1, windowBits: 12, memLevel: 8 })],
  ['deflate4 wb13 ml6', (b) => zlib.deflateRawSync(b, { level: 4, windowBits: 13, memLevel: 6 })],
  ['brotli q1 w16', (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_LGWIN]: 16, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } })],
  ['brotli q4 w16', (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_LGWIN]: 16, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } })],
  ['brotli q5 w16', (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_LGWIN]: 16, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } })],
];
for (const [name, f] of variants) {
  let out = 0;
  const t = performance.now();
  for (let i = 0; i < N; i++) for (const b of bodies) out += f(b).length;
  console.log(name.padEnd(20), 'µs', ((performance.now() - t) / (N * bodies.length) * 1000).toFixed(1), 'ratio', (out / N / raw).toFixed(3));
}
