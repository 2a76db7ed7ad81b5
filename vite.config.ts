// Vite config for the renderer (src/renderer): a static build into dist/renderer that the
// core's control listener (and later Electron) serves, and a dev server that proxies /api
// to a running core on 127.0.0.1:8788.
//
// Dev: `npx tidings serve` in one terminal, `npx vite` in another. The core wants its token
// (normally an HttpOnly cookie set when it serves the dashboard); for the dev server, pass
// it explicitly: TIDINGS_TOKEN=$(cat <data dir>/token) npx vite. TIDINGS_CONTROL_URL points
// the proxy elsewhere.
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const target = process.env.TIDINGS_CONTROL_URL ?? 'http://127.0.0.1:8788';
const token = process.env.TIDINGS_TOKEN?.trim();

/**
 * The page's CSP forbids inline scripts, but React Fast Refresh injects one in dev. Relax
 * script-src for the dev server only; the built index.html keeps the strict policy.
 */
function devCsp(): Plugin {
  return {
    name: 'tidings-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("default-src 'self';", "default-src 'self'; script-src 'self' 'unsafe-inline';");
    },
  };
}

/** Requests from the dev page itself (its own localhost origin) may be passed on as the core's. */
function isLocalOrigin(origin: string | undefined): boolean {
  if (!origin) return true;
  try {
    const u = new URL(origin);
    return u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
  } catch {
    return false;
  }
}

export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react(), devCsp()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      // A regex, not the prefix '/api': that would also swallow the module /api.ts.
      '^/api/': {
        target,
        // The core checks Host (loopback only) and Origin (its own): present the dev page's
        // requests as coming from the core's own origin, and never anyone else's.
        changeOrigin: true,
        configure(proxy) {
          proxy.on('proxyReq', (proxyReq, req) => {
            const origin = req.headers.origin;
            if (typeof origin === 'string' && isLocalOrigin(origin)) proxyReq.setHeader('origin', new URL(target).origin);
            if (token && isLocalOrigin(typeof origin === 'string' ? origin : undefined)) proxyReq.setHeader('authorization', `Bearer ${token}`);
          });
        },
      },
    },
  },
});
