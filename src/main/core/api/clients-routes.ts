// API routes for "Connect assistants": each AI client's status, and connect / disconnect
// through the same code as `tidings connect` (src/main/clients).
import express from 'express';
import { z } from 'zod';
import { CLIENTS, ConfigFileError, clientStatus, connectClient, disconnectClient } from '../../clients/connect';
import type { ClientEnv, ClientId } from '../../clients/connect';
import type { McpLaunch } from '../../clients/launch';
import { transportOf } from '../../clients/entries';
import { ApiError, parse, wrap } from './validate';

export interface ClientsDeps {
  env: ClientEnv;
  /** How an AI client starts the stdio bridge; null where this core cannot say. */
  launch: McpLaunch | null;
  mcpUrl: () => string;
  token: string;
  /** Whether this request may see the token (callers with the token may; dashboard sessions may not). */
  revealToken?: (res: express.Response) => boolean;
  /** Where the token is kept, for the people who may not be shown it. */
  tokenFile?: string;
}

export function createClientsRouter(deps: ClientsDeps): express.Router {
  const r = express.Router();
  const entryInput = () => (deps.launch ? { launch: deps.launch, mcpUrl: deps.mcpUrl(), token: deps.token } : { mcpUrl: deps.mcpUrl(), token: deps.token });

  r.get(
    '/clients',
    wrap((_req, res) => {
      const clients = CLIENTS.map((client) => clientStatus(client, { ...deps.env, ...entryInput() }));
      const reveal = deps.revealToken?.(res) ?? true;
      res.json({ clients, mcp_url: deps.mcpUrl(), token: reveal ? deps.token : null, token_file: deps.tokenFile ?? null });
    }),
  );

  r.post(
    '/clients/:client/:verb',
    wrap((req, res) => {
      const client = parse(z.enum(CLIENTS), req.params.client, 'client') as ClientId;
      const verb = parse(z.enum(['connect', 'disconnect']), req.params.verb, 'verb');
      const stdio = transportOf(client) === 'stdio';
      if (verb === 'connect' && stdio && !deps.launch) {
        throw new ApiError(501, 'this Tidings core was started without a command for AI clients to launch; use `tidings connect` from a terminal');
      }
      try {
        const result =
          verb === 'connect'
            ? // HTTP clients (VS Code, Windsurf) need only the URL and token.
              connectClient(client, { ...deps.env, launch: deps.launch ?? { command: '', args: [] }, mcpUrl: deps.mcpUrl(), token: deps.token })
            : disconnectClient(client, deps.env);
        res.json(result);
      } catch (err) {
        if (err instanceof ConfigFileError) throw new ApiError(409, err.message);
        throw err;
      }
    }),
  );
  return r;
}
