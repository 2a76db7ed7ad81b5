// Requests whose body framing Node does not decode (an unknown Transfer-Encoding) get a 400
// JSON answer and a closed connection on both listeners, instead of a socket left waiting.
// Raw TCP, because every HTTP client refuses to send such requests.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Rejection } from '../../../src/shared/events';
import { transferEncodingProblem } from '../../../src/main/core/http-framing';
import { api, startTestCore } from '../../helpers/core';
import type { TestCore } from '../../helpers/core';

describe('transferEncodingProblem', () => {
  it.each([undefined, 'chunked', 'Chunked', ' chunked '])('accepts %j', (value) => {
    expect(transferEncodingProblem(value)).toBeNull();
  });
  it.each(['gzip', 'identity', 'gzip, chunked', 'deflate', 'x\tchunked', 'chunked, chunked'])('refuses %j, saying what to send', (value) => {
    expect(transferEncodingProblem(value)).toMatch(/^Transfer-Encoding ".*" is not supported; send the body with a Content-Length, or with Transfer-Encoding: chunked/);
  });
});

/** Sends raw bytes and collects everything until the server closes the connection. */
function rawRequest(port: number, text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = got.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body });
    });
  });
}

let core: TestCore;
beforeAll(async () => {
  core = await startTestCore();
});
afterAll(async () => {
  await core.close();
});

const webhook = (te: string, host = '127.0.0.1') =>
  `POST /webhooks/orders HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: ${te}\r\n\r\n2\r\n{}\r\n0\r\n\r\n`;

describe('the ingest listener', () => {
  it.each(['gzip', 'identity', 'gzip, chunked'])('answers Transfer-Encoding %j with 400 JSON and closes the connection', async (te) => {
    const before = core.store.count();
    const res = await rawRequest(core.runtime.ingest_port, webhook(te));
    expect(res.status).toBe(400);
    expect(res.headers).toContain('connection: close');
    expect(JSON.parse(res.body)).toEqual({ status: 400, error: expect.stringMatching(new RegExp(`^Transfer-Encoding "${te}" is not supported`)) });
    expect(core.store.count()).toBe(before);
  });

  it('keeps the refusal in the rejection log for the source', async () => {
    await rawRequest(core.runtime.ingest_port, webhook('gzip'));
    // The rejection log is written after the answer (best effort), so it may lag the 400.
    const logged = await vi.waitFor(async () => {
      const log = await api<{ rejections: Rejection[] }>(core, 'GET', '/api/rejections?source=orders');
      if (!log.body.rejections[0]) throw new Error('rejection not logged yet');
      return log.body.rejections[0];
    });
    expect(logged).toMatchObject({ source: 'orders', status: 400, reason: expect.stringMatching(/^Transfer-Encoding "gzip"/) });
  });

  it('still takes a chunked body', async () => {
    const body = JSON.stringify({ n: Date.now() });
    const text = `POST /webhooks/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const res = await rawRequest(core.runtime.ingest_port, text);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'received' });
  });
});

describe('the control listener', () => {
  it('answers an unknown Transfer-Encoding with 400 JSON and closes the connection', async () => {
    const port = core.runtime.control_port;
    const res = await rawRequest(
      port,
      `POST /api/targets HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${core.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    );
    expect(res.status).toBe(400);
    expect(res.headers).toContain('connection: close');
    expect(JSON.parse(res.body)).toEqual({ status: 400, error: expect.stringMatching(/^Transfer-Encoding "gzip" is not supported/) });
  });
});
