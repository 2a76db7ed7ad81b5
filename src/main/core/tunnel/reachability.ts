// Whether a public URL reaches this very core: `<url>/health` must answer with the ingest
// listener's instance id, which is new at each start. Anything else (no answer, an error
// page, another Tidings) is "not reachable", with a sentence saying which and what to do.
import { z } from 'zod';

export interface Reachability {
  reachable: boolean;
  /** Null when reachable. */
  error: string | null;
}

const healthAnswer = z.object({ service: z.string().optional(), instance: z.string().optional() }).passthrough();

function causeOf(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer within 10 s';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

export async function checkReachable(options: {
  url: string;
  instance: string;
  /** The local ingest listener, named in the advice. */
  ingestUrl: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}): Promise<Reachability> {
  const target = `${options.url.replace(/\/+$/, '')}/health`;
  const doFetch = options.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await doFetch(target, {
      redirect: 'manual',
      // ngrok's free domains put an HTML warning page in front of browsers; this skips it.
      headers: { 'ngrok-skip-browser-warning': '1', 'user-agent': 'Tidings reachability check' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    return { reachable: false, error: `${target} could not be reached (${causeOf(err)}): the inbox cannot be reached from outside through this URL; check that the tunnel or proxy is running` };
  }
  const text = await res.text().catch(() => '');
  if (res.status !== 200) {
    return {
      reachable: false,
      error: `${target} answered HTTP ${res.status}, not this Tidings core: make the URL forward to the ingest listener ${options.ingestUrl}`,
    };
  }
  let body: z.infer<typeof healthAnswer> | null = null;
  try {
    const parsed = healthAnswer.safeParse(JSON.parse(text));
    body = parsed.success ? parsed.data : null;
  } catch {
    body = null;
  }
  if (!body || body.service !== 'tidings-ingest' || !body.instance) {
    return {
      reachable: false,
      error: `${target} answered, but not as a Tidings ingest listener: make the URL forward to ${options.ingestUrl} (not the dashboard's port)`,
    };
  }
  if (body.instance !== options.instance) {
    return {
      reachable: false,
      error: `${target} answered from another Tidings core (instance ${body.instance.slice(0, 12)}), not this one (instance ${options.instance.slice(0, 12)}): the URL forwards to another machine, port or data directory; point it at ${options.ingestUrl}`,
    };
  }
  return { reachable: true, error: null };
}
