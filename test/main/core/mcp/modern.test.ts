// The bounds on a 2026 subscriptions/listen request, checked before the SDK sees it (the
// same requests over HTTP are in http-raw.test.ts).
import { describe, expect, it } from 'vitest';
import { listenOverLimit, MAX_LISTEN_URI_LENGTH, MAX_LISTEN_URIS } from '../../../../src/main/core/mcp/modern';

const listen = (uris: unknown, id: unknown = 9) => ({ jsonrpc: '2.0', id, method: 'subscriptions/listen', params: { notifications: { resourceSubscriptions: uris } } });

describe('listenOverLimit', () => {
  it('lets through listen requests within the bounds, and everything that is not a listen request', () => {
    expect(listenOverLimit(listen(Array.from({ length: MAX_LISTEN_URIS }, (_, i) => `tidings://events/${i}`)))).toBeNull();
    expect(listenOverLimit(listen(undefined))).toBeNull();
    expect(listenOverLimit({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).toBeNull();
    expect(listenOverLimit([listen(['x'])])).toBeNull();
    expect(listenOverLimit(null)).toBeNull();
  });

  it('refuses one URI too many, echoing the request id and saying what to listen to instead', () => {
    const over = listenOverLimit(listen(Array.from({ length: MAX_LISTEN_URIS + 1 }, (_, i) => `tidings://events/${i}`), 'listen:3'));
    expect(over?.id).toBe('listen:3');
    expect(over?.message).toMatch(`names ${MAX_LISTEN_URIS + 1} resource URIs; one stream may name at most ${MAX_LISTEN_URIS}`);
    expect(over?.message).toMatch('tidings://sources/{source}/recent');
  });

  it('refuses a URI longer than any Tidings serves', () => {
    const over = listenOverLimit(listen([`tidings://deployments/${'x'.repeat(MAX_LISTEN_URI_LENGTH)}`]));
    expect(over?.message).toMatch(/longer than 1024 characters/);
    expect(over?.id).toBe(9);
  });
});
