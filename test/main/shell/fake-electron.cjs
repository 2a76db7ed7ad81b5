// A stand-in for the 'electron' module, for running the real main-process bundle under plain
// Node (Electron's binary cannot be fetched on the build machines). It implements just what
// the shell calls, records each call as a JSON line in $FAKE_ELECTRON_LOG, and behaves like
// Electron where the shell depends on it: whenReady, before-quit with preventDefault, quit.
// Loaded with `node --require <this file>`: it answers require('electron') itself.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { EventEmitter } = require('node:events');

const logFile = process.env.FAKE_ELECTRON_LOG;
const log = (what, data = {}) => {
  if (logFile) fs.appendFileSync(logFile, `${JSON.stringify({ what, ...data })}\n`);
};

const paths = { userData: '', logs: process.env.FAKE_ELECTRON_LOGS };
const app = new EventEmitter();
let quitting = false;
Object.assign(app, {
  isPackaged: false,
  getAppPath: () => process.env.FAKE_ELECTRON_APP_PATH,
  getVersion: () => '0.1.0',
  setPath: (name, value) => {
    paths[name] = value;
    log('app.setPath', { name, value });
  },
  getPath: (name) => paths[name] ?? path.join(paths.userData, name),
  requestSingleInstanceLock: () => {
    const got = process.env.FAKE_ELECTRON_LOCKED !== '1';
    log('app.requestSingleInstanceLock', { got });
    return got;
  },
  whenReady: () => new Promise((resolve) => setTimeout(resolve, 10)),
  dock: { hide: () => log('app.dock.hide') },
  setAppUserModelId: () => undefined,
  focus: () => undefined,
  getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
  setLoginItemSettings: (s) => log('app.setLoginItemSettings', s),
  quit: () => {
    log('app.quit');
    if (quitting) return;
    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      quitting = true;
      log('app.exit', { code: 0 });
      setImmediate(() => process.exit(0));
    }
  },
  exit: (code) => {
    log('app.exit', { code });
    process.exit(code);
  },
});

class FakeImage {
  constructor(file) {
    this.file = file;
  }
  setTemplateImage() {}
}

class Tray extends EventEmitter {
  constructor(image) {
    super();
    log('tray.new', { image: image.file, exists: fs.existsSync(image.file) });
  }
  setImage(image) {
    log('tray.setImage', { image: image.file });
  }
  setTitle() {}
  setToolTip(tooltip) {
    log('tray.setToolTip', { tooltip });
  }
  setContextMenu(menu) {
    const labels = menu.template.map((i) => (i.type === 'separator' ? '---' : i.label));
    log('tray.setContextMenu', { labels });
  }
  isDestroyed() {
    return false;
  }
  destroy() {
    log('tray.destroy');
  }
}

let nextId = 1;
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = Object.assign(new EventEmitter(), { id: nextId++, mainFrame: {}, setWindowOpenHandler: () => log('webContents.setWindowOpenHandler') });
    log('window.new', { webPreferences: options.webPreferences });
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    // What Chromium would do with the sign-in link: follow it once, keeping the cookie.
    const res = await fetch(url, { redirect: 'manual' });
    log('window.loadURL', { url, status: res.status, location: res.headers.get('location'), cookie: /HttpOnly/i.test(res.headers.get('set-cookie') ?? '') });
    setImmediate(() => this.emit('ready-to-show'));
  }
  isMinimized() {
    return false;
  }
  restore() {}
  show() {
    log('window.show');
  }
  focus() {}
  isFocused() {
    return false;
  }
  isVisible() {
    return true;
  }
  isDestroyed() {
    return false;
  }
  destroy() {
    log('window.destroy');
  }
}

const electron = {
  app,
  BrowserWindow,
  Tray,
  Menu: { buildFromTemplate: (template) => ({ template }) },
  nativeImage: { createFromPath: (file) => new FakeImage(file) },
  Notification: Object.assign(
    class extends EventEmitter {
      show() {}
      close() {}
    },
    { isSupported: () => false },
  ),
  dialog: {
    showErrorBox: (title, content) => log('dialog.showErrorBox', { title, content }),
    showMessageBox: async (o) => {
      log('dialog.showMessageBox', { message: o.message });
      return { response: 1 };
    },
  },
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    // Reversible, not secret: enough to see that the app goes through safeStorage.
    encryptString: (s) => Buffer.from(s, 'utf8').reverse(),
    decryptString: (b) => Buffer.from(b).reverse().toString('utf8'),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: () => log('session.setPermissionRequestHandler'),
      setPermissionCheckHandler: () => undefined,
      webRequest: { onBeforeRequest: () => log('session.onBeforeRequest'), onHeadersReceived: () => log('session.onHeadersReceived') },
      on: () => undefined,
    },
  },
  shell: { openExternal: async () => undefined, openPath: async () => '' },
  clipboard: { writeText: () => undefined },
  ipcMain: { handle: (channel) => log('ipcMain.handle', { channel }), removeHandler: () => undefined },
};

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'electron') return __filename;
  return resolve.call(this, request, ...rest);
};
module.exports = electron;
