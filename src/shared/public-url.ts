// The public URL's status JSON (PRODUCT.md, "Public URL"), shared by the core, the CLI and
// the renderer. The core's PublicUrl interface (src/main/core/tunnel/public-url.ts) re-exports it.
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

/** Where a provider should send a source's webhooks: the public URL when there is one. */
export function webhookUrlFor(source: string, publicBase: string | null, ingestBase: string): string {
  return `${(publicBase ?? ingestBase).replace(/\/+$/, '')}/webhooks/${source}`;
}
