// The real @ngrok/ngrok module: it is installed and loads, and pointed at an ngrok service
// address where nothing listens (a closed loopback port), it fails fast with a clear
// message while the core keeps running. No test here can reach ngrok's servers: every
// driver is given a loopback server_addr, and no real authtoken exists on this machine.
// A real ngrok session was not opened here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNgrokDriver, ngrokErrorMessage } from '../../../../src/main/core/tunnel/ngrok-driver';
import { TunnelStartError } from '../../../../src/main/core/tunnel/driver';
import { api, post, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { closedPort } from '../../../helpers/proxy';

const AUTHTOKEN = 'not_a_real_authtoken_0123456789abcdef';
let serverAddr: string;

beforeAll(async () => {
  serverAddr = `127.0.0.1:${await closedPort()}`;
});

describe('@ngrok/ngrok', () => {
  it('is installed and loads, with the forward function the driver calls', async () => {
    const ngrok = await import('@ngrok/ngrok');
    expect(typeof ngrok.forward).toBe('function');
    expect(typeof ngrok.disconnect).toBe('function');
  });

  it('fails fast against an unreachable server address, with a message that says what to check', async () => {
    const driver = createNgrokDriver({ serverAddr });
    let drops = 0;
    const err = await driver.open({ host: '127.0.0.1', port: 9, authtoken: AUTHTOKEN, domain: null, onDrop: () => drops++ }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TunnelStartError);
    expect((err as TunnelStartError).permanent).toBe(false);
    expect((err as Error).message).toMatch(new RegExp(`^ngrok: could not connect to the ngrok service at ${serverAddr} \\(failed to connect session`));
    expect((err as Error).message).toMatch(/check the network connection/);
    expect(drops).toBe(0);
  });

  it('says the module is missing rather than crashing, and marks it as not worth retrying', async () => {
    const driver = createNgrokDriver({ serverAddr, load: () => Promise.reject(new Error("Cannot find module '@ngrok/ngrok'")) });
    const err = (await driver.open({ host: '127.0.0.1', port: 9, authtoken: AUTHTOKEN, domain: null, onDrop: () => {} }).catch((e: unknown) => e)) as TunnelStartError;
    expect(err.permanent).toBe(true);
    expect(err.message).toMatch(/the @ngrok\/ngrok module could not be loaded \(Cannot find module '@ngrok\/ngrok'\); it is an optional dependency/);
  });

  it.each([
    ['ERR_NGROK_107: the authtoken you specified is invalid', true, /authtoken was refused.*tidings tunnel token/],
    ['failed to bind: ERR_NGROK_320 domain not reserved', true, /domain is not available to this account/],
    ['failed to connect session: timed out', false, /could not connect to the ngrok service/],
  ])('classifies %s', (message, permanent, text) => {
    const e = ngrokErrorMessage(new Error(message), 'connect.ngrok-agent.com:443');
    expect(e.permanent).toBe(permanent);
    expect(e.message).toMatch(text);
  });
});

describe('a core whose ngrok cannot connect', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore({}, {}, { tunnelDriver: createNgrokDriver({ serverAddr }) });
  });
  afterAll(() => core.close());

  it('refuses `ngrok` with the reason, changes nothing, and keeps receiving webhooks', async () => {
    const r = await api<{ status: number; error: string }>(core, 'PUT', '/api/tunnel', { mode: 'ngrok', authtoken: AUTHTOKEN });
    expect(r.status).toBe(502);
    expect(r.body.error).toMatch(/^ngrok: could not connect to the ngrok service at 127\.0\.0\.1:\d+/);
    expect((await api(core, 'GET', '/api/tunnel')).body).toMatchObject({ mode: 'off', state: 'off', url: null, authtoken: null });
    const health = await fetch(`${core.ingestUrl}/health`);
    expect(health.status).toBe(200);
    const sent = await post(`${core.ingestUrl}/webhooks/my-app`, '{"hello":"still here"}');
    expect(sent.status).toBe(200);
    expect((await api(core, 'GET', '/api/health')).body).toMatchObject({ status: 'ok', events: 1 });
  });

  it('says there is no authtoken before trying ngrok at all', async () => {
    const r = await api<{ error: string }>(core, 'PUT', '/api/tunnel', { mode: 'ngrok' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^no ngrok authtoken: set NGROK_AUTHTOKEN/);
  });
});

describe('a core that remembers an ngrok tunnel it cannot open', () => {
  it('starts anyway, shows the reason and that it is retrying, and serves its API', async () => {
    const { tempDir } = await import('../../../helpers/core');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'tunnel.json'), JSON.stringify({ mode: 'ngrok', domain: null }));
    const core = await startTestCore({ dataDir }, { NGROK_AUTHTOKEN: AUTHTOKEN }, { tunnelDriver: createNgrokDriver({ serverAddr }) });
    try {
      const retrying = await new Promise<ReturnType<typeof core.publicUrl.status>>((resolve) => {
        const now = core.publicUrl.status();
        if (now.error) return resolve(now);
        const off = core.publicUrl.onChange((s) => {
          if (s.error) {
            off();
            resolve(s);
          }
        });
      });
      expect(retrying).toMatchObject({ mode: 'ngrok', state: 'starting', reachable: false });
      expect(retrying.error).toMatch(/could not connect to the ngrok service .*; reconnecting in \d+ s \(attempt 1\)/);
      expect((await api(core, 'GET', '/api/tunnel')).body).toMatchObject({ mode: 'ngrok', authtoken: 'env' });
      expect((await fetch(`${core.ingestUrl}/health`)).status).toBe(200);
    } finally {
      await core.close();
    }
  });
});
