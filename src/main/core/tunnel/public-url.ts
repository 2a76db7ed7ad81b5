// The public URL that providers post to, as the rest of the core sees it. The tunnel
// manager (ngrok inside the core, or a URL the user runs) implements it; provider links,
// catch-up, health, the CLI, the dashboard and the tray only read it and listen for
// changes. The shape is the contract's status JSON (PRODUCT.md, "Public URL").
// The schema itself lives in src/shared so that the renderer and the CLI parse the same one.
import { publicUrlStatusSchema, webhookUrlFor } from '../../../shared/public-url';
import type { PublicUrlStatus } from '../../../shared/public-url';

export { publicUrlStatusSchema, webhookUrlFor };
export type { PublicUrlStatus };

export interface PublicUrl {
  status(): PublicUrlStatus;
  /** Called after every change of url, state or reachability; returns the unsubscribe function. */
  onChange(listener: (status: PublicUrlStatus) => void): () => void;
}

export const OFF_STATUS: PublicUrlStatus = { mode: 'off', state: 'off', url: null, reachable: null, checked_at: null, error: null };

/** A fixed public URL (or none): for tests and for places that have no tunnel manager. */
export function staticPublicUrl(status: PublicUrlStatus = OFF_STATUS): PublicUrl {
  return { status: () => status, onChange: () => () => {} };
}
