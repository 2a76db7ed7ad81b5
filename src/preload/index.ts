// The window's preload (sandboxed, context-isolated): exposes `window.tidings`, one async
// function per method of the IPC contract in src/shared/ipc.ts, and nothing else. Never
// ipcRenderer itself, never a generic "send": the page can only ask what the contract names,
// and the main process checks the sender and validates the arguments again.
import './zod-jitless';
import { contextBridge, ipcRenderer } from 'electron';
import { buildShellApi } from './shell-api';
import { SHELL_API_KEY } from '../shared/ipc';

contextBridge.exposeInMainWorld(
  SHELL_API_KEY,
  buildShellApi((channel, args) => ipcRenderer.invoke(channel, ...args)),
);
