// /api/tunnel on a real core, with a local reverse proxy standing in for the public URL:
// setting it, refusing bad input without changing anything, the authtoken kept as a secret
// and never returned, and the public URL shown wherever a webhook URL is (sources, health,
// the MCP tools, through the real MCP SDK client).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { api, post, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { closedPort, startProxy } from '../../../helpers/proxy';
import type { Proxy } from '../../../helpers/proxy';
import { healthSchema, sourcesSchema, tunnelChangeSchema, tunnelInfoSchema } from '../../../../src/shared/api';

let core: TestCore;
let other: TestCore;
let proxy: Proxy;
let otherProxy: Proxy;

beforeAll(async () => {
  [core, other] = await Promise.all([startTestCore({}, { TIDINGS_SECRET_GITHUB: 'proxy-test-secret' }), startTestCore()]);
  proxy = await startProxy(core.runtime.ingest_port);
  otherProxy = await startProxy(other.runtime.ingest_port);
});
afterAll(async () => {
  await Promise.all([proxy.close(), otherProxy.close()]);
  await Promise.all([core.close(), other.close()]);
});

async function mcpCall(name: string) {
  const client = new Client({ name: 'tunnel-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }));
  try {
    const result = (await client.callTool({ name, arguments: {} })) as CallToolResult;
    return { data: result.structuredContent as Record<string, any>, text: (result.content[0] as { text: string }).text };
  } finally {
    await client.close();
  }
}

describe('/api/tunnel', () => {
  it('starts off, and health_check says plainly that the inbox cannot be reached from outside', async () => {
    const got = await api(core, 'GET', '/api/tunnel');
    expect(tunnelInfoSchema.parse(got.body)).toEqual({ mode: 'off', state: 'off', url: null, reachable: null, checked_at: null, error: null, authtoken: null });
    const health = await mcpCall('health_check');
    expect(health.data.public_url).toMatchObject({ mode: 'off', url: null });
    expect(health.text).toMatch(/No public URL: .*providers on the internet cannot reach the inbox/);
  });

  it('takes a URL that reaches this core, and then every webhook URL shown is the public one', async () => {
    const put = await api(core, 'PUT', '/api/tunnel', { mode: 'url', url: `${proxy.url}/` });
    expect(put.status).toBe(200);
    const change = tunnelChangeSchema.parse(put.body);
    expect(change.status).toMatchObject({ mode: 'url', state: 'online', url: proxy.url, reachable: true, error: null });
    expect(change.warnings).toEqual([expect.stringMatching(/is not HTTPS: webhooks would cross the network in clear text/)]);
    expect(JSON.parse(fs.readFileSync(path.join(core.config.dataDir, 'tunnel.json'), 'utf8'))).toEqual({ mode: 'url', url: proxy.url });

    const sources = sourcesSchema.parse((await api(core, 'GET', '/api/sources')).body).sources;
    expect(sources.find((s) => s.source === 'github')?.url).toBe(`${proxy.url}/webhooks/github`);
    const health = healthSchema.parse((await api(core, 'GET', '/api/health')).body);
    expect(health.public_url).toMatchObject({ mode: 'url', url: proxy.url, reachable: true });
    expect(core.publicUrl.status().url).toBe(proxy.url);

    // A webhook sent to the public URL arrives verified: the proxy passes the bytes unchanged.
    const payload = JSON.stringify(examples.find((g) => g.name === 'ping')!.examples[0]);
    const sent = await post(`${proxy.url}/webhooks/github`, payload, {
      'x-github-event': 'ping',
      'x-github-delivery': 'tunnel-test-1',
      'x-hub-signature-256': await sign('proxy-test-secret', payload),
    });
    expect(sent.status).toBe(200);
    const stored = (await api<{ events: Array<{ source: string; verified: boolean }> }>(core, 'GET', '/api/events?source=github')).body.events;
    expect(stored).toEqual([expect.objectContaining({ source: 'github', verified: true })]);
    const sourcesTool = await mcpCall('get_event_sources');
    expect(sourcesTool.data.public_url).toBe(proxy.url);
    expect(sourcesTool.data.sources).toEqual([expect.objectContaining({ source: 'github', webhook_url: `${proxy.url}/webhooks/github` })]);
    expect(sourcesTool.text).toContain(`webhooks to ${proxy.url}/webhooks/github`);
    const healthTool = await mcpCall('health_check');
    expect(healthTool.text).toMatch(new RegExp(`The public URL ${proxy.url} \\(your own URL\\) reaches this core`));

    const checked = tunnelInfoSchema.parse((await api(core, 'POST', '/api/tunnel/check')).body);
    expect(checked).toMatchObject({ reachable: true, url: proxy.url });
  });

  it('refuses a URL that answers with another core\'s id, and an unreachable one, changing nothing', async () => {
    const before = (await api(core, 'GET', '/api/tunnel')).body;
    const wrong = await api(core, 'PUT', '/api/tunnel', { mode: 'url', url: otherProxy.url });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toEqual({ status: 422, error: expect.stringMatching(/answered from another Tidings core .* not this one/) });
    const gone = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = await api(core, 'PUT', '/api/tunnel', { mode: 'url', url: gone });
    expect(unreachable.status).toBe(502);
    expect(unreachable.body).toEqual({ status: 502, error: expect.stringMatching(new RegExp(`^${gone}/health could not be reached \\(ECONNREFUSED\\)`)) });
    expect((await api(core, 'GET', '/api/tunnel')).body).toEqual(before);
    expect(JSON.parse(fs.readFileSync(path.join(core.config.dataDir, 'tunnel.json'), 'utf8'))).toEqual({ mode: 'url', url: proxy.url });
  });

  it.each([
    [{ mode: 'url', url: 'not a url' }, /is not a URL/],
    [{ mode: 'url', url: 'ftp://example.com' }, /must start with https:\/\//],
    [{ mode: 'url' }, /url/],
    [{ mode: 'cloud' }, /mode/],
    [{ mode: 'off', extra: 1 }, /unknown body extra/],
    [{ mode: 'ngrok', domain: 'https://x.example/path' }, /must be a domain name/],
    [{ mode: 'ngrok', authtoken: 'short' }, /an ngrok authtoken is longer than that/],
  ])('answers 400 with a clear error for %j, and changes nothing', async (body, message) => {
    const before = (await api(core, 'GET', '/api/tunnel')).body;
    const r = await api<{ status: number; error: string }>(core, 'PUT', '/api/tunnel', body);
    expect(r.status).toBe(400);
    expect(r.body.status).toBe(400);
    expect(r.body.error).toMatch(message);
    expect((await api(core, 'GET', '/api/tunnel')).body).toEqual(before);
  });

  it('stores the ngrok authtoken as a secret and never returns it', async () => {
    const token = 'stand_in_authtoken_0123456789abcdef';
    const put = await api(core, 'PUT', '/api/tunnel/authtoken', { authtoken: token });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ authtoken: 'stored' });
    for (const route of ['/api/tunnel', '/api/health', '/api/secrets', '/api/sources']) {
      expect(JSON.stringify((await api(core, 'GET', route)).body)).not.toContain(token);
    }
    expect(((await api(core, 'GET', '/api/secrets')).body as { secrets: Array<{ source: string }> }).secrets.map((s) => s.source)).toEqual(['github']);
    const file = path.join(core.config.dataDir, 'secrets.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain(token);
    expect(core.secrets.forSource('credential:ngrok-authtoken')).toEqual([]);
    expect((await api(core, 'DELETE', '/api/tunnel/authtoken')).body).toMatchObject({ authtoken: null });
    expect((await api(core, 'DELETE', '/api/tunnel/authtoken')).status).toBe(404);
  });

  it('turns off: webhook URLs are local again', async () => {
    const off = tunnelChangeSchema.parse((await api(core, 'PUT', '/api/tunnel', { mode: 'off' })).body);
    expect(off.status).toMatchObject({ mode: 'off', state: 'off', url: null });
    const sources = sourcesSchema.parse((await api(core, 'GET', '/api/sources')).body).sources;
    expect(sources.find((s) => s.source === 'github')?.url).toBe(`${core.ingestUrl}/webhooks/github`);
  });
});
