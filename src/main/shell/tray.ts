// The tray icon and its menu, rendered from tray-view-model.ts. Every change of state goes
// through `update`, which re-renders at most a few times a second (a burst of webhooks must
// not rebuild the menu a thousand times) and always sets the whole context menu again:
// Linux's StatusNotifierItem only picks up menu changes that way.
import path from 'node:path';
import { Menu, nativeImage, Tray } from 'electron';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import { trayView } from './tray-view-model';
import type { MenuNode, TrayAction, TrayState } from './tray-view-model';

const RENDER_EVERY_MS = 250;

function toTemplate(nodes: MenuNode[], run: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return nodes.map((node): MenuItemConstructorOptions => {
    switch (node.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return { label: node.label, enabled: node.enabled, submenu: toTemplate(node.items, run) };
      case 'checkbox':
        return { type: 'checkbox', label: node.label, checked: node.checked, enabled: node.enabled, click: () => run(node.action) };
      case 'item': {
        const action = node.action;
        return { label: node.label, enabled: node.enabled, ...(action ? { click: () => run(action) } : {}) };
      }
    }
  });
}

export interface TrayController {
  update(patch: Partial<TrayState>): void;
  state(): TrayState;
  destroy(): void;
}

/** `iconDir` holds the images named by `iconFile` (resources/tray, or process.resourcesPath/tray when packaged). */
export function setupTray(options: { initial: TrayState; iconDir: string; onAction: (action: TrayAction) => void }): TrayController {
  let state = options.initial;
  const images = new Map<string, NativeImage>();
  const image = (file: string, template: boolean) => {
    let img = images.get(file);
    if (!img) {
      // createFromPath picks up the @2x file beside it on its own.
      img = nativeImage.createFromPath(path.join(options.iconDir, file));
      if (template) img.setTemplateImage(true);
      images.set(file, img);
    }
    return img;
  };
  const first = trayView(state);
  const tray = new Tray(image(first.icon.file, first.icon.template));
  // On Windows and most Linux panels a left click should open the window; the menu is on the
  // right click (macOS shows the menu on any click, which setContextMenu gives).
  if (state.platform !== 'darwin') tray.on('click', () => options.onAction({ type: 'open' }));

  let shown = { file: '', title: '', tooltip: '' };
  const render = () => {
    const view = trayView(state);
    if (view.icon.file !== shown.file) tray.setImage(image(view.icon.file, view.icon.template));
    if (state.platform === 'darwin' && view.title !== shown.title) tray.setTitle(view.title);
    if (view.tooltip !== shown.tooltip) tray.setToolTip(view.tooltip);
    shown = { file: view.icon.file, title: view.title, tooltip: view.tooltip };
    tray.setContextMenu(Menu.buildFromTemplate(toTemplate(view.menu, options.onAction)));
  };
  render();

  let timer: NodeJS.Timeout | null = null;
  return {
    update(patch) {
      state = { ...state, ...patch };
      timer ??= setTimeout(() => {
        timer = null;
        if (!tray.isDestroyed()) render();
      }, RENDER_EVERY_MS);
    },
    state: () => state,
    destroy() {
      if (timer) clearTimeout(timer);
      tray.destroy();
    },
  };
}
