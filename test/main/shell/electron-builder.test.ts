// electron-builder.yml, loaded and checked against its schema by electron-builder itself,
// sets what the shell relies on (fuses, unpacked files, no Dock icon, no publish target),
// and every file it names exists in the repository or is written by `npm run build`
// (scripts/build.mjs and Vite). The installers are built on hosted runners
// (.github/workflows/release.yml).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import yaml from 'js-yaml';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';
import { iconFile } from '../../../src/main/shell/tray-view-model';
import type { IconName } from '../../../src/main/shell/tray-view-model';
import { bridgeScriptPath } from '../../../src/main/shell/bridge-launch';
import { shellPaths } from '../../../src/main/shell/app-paths';

const root = path.resolve(__dirname, '../../..');
// Walked by key below; its shape is checked by electron-builder's own schema.
let config: Record<string, any> = {};
beforeAll(async () => {
  const loaded = await getConfig(root, null, null);
  await validateConfiguration(loaded, new DebugLogger(false));
  config = loaded as Record<string, any>;
});
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };

/** What `npm run build` writes: every esbuild outfile in scripts/build.mjs, and Vite's outDir. */
function buildOutputs(): string[] {
  const script = fs.readFileSync(path.join(root, 'scripts/build.mjs'), 'utf8');
  const outfiles = [...script.matchAll(/outfile:\s*'([^']+)'/g)].map((m) => m[1]!);
  const vite = fs.readFileSync(path.join(root, 'vite.config.ts'), 'utf8');
  const outDir = /outDir:\s*'([^']+)'/.exec(vite)![1]!;
  return [...outfiles, path.posix.normalize(path.posix.join('src/renderer', outDir))];
}

function pngSize(file: string): [number, number] {
  const b = fs.readFileSync(file);
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it('is the file electron-builder loads, and matches its schema', () => {
    expect(config.appId).toBeDefined();
    const raw = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(config).sort()).toEqual(Object.keys(raw).sort());
  });

  it('names the app and builds dmg + zip, NSIS, AppImage + deb', () => {
    expect(config.appId).toBe('dev.tidings.app');
    expect(config.productName).toBe('Tidings');
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('sets every fuse deliberately, RunAsNode on for the bridge', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('has no Dock icon on macOS, no publish target, and rebuilds native modules for Electron', () => {
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
    expect(config.publish).toBeNull();
    expect(config.npmRebuild).toBe(true);
    expect(config.asar).toBe(true);
  });

  it('unpacks better-sqlite3 and the bridge script the app runs in Node mode', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', 'dist/bridge.cjs']));
    expect(pkg.dependencies['better-sqlite3']).toBeDefined();
    const script = bridgeScriptPath({ platform: 'linux', packaged: true, appPath: '/opt/Tidings/resources/app.asar' });
    expect(script).toBe('/opt/Tidings/resources/app.asar.unpacked/dist/bridge.cjs');
  });

  it('ships only files that exist or that `npm run build` writes', () => {
    const outputs = buildOutputs();
    const produced = (entry: string) => {
      if (fs.existsSync(path.join(root, entry))) return true;
      const prefix = entry.replace(/\/\*\*$/, '');
      return outputs.some((o) => o === prefix || o.startsWith(`${prefix}/`));
    };
    // electron-builder normalises `files` into file sets ({ filter: [...] }).
    const entries = (config.files as Array<string | { filter?: string[] }>).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(entries).toContain('dist/bridge.cjs');
    for (const entry of entries) {
      if (entry.startsWith('!')) continue;
      expect(produced(entry), entry).toBe(true);
    }
    // The paths the app opens at run time are among them.
    const app = shellPaths({ dataDir: '/d', packaged: true, appPath: 'APP', resourcesPath: 'RES' });
    for (const needed of [pkg.main, path.posix.relative('APP', app.preload), 'dist/bridge.cjs', 'dist/main/writer-worker.cjs']) {
      expect(outputs, needed).toContain(needed);
    }
    expect(outputs).toContain(path.posix.relative('APP', app.renderer));
  });

  it('names icons and resources that exist: a 1024×1024 app icon and every tray image the shell asks for', () => {
    expect(fs.statSync(path.join(root, config.directories.buildResources)).isDirectory()).toBe(true);
    for (const os of ['mac', 'win', 'linux']) expect(pngSize(path.join(root, config[os].icon))).toEqual([1024, 1024]);
    for (const r of config.extraResources as Array<{ from: string; to: string }>) expect(fs.existsSync(path.join(root, r.from)), r.from).toBe(true);
    const trayDir = (config.extraResources as Array<{ from: string; to: string }>).find((r) => r.to === 'tray')!.from;
    const names: IconName[] = ['listening', 'unseen', 'paused', 'error'];
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      for (const name of names) {
        const { file } = iconFile(name, platform);
        const base = platform === 'darwin' ? 16 : 32;
        expect(pngSize(path.join(root, trayDir, file)), file).toEqual([base, base]);
        expect(pngSize(path.join(root, trayDir, file.replace(/\.png$/, '@2x.png'))), file).toEqual([base * 2, base * 2]);
      }
    }
  });

  it('template images are monochrome, as macOS requires', () => {
    const trayDir = path.join(root, 'resources/tray');
    for (const file of fs.readdirSync(trayDir).filter((f) => f.includes('Template'))) {
      const b = fs.readFileSync(path.join(trayDir, file));
      // Colour type 6 (RGBA); the pixels are checked by decoding IDAT.
      expect(b[25]).toBe(6);
      const idat: Buffer[] = [];
      for (let o = 8; o < b.length; ) {
        const len = b.readUInt32BE(o);
        if (b.toString('ascii', o + 4, o + 8) === 'IDAT') idat.push(b.subarray(o + 8, o + 8 + len));
        o += 12 + len;
      }
      const raw = zlib.inflateSync(Buffer.concat(idat));
      const [w] = pngSize(path.join(trayDir, file));
      for (let y = 0; y < w; y++) {
        for (let x = 0; x < w; x++) {
          const i = y * (w * 4 + 1) + 1 + x * 4;
          if (raw[i + 3]! > 0) expect([raw[i], raw[i + 1], raw[i + 2]], file).toEqual([0, 0, 0]);
        }
      }
    }
  });
});

describe('the release workflow', () => {
  const wf = yaml.load(fs.readFileSync(path.join(root, '.github/workflows/release.yml'), 'utf8')) as Record<string, any>;
  it('builds on the three hosted OSes, on v* tags and by hand, publishing nothing', () => {
    expect(wf.on.push.tags).toEqual(['v*']);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    const job = wf.jobs.installers;
    expect(job.strategy.matrix.os).toEqual(['macos-latest', 'windows-latest', 'ubuntu-latest']);
    const runs = (job.steps as Array<{ run?: string }>).map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('node node_modules/electron/install.js');
    expect(runs).toContain('npm run build');
    expect(runs.match(/electron-builder --(mac|win|linux) --publish never/g)).toHaveLength(3);
    expect((job.steps as Array<{ uses?: string }>).some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(true);
  });
});
