// The public URL's remembered setting: tunnel.json in the data directory, so that the tunnel
// comes back when the core restarts. A file of its own rather than config.json, which is the
// person's to edit (the core never rewrites it), and rather than a table, because it is read
// before anything else needs the store and holds three fields. No secret goes here: the
// ngrok authtoken lives in the secret store.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readTextIfExists } from '../read-text';

export const tunnelSettingsSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }),
  z.object({ mode: z.literal('ngrok'), domain: z.string().nullable() }),
  z.object({ mode: z.literal('url'), url: z.string() }),
]);
export type TunnelSettings = z.infer<typeof tunnelSettingsSchema>;

export interface TunnelSettingsStore {
  load(): TunnelSettings;
  save(settings: TunnelSettings): void;
  /** Where it is kept, for messages. */
  describe(): string;
}

export function createTunnelSettingsFile(file: string): TunnelSettingsStore {
  return {
    load() {
      const text = readTextIfExists(file);
      if (text === null) return { mode: 'off' };
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error(`tunnel: ${file} is not valid JSON; fix it, or delete it to start with the public URL off`);
      }
      const parsed = tunnelSettingsSchema.safeParse(json);
      if (!parsed.success) throw new Error(`tunnel: ${file} is not in the expected format; delete it to start with the public URL off`);
      return parsed.data;
    },
    save(settings) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
    describe: () => file,
  };
}

/** For tests and for cores that must not remember anything. */
export function memoryTunnelSettings(initial: TunnelSettings = { mode: 'off' }): TunnelSettingsStore {
  let current = initial;
  return { load: () => current, save: (s) => void (current = s), describe: () => 'memory' };
}
