// Draws the app icon and the tray icons as PNGs with nothing but node:zlib (there is no image
// tool on the build machines). Run `node resources/generate-icons.mjs` after changing a shape;
// the PNGs are committed, so builds never run this.
//
// The mark is a feed symbol (a dot and two arcs): events arriving. Tray variants add a badge
// in the top-right corner: a dot for unseen events, bars for paused, "!" for a problem.
// macOS gets template images (black + alpha; the menu bar recolours them); Windows and Linux
// get colour.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// --- PNG writing ---------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// --- Drawing: shapes in unit coordinates, 4×4 supersampling, source-over and erase ----------
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r0, r1) => (x, y) => {
  const d = (x - cx) ** 2 + (y - cy) ** 2;
  return d >= r0 * r0 && d <= r1 * r1 && x >= cx && y <= cy;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (!rect(x0, y0, x1, y1)(x, y)) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
/** Scale a shape from the unit square into the box (x0, y0, size s). */
const within = (x0, y0, s, shape) => (x, y) => shape((x - x0) / s, (y - y0) / s);

function render(size, ops) {
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          let cr = 0, cg = 0, cb = 0, ca = 0; // premultiplied
          for (const op of ops) {
            if (!op.shape(x, y)) continue;
            if (op.erase) {
              cr = cg = cb = ca = 0;
              continue;
            }
            const [R, G, B, A] = typeof op.color === 'function' ? op.color(x, y) : op.color;
            cr = R * A + cr * (1 - A);
            cg = G * A + cg * (1 - A);
            cb = B * A + cb * (1 - A);
            ca = A + ca * (1 - A);
          }
          r += cr; g += cg; b += cb; a += ca;
        }
      }
      const i = (py * size + px) * 4;
      const A = a / (n * n);
      out[i] = A ? Math.round((r / (n * n) / A) * 255) : 0;
      out[i + 1] = A ? Math.round((g / (n * n) / A) * 255) : 0;
      out[i + 2] = A ? Math.round((b / (n * n) / A) * 255) : 0;
      out[i + 3] = Math.round(A * 255);
    }
  }
  return out;
}

const hex = (h, alpha = 1) => [parseInt(h.slice(1, 3), 16) / 255, parseInt(h.slice(3, 5), 16) / 255, parseInt(h.slice(5, 7), 16) / 255, alpha];

// The feed mark in the unit square.
const MARK = [circle(0.22, 0.78, 0.115), ring(0.22, 0.78, 0.33, 0.46), ring(0.22, 0.78, 0.58, 0.71)];
const BADGE = { x: 0.79, y: 0.21 };
const badgeGap = circle(BADGE.x, BADGE.y, 0.3);

function trayOps(variant, colours) {
  const markColour = variant === 'paused' || variant === 'error' ? colours.dim : colours.mark;
  const ops = MARK.map((shape) => ({ shape, color: markColour }));
  if (variant === 'listening') return ops;
  ops.push({ shape: badgeGap, erase: true });
  if (variant === 'unseen') ops.push({ shape: circle(BADGE.x, BADGE.y, 0.2), color: colours.unseen });
  if (variant === 'paused') {
    ops.push({ shape: rect(BADGE.x - 0.15, BADGE.y - 0.19, BADGE.x - 0.05, BADGE.y + 0.19), color: colours.paused });
    ops.push({ shape: rect(BADGE.x + 0.05, BADGE.y - 0.19, BADGE.x + 0.15, BADGE.y + 0.19), color: colours.paused });
  }
  if (variant === 'error') {
    if (colours.errorDisc) ops.push({ shape: circle(BADGE.x, BADGE.y, 0.24), color: colours.errorDisc });
    const glyph = colours.errorDisc ? hex('#ffffff') : colours.error;
    ops.push({ shape: roundRect(BADGE.x - 0.045, BADGE.y - 0.17, BADGE.x + 0.045, BADGE.y + 0.05, 0.04), color: glyph });
    ops.push({ shape: circle(BADGE.x, BADGE.y + 0.13, 0.05), color: glyph });
  }
  return ops;
}

const TEMPLATE = { mark: hex('#000000'), dim: hex('#000000', 0.45), unseen: hex('#000000'), paused: hex('#000000'), error: hex('#000000') };
const COLOUR = { mark: hex('#3b82f6'), dim: hex('#94a3b8'), unseen: hex('#f59e0b'), paused: hex('#64748b'), errorDisc: hex('#dc2626') };
const TRAY = path.join(here, 'tray');
fs.mkdirSync(TRAY, { recursive: true });
const written = [];
const write = (file, size, ops) => {
  fs.writeFileSync(file, png(size, render(size, ops)));
  written.push(path.relative(here, file));
};
for (const variant of ['listening', 'unseen', 'paused', 'error']) {
  const macName = { listening: '', unseen: 'Unseen', paused: 'Paused', error: 'Error' }[variant];
  // 16 pt menu-bar images, and their @2x for Retina.
  write(path.join(TRAY, `tray${macName}Template.png`), 16, trayOps(variant, TEMPLATE));
  write(path.join(TRAY, `tray${macName}Template@2x.png`), 32, trayOps(variant, TEMPLATE));
  const other = variant === 'listening' ? 'tray' : `tray-${variant}`;
  write(path.join(TRAY, `${other}.png`), 32, trayOps(variant, COLOUR));
  write(path.join(TRAY, `${other}@2x.png`), 64, trayOps(variant, COLOUR));
}

// The app icon: the mark in white on a blue rounded square, with room around it as macOS expects.
const gradient = (x, y) => {
  const t = Math.min(1, Math.max(0, (x + y) / 2));
  const a = hex('#4f7df3');
  const b = hex('#1e3a8a');
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t, 1];
};
const appOps = [{ shape: roundRect(0.1, 0.1, 0.9, 0.9, 0.18), color: gradient }, ...MARK.map((shape) => ({ shape: within(0.25, 0.25, 0.5, shape), color: hex('#ffffff') }))];
write(path.join(here, 'icon.png'), 1024, appOps);
process.stdout.write(`wrote ${written.join(', ')}\n`);
