// API routes for provider links: list, link GitHub, link Stripe, unlink. A token or key
// comes in with a link request and is never sent back; MCP has no route to any of this.
import express from 'express';
import { linkGithubBodySchema, linkStripeBodySchema } from '../../../shared/api';
import { LinkError } from '../links/errors';
import type { Links } from '../links/service';
import { intParam, parse, wrap } from './validate';
import type { Handler } from './validate';

/** Provider refusals keep their status and sentence, and a rate limit its Retry-After. */
const route = (fn: Handler) =>
  wrap(async (req, res) => {
    try {
      await fn(req, res);
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      if (err.retryAfter !== null) res.set('Retry-After', String(err.retryAfter));
      res.status(err.status).json({ status: err.status, error: err.message });
    }
  });

export function createLinksRouter(links: Links): express.Router {
  const r = express.Router();

  r.get(
    '/links',
    route((_req, res) => {
      res.json({ links: links.list() });
    }),
  );
  r.post(
    '/links/github',
    route(async (req, res) => {
      const body = parse(linkGithubBodySchema, req.body ?? {}, 'link');
      const result = await links.linkGithub(body);
      res.status(result.created ? 201 : 200).json(result);
    }),
  );
  r.post(
    '/links/stripe',
    route(async (req, res) => {
      const body = parse(linkStripeBodySchema, req.body ?? {}, 'link');
      const result = await links.linkStripe(body);
      res.status(result.created ? 201 : 200).json(result);
    }),
  );
  r.delete(
    '/links/:id',
    route(async (req, res) => {
      const id = parse(intParam('link id'), req.params.id, 'link id');
      res.json(await links.unlink(id));
    }),
  );
  return r;
}
