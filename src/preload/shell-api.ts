// Builds the object the preload exposes from the IPC contract: one async function per
// method, which checks its arguments against the contract before they leave the page and
// the answer before the page sees it (the main process checks the arguments again: it is
// the side that must not trust the other). Pure, so a test can check that exactly the
// contract's methods exist, without Electron.
import { IPC, IPC_METHODS } from '../shared/ipc';
import type { TidingsShellApi } from '../shared/ipc';

export type Invoke = (channel: string, args: unknown[]) => Promise<unknown>;

export function buildShellApi(invoke: Invoke): TidingsShellApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of IPC_METHODS) {
    const spec = IPC[method];
    api[method] = async (...args: unknown[]) => {
      const parsed = spec.args.safeParse(args);
      if (!parsed.success) throw new TypeError(`tidings.${method}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return spec.result.parse(await invoke(spec.channel, parsed.data as unknown[]));
    };
  }
  // contextBridge copies the object anyway; freezing keeps the preload's own copy honest too.
  return Object.freeze(api) as unknown as TidingsShellApi;
}
