// Turning an HTTP answer from the local API into data or an ApiError. Every 2xx body is
// checked against the shared contract; every other answer becomes an error with the
// server's own sentence (`{status, error}`), so the UI can show it where the action happened.
import type { z } from 'zod';
import { apiErrorSchema } from '../../shared/api';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The HTTP status; 0 when the core could not be reached at all. */
    readonly status: number,
    message: string,
    /** The parsed response body, when there was one (for routes with richer error bodies). */
    readonly body: unknown = undefined,
  ) {
    super(message);
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

export function parseApiResponse<T extends z.ZodType>(
  path: string,
  status: number,
  statusText: string,
  text: string,
  schema: T,
): z.infer<T> {
  const json = parseJson(text);
  if (status < 200 || status > 299) {
    if (json.ok) {
      const err = apiErrorSchema.safeParse(json.value);
      if (err.success) throw new ApiError(status, err.data.error, json.value);
    }
    const reason = statusText ? `${status} ${statusText}` : String(status);
    throw new ApiError(status, `the core answered ${path} with HTTP ${reason}`, json.ok ? json.value : text);
  }
  if (!json.ok) throw new ApiError(status, `the core answered ${path} with something that is not JSON`);
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) {
    throw new ApiError(status, `the core's answer to ${path} does not match the API contract (${describeIssues(parsed.error)})`, json.value);
  }
  return parsed.data;
}

/** A sentence for any error, with advice for the cases a person can fix. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return `Cannot reach the Tidings core: ${error.message}. Is it running? (\`tidings status\`)`;
    if (error.status === 401) {
      return `Not signed in to the core (${error.message}). Open the dashboard from the Tidings tray menu or the dashboard URL that \`tidings serve\` prints.`;
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
