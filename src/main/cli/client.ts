// How CLI commands reach a running core: runtime.json names its control URL, the token
// file holds the credential. Before the first request carries the token, the process at that
// URL must prove it is the core runtime.json names (core-identity.ts). Commands that can work
// without a core say so themselves.
import { readRuntime, readToken } from '../core/data-dir';
import type { RuntimeInfo } from '../core/data-dir';
import { CoreIdentityError, verifyCoreIdentity } from '../core/core-identity';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface CoreClient {
  runtime: RuntimeInfo;
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export function findCore(dataDir: string): CoreClient | null {
  const runtime = readRuntime(dataDir);
  const token = readToken(dataDir);
  if (!runtime || !token) return null;
  let verified: Promise<void> | null = null;
  return {
    runtime,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      verified ??= verifyCoreIdentity(runtime, token).catch((err: unknown) => {
        throw err instanceof CoreIdentityError ? new CliError(err.message) : err;
      });
      await verified;
      let res: Response;
      try {
        res = await fetch(`${runtime.control_url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        throw new CliError(`could not reach the Tidings core at ${runtime.control_url} (${(err as Error).message})`);
      }
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: reported below
      }
      if (!res.ok) {
        const msg = (json as { error?: string } | null)?.error ?? text.slice(0, 200);
        throw new CliError(`the core answered ${res.status}: ${msg}`);
      }
      return json as T;
    },
  };
}

export function requireCore(dataDir: string): CoreClient {
  const core = findCore(dataDir);
  if (!core) {
    throw new CliError(`no Tidings core is running on ${dataDir}; start one with \`tidings serve\` (or open the Tidings app)`);
  }
  return core;
}
