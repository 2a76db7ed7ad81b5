// get_event_sources stays bounded however many names senders invent: through the real
// receiver and the MCP SDK's own client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { post, startTestCore } from '../../../helpers/core';
import type { TestCore } from '../../../helpers/core';
import { MAX_SOURCES_LISTED } from '../../../../src/main/core/mcp/tools/get-event-sources';

const NAMES = MAX_SOURCES_LISTED + 10;
let core: TestCore;
let client: Client;

beforeAll(async () => {
  core = await startTestCore({ rateLimit: { newSourcesPerHour: 1000 } });
  // One at a time, so the newest name is the one heard from last.
  for (let i = 0; i < NAMES; i++) expect((await post(`${core.ingestUrl}/webhooks/name-${i}`, JSON.stringify({ i }))).status).toBe(200);
  client = new Client({ name: 'tidings-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${core.controlUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${core.token}` } } }),
  );
});
afterAll(async () => {
  await client?.close();
  await core?.close();
});

describe('get_event_sources', () => {
  it(`lists the ${MAX_SOURCES_LISTED} most recently heard from and counts the rest`, async () => {
    const result = (await client.callTool({ name: 'get_event_sources', arguments: {} })) as CallToolResult;
    const data = result.structuredContent as { sources: Array<{ source: string }>; total: number; omitted: number };
    expect(data.sources).toHaveLength(MAX_SOURCES_LISTED);
    expect(data.sources.map((s) => s.source)).toContain(`name-${NAMES - 1}`);
    expect(data).toMatchObject({ total: NAMES, omitted: 10 });
    const text = (result.content[0] as { text: string }).text;
    expect(text.split('\n').filter((l) => /^name-\d+: /.test(l))).toHaveLength(MAX_SOURCES_LISTED);
    expect(text.split('\n')[0]).toBe(`${MAX_SOURCES_LISTED} source(s) of ${NAMES}.`);
    expect(text).toMatch(/… and 10 more source\(s\) heard from less recently, not listed\.$/);
  });

  it('lists no more source resources than that either', async () => {
    const { resources } = await client.listResources();
    expect(resources.filter((r) => r.uri.startsWith('tidings://sources/'))).toHaveLength(MAX_SOURCES_LISTED);
  });
});
