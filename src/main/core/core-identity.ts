// Before a client sends the token to the URL that runtime.json names, it makes sure that URL
// is on this machine and that the process answering there is the core runtime.json names.
// runtime.json can be stale (the core died and another program took its port) or, in a
// directory someone else could write, forged. The check must not hand over the token first,
// so the client sends a random challenge to GET /api/identify (no token needed) and the core
// answers with its pid and an HMAC of the challenge keyed by the token: only a process that
// holds this data directory's token can produce it, and the token never crosses the wire.
//
// Light on purpose (node:crypto and fetch only): the stdio bridge imports it.
import crypto from 'node:crypto';
import type { RuntimeInfo } from './data-dir';

export const IDENTIFY_PATH = '/api/identify';

export class CoreIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoreIdentityError';
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a URL from runtime.json is not one to send the token to, or null when it is. */
export function loopbackProblem(what: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `runtime.json's ${what} "${url}" is not a URL`;
  }
  if (u.protocol !== 'http:' || !LOOPBACK_HOSTS.has(u.hostname) || u.username || u.password) {
    return `runtime.json's ${what} "${url}" is not a loopback address (http://127.0.0.1:PORT); a Tidings core only listens on this machine, so the token is not sent there`;
  }
  return null;
}

/** Every URL in runtime.json that a client may call, all on loopback and the MCP URL on the control origin. */
export function runtimeUrlProblem(runtime: Pick<RuntimeInfo, 'control_url' | 'mcp_url' | 'ingest_url'>): string | null {
  const problem =
    loopbackProblem('control_url', runtime.control_url) ?? loopbackProblem('mcp_url', runtime.mcp_url) ?? loopbackProblem('ingest_url', runtime.ingest_url);
  if (problem) return problem;
  if (new URL(runtime.mcp_url).origin !== new URL(runtime.control_url).origin) {
    return `runtime.json's mcp_url "${runtime.mcp_url}" is not on the control listener ${runtime.control_url}`;
  }
  return null;
}

export function identityProof(token: string, challenge: string, pid: number): string {
  return crypto.createHmac('sha256', token).update(`tidings-identify\n${challenge}\n${pid}`).digest('hex');
}

export const challengePattern = /^[0-9a-f]{64}$/;

/**
 * Resolves when the core at runtime.control_url is the process runtime.json names and holds
 * `token`; otherwise throws a CoreIdentityError that says what to do.
 */
export async function verifyCoreIdentity(runtime: RuntimeInfo, token: string, fetchImpl: typeof fetch = fetch): Promise<void> {
  const problem = runtimeUrlProblem(runtime);
  if (problem) throw new CoreIdentityError(problem);
  const challenge = crypto.randomBytes(32).toString('hex');
  const where = `${runtime.control_url} (named by runtime.json in ${runtime.data_dir})`;
  let answer: unknown;
  try {
    const res = await fetchImpl(new URL(`${IDENTIFY_PATH}?challenge=${challenge}`, runtime.control_url), {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`it answered ${res.status}`);
    answer = await res.json();
  } catch (err) {
    throw new CoreIdentityError(
      `the program at ${where} did not identify itself as this data directory's Tidings core (${(err as Error).message}); if the core was stopped abruptly, start it again (\`tidings serve\`), or remove a stale runtime.json`,
    );
  }
  const a = answer as { pid?: unknown; proof?: unknown };
  if (a.pid !== runtime.pid) {
    throw new CoreIdentityError(`the program at ${where} is process ${String(a.pid)}, not the core's process ${runtime.pid}; the token was not sent. Start the core again with \`tidings serve\``);
  }
  const expected = Buffer.from(identityProof(token, challenge, runtime.pid));
  const given = Buffer.from(typeof a.proof === 'string' ? a.proof : '');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new CoreIdentityError(`the program at ${where} could not prove it holds this data directory's token; the token was not sent. Stop whatever listens there and start the core again`);
  }
}
