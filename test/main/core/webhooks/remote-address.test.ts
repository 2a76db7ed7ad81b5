// The sender's address in the rejection log comes from the socket; X-Forwarded-For counts
// only when the socket belongs to a proxy listed in config.json `trustedProxies`.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Rejection } from '../../../../src/shared/events';
import { ConfigError, loadConfig } from '../../../../src/main/core/config';
import { createRemoteAddress, normalizeAddress } from '../../../../src/main/core/webhooks/remote-address';
import { api, post, startTestCore, tempDir } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';

describe('createRemoteAddress', () => {
  const none = createRemoteAddress([]);
  const local = createRemoteAddress(['127.0.0.1', '::1', '10.0.0.0/8']);
  it.each([
    // [resolver, socket, X-Forwarded-For, expected]
    ['no trusted proxy: the header is ignored', none, '127.0.0.1', '203.0.113.9', '127.0.0.1'],
    ['no trusted proxy, IPv4-mapped socket', none, '::ffff:198.51.100.7', '203.0.113.9', '198.51.100.7'],
    ['an untrusted socket with a header', local, '198.51.100.7', '203.0.113.9', '198.51.100.7'],
    ['a trusted proxy: the hop it saw', local, '127.0.0.1', '203.0.113.9', '203.0.113.9'],
    ['a trusted proxy, IPv4-mapped socket', local, '::ffff:127.0.0.1', '203.0.113.9', '203.0.113.9'],
    ['a forged entry left of the real one', local, '127.0.0.1', '6.6.6.6, 203.0.113.9', '203.0.113.9'],
    ['trusted hops are skipped from the right', local, '127.0.0.1', '203.0.113.9, 10.1.2.3, 10.0.0.5', '203.0.113.9'],
    ['every hop trusted: the furthest', local, '::1', '10.0.0.1, 10.0.0.2', '10.0.0.1'],
    ['a trusted proxy without the header', local, '127.0.0.1', undefined, '127.0.0.1'],
    ['garbage from a trusted proxy stops the walk', local, '127.0.0.1', '203.0.113.9, not-an-ip', '127.0.0.1'],
    ['ports are dropped', local, '127.0.0.1', '203.0.113.9:4711', '203.0.113.9'],
    ['bracketed IPv6 with a port', local, '127.0.0.1', '[2001:db8::1]:443', '2001:db8::1'],
  ] as const)('%s', (_what, resolve, socket, header, expected) => {
    expect(resolve(socket, header)).toBe(expected);
  });

  it('gives null for a socket without an address (closed already)', () => {
    expect(none(undefined, '203.0.113.9')).toBeNull();
    expect(normalizeAddress('')).toBeNull();
  });
});

describe('trustedProxies in config.json', () => {
  it('accepts addresses and CIDR ranges, and defaults to none', () => {
    const dir = tempDir();
    expect(loadConfig({ dataDir: dir }, {}).trustedProxies).toEqual([]);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ trustedProxies: ['127.0.0.1', '::1', '10.0.0.0/8'] }));
    expect(loadConfig({ dataDir: dir }, {}).trustedProxies).toEqual(['127.0.0.1', '::1', '10.0.0.0/8']);
  });
  it('refuses an entry that is not an address, naming it', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ trustedProxies: ['localhost'] }));
    expect(() => loadConfig({ dataDir: dir }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ dataDir: dir }, {})).toThrow(/trustedProxies\.0: an IP address or CIDR range/);
  });
});

describe('the rejection log', () => {
  let core: TestCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });
  const rejectWithForwardedFor = async (c: TestCore, forwarded: string) => {
    // A secret makes the unsigned delivery a 401, which the rejection log keeps.
    const res = await post(`${c.ingestUrl}/webhooks/billing`, '{"type":"x"}', { 'x-forwarded-for': forwarded });
    expect(res.status).toBe(401);
    // The rejection log is written after the answer (best effort), so it may lag the 401.
    return vi.waitFor(async () => {
      const log = await api<{ rejections: Rejection[] }>(c, 'GET', '/api/rejections?source=billing');
      const found = log.body.rejections[0];
      if (!found) throw new Error('rejection not logged yet');
      return found.remote;
    });
  };
  const secret = { TIDINGS_SECRET_BILLING: `whsec_${Buffer.from('a-secret-of-some-length').toString('base64')}` };

  it('records the socket address, not a forged X-Forwarded-For, by default', async () => {
    core = await startTestCore({}, secret);
    expect(await rejectWithForwardedFor(core, '203.0.113.9')).toBe('127.0.0.1');
  });

  it('records the sender a trusted proxy names', async () => {
    core = await startTestCore({ trustedProxies: ['127.0.0.1'] }, secret);
    expect(await rejectWithForwardedFor(core, '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
  });
});
