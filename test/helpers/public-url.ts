// A public URL that a test moves by hand: implements the PublicUrl interface the tunnel
// manager implements, so provider links can be tested without a tunnel.
import { OFF_STATUS } from '../../src/main/core/tunnel/public-url';
import type { PublicUrl, PublicUrlStatus } from '../../src/main/core/tunnel/public-url';

export interface MovablePublicUrl extends PublicUrl {
  set(url: string | null): void;
}

export function movablePublicUrl(url: string | null = null): MovablePublicUrl {
  const online = (u: string | null): PublicUrlStatus =>
    u === null ? OFF_STATUS : { mode: 'url', state: 'online', url: u, reachable: true, checked_at: new Date().toISOString(), error: null };
  let status = online(url);
  const listeners = new Set<(s: PublicUrlStatus) => void>();
  return {
    status: () => status,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      status = online(next);
      for (const l of listeners) l(status);
    },
  };
}
