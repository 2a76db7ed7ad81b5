// Reachability against real cores over loopback: a local reverse proxy stands in for the
// public URL, and "reachable" means its /health answered with this very core's instance id.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReachable } from '../../../../src/main/core/tunnel/reachability';
import { startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { closedPort, startProxy } from '../../../helpers/proxy';
import type { Proxy } from '../../../helpers/proxy';

let core: TestCore;
let other: TestCore;
let proxy: Proxy;

beforeAll(async () => {
  [core, other] = await Promise.all([startTestCore(), startTestCore()]);
  proxy = await startProxy(core.runtime.ingest_port);
});
afterAll(async () => {
  await proxy.close();
  await Promise.all([core.close(), other.close()]);
});

describe('the ingest /health answer', () => {
  it('carries an instance id that differs between cores and is not the token', async () => {
    const a = (await (await fetch(`${core.ingestUrl}/health`)).json()) as { instance: string; service: string };
    const b = (await (await fetch(`${other.ingestUrl}/health`)).json()) as { instance: string };
    expect(a.service).toBe('tidings-ingest');
    expect(a.instance).toBe(core.instance);
    expect(a.instance).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.instance).toBe(other.instance);
    expect(a.instance).not.toBe(b.instance);
    expect(a.instance).not.toBe(core.token);
  });
});

describe('checkReachable', () => {
  const check = (url: string, c = core) => checkReachable({ url, instance: c.instance, ingestUrl: c.ingestUrl });

  it('is reachable through a proxy that forwards to this core', async () => {
    expect(await check(proxy.url)).toEqual({ reachable: true, error: null });
    expect(await check(`${proxy.url}/`)).toEqual({ reachable: true, error: null });
  });

  it('is not reachable when the URL answers from another core, and says so', async () => {
    const r = await check(proxy.url, other);
    expect(r.reachable).toBe(false);
    expect(r.error).toMatch(/answered from another Tidings core \(instance [0-9a-f-]{12}\), not this one/);
    expect(r.error).toContain(other.ingestUrl);
  });

  it('is not reachable when nothing answers, and names the address', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await check(url);
    expect(r.reachable).toBe(false);
    expect(r.error).toMatch(new RegExp(`^${url}/health could not be reached \\(ECONNREFUSED\\): the inbox cannot be reached from outside`));
  });

  it('is not reachable when the proxy answers for a dead upstream, or something else answers', async () => {
    const deadProxy = await startProxy(await closedPort());
    const notTidings = http.createServer((_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((resolve) => notTidings.listen(0, '127.0.0.1', resolve));
    try {
      const dead = await check(deadProxy.url);
      expect(dead.error).toMatch(/answered HTTP 502, not this Tidings core: make the URL forward to the ingest listener/);
      const wrong = await check(`http://127.0.0.1:${(notTidings.address() as AddressInfo).port}`);
      expect(wrong.error).toMatch(/answered, but not as a Tidings ingest listener/);
      // The control listener is not the ingest one: pointing a proxy at it is a mistake to name.
      const control = await check(core.controlUrl);
      expect(control.reachable).toBe(false);
    } finally {
      notTidings.close();
      await deadProxy.close();
    }
  });
});
