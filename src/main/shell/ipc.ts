// The main process's side of the IPC contract (src/shared/ipc.ts): `validateIpc` decides
// whether a message may be answered (known channel, sent by the main frame of our own
// window while it shows the core's dashboard, arguments that parse), and `setupIpc`
// registers one handler per channel that calls it first. Anything else is refused and logged.
import { ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { IPC, IPC_METHODS } from '../../shared/ipc';
import type { IpcArgs, IpcMethod, IpcResult } from '../../shared/ipc';
import type { Logger } from '../core/logger';

export interface IpcSender {
  webContentsId: number;
  /** The URL of the frame that sent the message ('' when the frame is gone). */
  frameUrl: string;
  isMainFrame: boolean;
}

export interface IpcExpected {
  /** Our window's webContents id; null while there is no window. */
  webContentsId: number | null;
  /** The origin the window must be showing: the core's control listener. */
  origin: string;
}

export type IpcValidation =
  | { ok: true; method: IpcMethod; args: unknown[] }
  | { ok: false; reason: string };

const byChannel = new Map<string, IpcMethod>(IPC_METHODS.map((m) => [IPC[m].channel, m]));

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

export function validateIpc(sender: IpcSender, expected: IpcExpected, channel: string, args: readonly unknown[]): IpcValidation {
  const method = byChannel.get(channel);
  if (!method) return { ok: false, reason: `unknown channel ${JSON.stringify(channel)}` };
  if (expected.webContentsId === null || sender.webContentsId !== expected.webContentsId) {
    return { ok: false, reason: `${channel}: sent by webContents ${sender.webContentsId}, which is not the Tidings window` };
  }
  // A subframe (an iframe the page might one day embed) gets nothing, and neither does a
  // page the window was somehow navigated to.
  if (!sender.isMainFrame) return { ok: false, reason: `${channel}: sent by a subframe` };
  if (originOf(sender.frameUrl) !== expected.origin) {
    return { ok: false, reason: `${channel}: sent from ${JSON.stringify(originOf(sender.frameUrl) ?? sender.frameUrl)}, not ${expected.origin}` };
  }
  const parsed = IPC[method].args.safeParse(args);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
    return { ok: false, reason: `${channel}: invalid arguments (${issues})` };
  }
  return { ok: true, method, args: parsed.data as unknown[] };
}

export type IpcHandlers = { [M in IpcMethod]: (...args: IpcArgs<M>) => IpcResult<M> | Promise<IpcResult<M>> };

export function senderOf(event: IpcMainInvokeEvent): IpcSender {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    frameUrl: frame?.url ?? '',
    isMainFrame: frame !== null && frame === event.sender.mainFrame,
  };
}

/** Register every channel of the contract; returns the function that removes them. */
export function setupIpc(options: { expected: () => IpcExpected; handlers: IpcHandlers; logger: Logger }): () => void {
  for (const method of IPC_METHODS) {
    const { channel, result } = IPC[method];
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      const check = validateIpc(senderOf(event), options.expected(), channel, args);
      if (!check.ok) {
        options.logger.warn('ipc: refused', { reason: check.reason });
        throw new Error(`ipc: refused (${check.reason})`);
      }
      const handler = options.handlers[check.method] as (...a: unknown[]) => unknown;
      // Our own answers are checked too, so the renderer can trust the contract's types.
      return result.parse(await handler(...check.args));
    });
  }
  return () => {
    for (const method of IPC_METHODS) ipcMain.removeHandler(IPC[method].channel);
  };
}
