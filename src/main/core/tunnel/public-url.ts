// The public URL that providers post to, as the rest of the core sees it. The tunnel
// manager (ngrok inside the core, or a URL the user runs) implements it; provider links,
// catch-up, health, the CLI, the dashboard and the tray only read it and listen for
// changes. The shape is the contract's status JSON (PRODUCT.md, "Public URL").
import { z } from 'zod';

export const publicUrlStatusSchema = z.object({
  mode: z.enum(['off', 'ngrok', 'url']),
  state: z.enum(['off', 'starting', 'online', 'error']),
  /** The public base URL (no trailing slash), or null while there is none. */
  url: z.string().nullable(),
  /** Whether `<url>/health` last answered with this core's instance id; null if not checked. */
  reachable: z.boolean().nullable(),
  checked_at: z.string().nullable(),
  error: z.string().nullable(),
});
export type PublicUrlStatus = z.infer<typeof publicUrlStatusSchema>;

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

/** Where a provider should send a source's webhooks: the public URL when there is one. */
export function webhookUrlFor(source: string, publicBase: string | null, ingestBase: string): string {
  return `${(publicBase ?? ingestBase).replace(/\/+$/, '')}/webhooks/${source}`;
}
