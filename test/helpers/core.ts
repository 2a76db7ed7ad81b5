// Test helpers: a real core on a temporary data directory with free ports, and small
// HTTP helpers. Nothing here fakes the store or the network.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/main/core/config';
import type { ConfigOverrides } from '../../src/main/core/config';
import { createLogger } from '../../src/main/core/logger';
import { startCore } from '../../src/main/core/start-core';
import type { Core, StartCoreOptions } from '../../src/main/core/start-core';

export function tempDir(prefix = 'tidings-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestCore extends Core {
  ingestUrl: string;
  controlUrl: string;
}

export async function startTestCore(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = {},
  extra: Pick<StartCoreOptions, 'resolve' | 'tunnelDriver' | 'publicUrl'> = {},
): Promise<TestCore> {
  const dataDir = overrides.dataDir ?? tempDir();
  const config = loadConfig({ port: 0, controlPort: 0, ...overrides, dataDir }, env);
  const core = await startCore({
    config,
    mode: 'serve',
    env,
    logger: createLogger({ dir: path.join(dataDir, 'logs'), stderr: false }),
    ...extra,
  });
  return Object.assign(core, { ingestUrl: core.runtime.ingest_url, controlUrl: core.runtime.control_url });
}

export interface PostResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, headers: res.headers, body: json };
}

export async function api<T = Record<string, unknown>>(
  core: TestCore,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${core.controlUrl}${pathname}`, {
    method,
    headers: {
      authorization: `Bearer ${core.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}
