// What the Sources view's Public URL panel says, state by state, and that the authtoken
// note names where the token comes from, never the token.
import { describe, expect, it } from 'vitest';
import { authtokenNote, publicUrlSummary } from '../../src/renderer/lib/public-url';
import type { TunnelInfo } from '../../src/shared/api';

const t = (patch: Partial<TunnelInfo>): TunnelInfo => ({
  mode: 'url',
  state: 'online',
  url: 'https://hooks.example.com',
  reachable: true,
  checked_at: '2026-01-01T00:00:00.000Z',
  error: null,
  authtoken: null,
  ...patch,
});

describe('publicUrlSummary', () => {
  it.each([
    ['off', t({ mode: 'off', state: 'off', url: null, reachable: null }), 'warn', 'off', /cannot reach this inbox/],
    ['reachable', t({}), 'ok', 'reachable', /reaches this core/],
    ['online, not checked', t({ mode: 'ngrok', reachable: null }), 'busy', 'online', /Online through ngrok; not checked yet/],
    ['reconnecting', t({ mode: 'ngrok', state: 'starting', error: 'lost; reconnecting in 2 s (attempt 1)' }), 'busy', 'starting', /Starting ngrok: lost; reconnecting/],
    ['error', t({ state: 'error', reachable: false, error: 'no answer' }), 'bad', 'error', /cannot be reached from outside: no answer/],
    ['online but another core answers', t({ mode: 'ngrok', reachable: false, error: 'answered from another Tidings core' }), 'bad', 'not reachable', /another Tidings core/],
  ] as const)('%s', (_name, info, tone, badge, sentence) => {
    const s = publicUrlSummary(info);
    expect(s.tone).toBe(tone);
    expect(s.badge).toBe(badge);
    expect(s.sentence).toMatch(sentence);
  });

  it('describes where the authtoken comes from', () => {
    expect(authtokenNote('env')).toMatch(/NGROK_AUTHTOKEN/);
    expect(authtokenNote('stored')).toMatch(/is stored/);
    expect(authtokenNote(null)).toMatch(/No authtoken yet/);
  });
});
