// The public URL under /api/tunnel: read it, change it, check it, and set the ngrok
// authtoken (stored as a secret; only where it comes from is ever shown back).
import express from 'express';
import { tunnelAuthtokenSchema, tunnelRequestSchema } from '../../../shared/api';
import type { TunnelInfo } from '../../../shared/api';
import type { TunnelManager } from '../tunnel/manager';
import { TunnelRequestError } from '../tunnel/manager';
import type { PublicUrlStatus } from '../tunnel/public-url';
import { ApiError, parse, wrap } from './validate';

export interface TunnelRoutesDeps {
  tunnel: TunnelManager;
  /** Where the authtoken comes from: NGROK_AUTHTOKEN, the secret store, or nowhere. */
  authtokenOrigin: () => 'env' | 'stored' | null;
  /** The stored authtoken (to put back when a new one is refused), or null. */
  storedAuthtoken: () => string | null;
  storeAuthtoken: (value: string) => void;
  removeAuthtoken: () => boolean;
}

export function createTunnelRouter(deps: TunnelRoutesDeps): express.Router {
  const api = express.Router();
  const info = (status: PublicUrlStatus): TunnelInfo => ({ ...status, authtoken: deps.authtokenOrigin() });
  const asApiError = (err: unknown) => (err instanceof TunnelRequestError ? new ApiError(err.status, err.message) : err);

  api.get('/tunnel', wrap((_req, res) => res.json(info(deps.tunnel.status()))));

  api.put(
    '/tunnel',
    wrap(async (req, res) => {
      const body = parse(tunnelRequestSchema, req.body, 'body');
      const previousToken = deps.storedAuthtoken();
      if (body.mode === 'ngrok' && body.authtoken) deps.storeAuthtoken(body.authtoken);
      try {
        const { status, warnings } = await deps.tunnel.set(
          body.mode === 'ngrok' ? { mode: 'ngrok', domain: body.domain ?? null } : body.mode === 'url' ? { mode: 'url', url: body.url } : { mode: 'off' },
        );
        res.json({ status: info(status), warnings });
      } catch (err) {
        // A refused change changes nothing, the authtoken that came with it included.
        if (body.mode === 'ngrok' && body.authtoken) {
          if (previousToken) deps.storeAuthtoken(previousToken);
          else deps.removeAuthtoken();
        }
        throw asApiError(err);
      }
    }),
  );

  api.post('/tunnel/check', wrap(async (_req, res) => res.json(info(await deps.tunnel.check()))));

  api.put(
    '/tunnel/authtoken',
    wrap((req, res) => {
      const { authtoken } = parse(tunnelAuthtokenSchema, req.body, 'body');
      deps.storeAuthtoken(authtoken);
      res.json(info(deps.tunnel.status()));
    }),
  );

  api.delete(
    '/tunnel/authtoken',
    wrap((_req, res) => {
      if (!deps.removeAuthtoken()) throw new ApiError(404, 'no ngrok authtoken is stored');
      res.json(info(deps.tunnel.status()));
    }),
  );

  return api;
}
