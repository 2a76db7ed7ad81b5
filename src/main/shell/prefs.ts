// The tray app's own settings (notification rules, whether Claude Desktop was offered, which
// warnings were acknowledged) in prefs.json beside Electron's other files. Checked with zod
// on the way in; a file that does not parse is set aside rather than trusted or lost.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_NOTIFICATION_PREFS, notificationPrefsSchema } from '../../shared/ipc';

export const prefsSchema = z
  .object({
    version: z.literal(1),
    notifications: notificationPrefsSchema,
    /** The first-run offer to connect Claude Desktop: asked once, never silently acted on. */
    claudeOffer: z.enum(['pending', 'accepted', 'declined']),
    /** The secret-storage warning last shown, so it is not repeated on every start. */
    secretWarningShown: z.string().nullable(),
  })
  .strict();
export type Prefs = z.infer<typeof prefsSchema>;

export const DEFAULT_PREFS: Prefs = { version: 1, notifications: DEFAULT_NOTIFICATION_PREFS, claudeOffer: 'pending', secretWarningShown: null };

export interface PrefsStore {
  get(): Prefs;
  update(patch: Partial<Prefs>): Prefs;
  /** Why the file on disk was not used, if it was not. */
  problem: string | null;
}

export function loadPrefs(file: string): PrefsStore {
  let prefs = DEFAULT_PREFS;
  let problem: string | null = null;
  try {
    const parsed = prefsSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) prefs = parsed.data;
    else problem = `prefs: ${file} has invalid settings (${parsed.error.issues[0]?.message ?? 'unknown'}); defaults are used`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problem = `prefs: ${file} could not be read (${(err as Error).message}); defaults are used`;
  }
  if (problem && fs.existsSync(file)) fs.renameSync(file, `${file}.invalid-${Date.now()}`);
  return {
    get: () => prefs,
    update(patch) {
      const next = prefsSchema.parse({ ...prefs, ...patch });
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(tmp, file);
      prefs = next;
      return next;
    },
    problem,
  };
}
