// "Connect Claude Desktop": the tray's menu item and the first-run offer. Both ask first,
// say which file changes (a backup is kept), and then use the same writer as
// `tidings connect claude`, with an entry that starts this app's own binary in bridge mode
// (bridge-launch.ts). The decisions are pure; the dialogs are a thin layer on top.
import fs from 'node:fs';
import path from 'node:path';
import { dialog } from 'electron';
import { clientStatus, connectClient, ConfigFileError } from '../clients/connect';
import type { ChangeResult, ClientEnv, ClientStatus } from '../clients/connect';
import { configPath } from '../clients/paths';
import type { McpLaunch } from '../clients/launch';
import type { Logger } from '../core/logger';
import type { Prefs } from './prefs';
import type { ClaudeState } from './tray-view-model';

export function claudeState(status: ClientStatus | null): ClaudeState {
  if (!status) return 'unknown';
  if (status.problem) return 'problem';
  if (status.connected) return status.entryMatches ? 'connected' : 'outdated';
  return 'not-connected';
}

/** Offer once, to an installed app, when Claude Desktop is there and not yet connected. */
export function shouldOfferClaude(input: { offer: Prefs['claudeOffer']; state: ClaudeState; claudeInstalled: boolean; packaged: boolean }): boolean {
  return input.offer === 'pending' && input.packaged && input.claudeInstalled && input.state === 'not-connected';
}

export interface DialogText {
  message: string;
  detail: string;
  buttons: string[];
}

export function connectQuestion(input: { file: string; firstRun: boolean; state: ClaudeState; unstable: string | null }): DialogText {
  const lead = input.firstRun
    ? 'Connect Claude Desktop to Tidings?'
    : input.state === 'outdated'
      ? 'Update the Tidings entry in Claude Desktop?'
      : 'Connect Claude Desktop to Tidings?';
  const lines = [
    'Claude Desktop will then be able to read your webhook events through Tidings (it starts the Tidings bridge itself; no Node needed).',
    `This adds a "tidings" server to ${input.file}. Other servers and settings are kept, and a backup of the file is made first.`,
  ];
  if (input.unstable) lines.push(`Note: ${input.unstable}.`);
  if (input.firstRun) lines.push('You can do this later from the Tidings menu in the tray.');
  return { message: lead, detail: lines.join('\n\n'), buttons: [input.state === 'outdated' ? 'Update' : 'Connect', 'Not now'] };
}

export function connectOutcome(result: ChangeResult): { message: string; detail: string } {
  if (!result.changed) return { message: 'Claude Desktop is already connected to Tidings.', detail: `Nothing was written to ${result.path}.` };
  return {
    message: 'Claude Desktop is connected to Tidings.',
    detail: `Restart Claude Desktop (quit it fully, not only its window) to load Tidings.\n\nChanged: ${result.path}\nBackup: ${result.backupPath ?? '(none: the file is new)'}`,
  };
}

export interface ClaudeConnector {
  state(): ClaudeState;
  /** Ask, connect if the person agrees, and report. Returns whether the entry was written. */
  connect(firstRun: boolean): Promise<boolean>;
  installed(): boolean;
}

export function setupClaudeConnect(options: { env: ClientEnv; launch: () => McpLaunch; unstable: () => string | null; logger: Logger }): ClaudeConnector {
  const file = configPath('claude', options.env);
  const status = () => {
    try {
      return clientStatus('claude', { ...options.env, launch: options.launch(), mcpUrl: '', token: '' });
    } catch (err) {
      options.logger.warn('claude desktop: status unknown', { error: String(err) });
      return null;
    }
  };
  return {
    state: () => claudeState(status()),
    installed: () => fs.existsSync(path.dirname(file)),
    async connect(firstRun) {
      const state = claudeState(status());
      const q = connectQuestion({ file, firstRun, state, unstable: options.unstable() });
      const { response } = await dialog.showMessageBox({ type: 'question', message: q.message, detail: q.detail, buttons: q.buttons, defaultId: 0, cancelId: 1, noLink: true });
      if (response !== 0) return false;
      try {
        const result = connectClient('claude', { ...options.env, launch: options.launch(), mcpUrl: '', token: '' });
        options.logger.info('claude desktop connected', { path: result.path, changed: result.changed });
        const out = connectOutcome(result);
        await dialog.showMessageBox({ type: 'info', message: out.message, detail: out.detail, buttons: ['OK'] });
        return true;
      } catch (err) {
        const message = err instanceof ConfigFileError ? err.message : `could not update ${file}: ${String(err)}`;
        options.logger.warn('claude desktop: connect failed', { error: message });
        await dialog.showMessageBox({ type: 'error', message: 'Claude Desktop was not connected', detail: message, buttons: ['OK'] });
        return false;
      }
    },
  };
}
