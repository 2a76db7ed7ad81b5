// The one IPC contract between the tray app's window and its main process: every channel,
// the zod schema of its arguments and of its answer. The preload builds `window.tidings`
// from this table and the main process validates every message against it, so the three
// cannot drift apart (fiddle keeps the same contract in four files by hand).
//
// The window's data does not travel here: the dashboard talks to the core's local API over
// same-origin HTTP (src/renderer/api.ts). These channels are only for what the shell alone
// can do.
import { z } from 'zod';
import { SOURCE_PATTERN } from './events';

const sourceName = z.string().regex(SOURCE_PATTERN);

/** One person-made rule; the first that matches an event decides, before the defaults. */
export const notificationRuleSchema = z
  .object({
    /** A source name, or `*` for every source. */
    source: z.union([z.literal('*'), sourceName]),
    /** An exact type (`invoice.payment_failed`), a prefix (`deployment.*`), or `*`. */
    type: z.string().min(1).max(200),
    notify: z.boolean(),
  })
  .strict();
export type NotificationRule = z.infer<typeof notificationRuleSchema>;

export const notificationPrefsSchema = z
  .object({
    /** Nothing notifies while paused; events still count as unseen in the tray. */
    paused: z.boolean(),
    /** Sources that never notify, whatever the rules say. */
    mutedSources: z.array(sourceName).max(200),
    /** The built-in rules, each of which can be turned off. */
    defaults: z
      .object({
        stripePaymentFailed: z.boolean(),
        deploymentFailed: z.boolean(),
        pullRequestOpened: z.boolean(),
      })
      .strict(),
    /** `owner/repo` names whose opened pull requests notify; empty means every repo that sends webhooks. */
    trackedRepos: z.array(z.string().min(3).max(200)).max(500),
    rules: z.array(notificationRuleSchema).max(200),
    /** More than `max` notable events within `windowMs` become one "N new events" notification. */
    burst: z.object({ max: z.number().int().min(1).max(20), windowMs: z.number().int().min(250).max(60_000) }).strict(),
  })
  .strict();
export type NotificationPrefs = z.infer<typeof notificationPrefsSchema>;

export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = {
  paused: false,
  mutedSources: [],
  defaults: { stripePaymentFailed: true, deploymentFailed: true, pullRequestOpened: true },
  trackedRepos: [],
  rules: [],
  burst: { max: 3, windowMs: 2_000 },
};

export const shellInfoSchema = z
  .object({
    version: z.string(),
    platform: z.string(),
    packaged: z.boolean(),
    /** `owned`: the core runs inside the app; `attached`: the app uses a headless core that was already running. */
    coreMode: z.enum(['owned', 'attached']).nullable(),
    secretStorage: z.object({ label: z.string(), encrypted: z.boolean(), warning: z.string().nullable() }).strict(),
    logsDir: z.string(),
  })
  .strict();
export type ShellInfo = z.infer<typeof shellInfoSchema>;

/** Every method the preload exposes on `window.tidings`, with its channel and schemas. */
export const IPC = {
  getShellInfo: { channel: 'tidings:get-shell-info', args: z.tuple([]), result: shellInfoSchema },
  getNotificationPrefs: { channel: 'tidings:get-notification-prefs', args: z.tuple([]), result: notificationPrefsSchema },
  setNotificationPrefs: {
    channel: 'tidings:set-notification-prefs',
    args: z.tuple([notificationPrefsSchema]),
    result: notificationPrefsSchema,
  },
  openLogs: { channel: 'tidings:open-logs', args: z.tuple([]), result: z.null() },
} as const;

export type IpcMethod = keyof typeof IPC;
export const IPC_METHODS = Object.keys(IPC) as IpcMethod[];
export type IpcArgs<M extends IpcMethod> = z.output<(typeof IPC)[M]['args']>;
export type IpcResult<M extends IpcMethod> = z.output<(typeof IPC)[M]['result']>;

/** What the renderer sees as `window.tidings`. */
export type TidingsShellApi = { [M in IpcMethod]: (...args: z.input<(typeof IPC)[M]['args']>) => Promise<IpcResult<M>> };

/** The name under which the preload exposes the shell API. */
export const SHELL_API_KEY = 'tidings';
