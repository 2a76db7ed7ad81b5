// Where secrets come from: TIDINGS_SECRET_* variables (comma-separated, for rotation) and the
// 0600 store. A variable that is set but lists no secret must stop the core, not open the source.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/main/core/config';
import { blankSecretVariables, createFileSecretBackend, createSecrets } from '../../../src/main/core/secrets';
import { startTestCore, tempDir } from '../../helpers/core';
import { runCli } from '../../helpers/cli';

const backend = () => createFileSecretBackend(path.join(tempDir(), 'secrets.json'));

describe('secret variables', () => {
  it('reads a comma-separated list, newest first, ignoring blank entries between secrets', () => {
    const secrets = createSecrets(backend(), { TIDINGS_SECRET_MY_APP: ' new-secret , ,old-secret,' });
    expect(secrets.forSource('my-app')).toEqual(['new-secret', 'old-secret']);
  });

  it.each([' , ', ' ', ',', ' ,\t, '])('refuses a variable that holds only blanks and commas (%j)', (value) => {
    expect(blankSecretVariables({ TIDINGS_SECRET_GITHUB: value })).toEqual(['TIDINGS_SECRET_GITHUB']);
    expect(() => createSecrets(backend(), { TIDINGS_SECRET_GITHUB: value })).toThrow(ConfigError);
    expect(() => createSecrets(backend(), { TIDINGS_SECRET_GITHUB: value })).toThrow(
      /TIDINGS_SECRET_GITHUB=".*" holds no secret, only spaces or commas; put the secret in it .* or unset it/,
    );
  });

  it('names every blank variable at once', () => {
    expect(blankSecretVariables({ TIDINGS_SECRET_STRIPE: ' ', TIDINGS_SECRET_GITHUB: ',', TIDINGS_SECRET_SLACK: 'ok' })).toEqual([
      'TIDINGS_SECRET_GITHUB',
      'TIDINGS_SECRET_STRIPE',
    ]);
  });

  it('treats an empty variable as unset, as every TIDINGS_* variable is', () => {
    const secrets = createSecrets(backend(), { TIDINGS_SECRET_ORDERS: '' });
    expect(secrets.forSource('orders')).toEqual([]);
  });

  it('stops the core before it listens, leaving no runtime.json behind', async () => {
    const dataDir = tempDir();
    await expect(startTestCore({ dataDir }, { TIDINGS_SECRET_GITHUB: ' , ' })).rejects.toThrow(/TIDINGS_SECRET_GITHUB=" , " holds no secret/);
    expect(fs.existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);
  });

  it('makes `tidings serve` exit 1 with the message, not a stack trace', async () => {
    const dataDir = tempDir();
    const run = await runCli(['serve', '--data-dir', dataDir, '--port', '0', '--control-port', '0'], { env: { TIDINGS_SECRET_GITHUB: ' , ' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^tidings: secrets: TIDINGS_SECRET_GITHUB=" , " holds no secret/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toContain('is running');
  }, 60_000);
});
