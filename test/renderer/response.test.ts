import { describe, expect, it } from 'vitest';
import { eventPageSchema, healthSchema } from '../../src/shared/api';
import { ApiError, errorMessage, parseApiResponse } from '../../src/renderer/lib/response';
import { seg, toQueryString } from '../../src/renderer/lib/query';

describe('parseApiResponse', () => {
  it('returns the parsed body of a 2xx answer', () => {
    const page = parseApiResponse('GET /api/events', 200, 'OK', '{"events":[],"next_cursor":null}', eventPageSchema);
    expect(page).toEqual({ events: [], next_cursor: null });
  });

  it("turns {status, error} into an ApiError with the server's sentence", () => {
    const run = () => parseApiResponse('POST /api/actions/1/complete', 409, 'Conflict', '{"status":409,"error":"action 1 is already completed"}', healthSchema);
    expect(run).toThrow(ApiError);
    try {
      run();
    } catch (e) {
      expect(e).toMatchObject({ status: 409, message: 'action 1 is already completed' });
    }
  });

  it('keeps a richer error body for routes that send one', () => {
    try {
      parseApiResponse('POST /api/sources/github/test', 502, 'Bad Gateway', '{"source":"github","ingest_status":401,"ingest_response":{}}', healthSchema);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(502);
      expect((e as ApiError).body).toMatchObject({ ingest_status: 401 });
      expect((e as ApiError).message).toContain('HTTP 502 Bad Gateway');
    }
  });

  it('reports a non-JSON error page by its status', () => {
    expect(() => parseApiResponse('GET /api/health', 504, 'Gateway Timeout', '<html>proxy</html>', healthSchema)).toThrow(/HTTP 504/);
  });

  it('refuses a 2xx body that breaks the contract, naming the field', () => {
    expect(() => parseApiResponse('GET /api/events', 200, 'OK', '{"events":"nope","next_cursor":null}', eventPageSchema)).toThrow(/contract.*events/);
    expect(() => parseApiResponse('GET /api/events', 200, 'OK', 'not json', eventPageSchema)).toThrow(/not JSON/);
  });
});

describe('errorMessage', () => {
  it('adds advice for an unreachable core and a missing session', () => {
    expect(errorMessage(new ApiError(0, 'Failed to fetch'))).toMatch(/Cannot reach the Tidings core.*tidings status/);
    expect(errorMessage(new ApiError(401, 'a token is required'))).toMatch(/Not signed in/);
    expect(errorMessage(new ApiError(409, 'already completed'))).toBe('already completed');
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
  });
});

describe('query strings', () => {
  it('leaves out empty values (the API rejects what it cannot read)', () => {
    expect(toQueryString({ source: 'github', type: '', q: undefined, verified: false, limit: 500, before: null })).toBe(
      '?source=github&verified=false&limit=500',
    );
    expect(toQueryString({})).toBe('');
  });
  it('escapes values and path segments', () => {
    expect(toQueryString({ q: 'a&b c' })).toBe('?q=a%26b+c');
    expect(seg('2025-01-01T00:00:00.000Z')).toBe('2025-01-01T00%3A00%3A00.000Z');
    expect(seg('../x')).toBe('..%2Fx');
  });
});
