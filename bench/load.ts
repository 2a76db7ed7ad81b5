// A small closed-loop HTTP load generator: N concurrent senders over keep-alive
// connections, each sending as soon as its previous request is answered.
import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(options: {
  port: number;
  path: string;
  concurrency: number;
  seconds: number;
  request: (i: number) => { headers: Record<string, string>; body: Buffer };
  expectStatus?: number;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const { headers, body } = options.request(i);
      const t0 = performance.now();
      const req = http.request(
        { host: '127.0.0.1', port: options.port, path: options.path, method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if (res.statusCode !== (options.expectStatus ?? 200)) errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const sender = async () => {
    while (performance.now() < deadline) await one(n++);
  };
  await Promise.all(Array.from({ length: options.concurrency }, sender));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
