// API routes for outbound delivery: targets (a person registers them; an assistant cannot),
// the delivery log with "retry now", and the reference design's routes as thin aliases:
// POST /api/register, POST /api/unregister, GET /api/webhooks, POST /api/push.
import express from 'express';
import { z } from 'zod';
import { DELIVERY_STATES, maskTargetUrl, pushBodySchema, targetCreateSchema, targetUpdateSchema, targetUrl } from '../../../shared/outbound';
import type { TargetInfo } from '../../../shared/outbound';
import type { Outbound } from '../outbound/service';
import { OutboundError } from '../outbound/service';
import { ApiError, intParam, parse, wrap } from './validate';
import type { Handler } from './validate';

/** Outbound failures become API errors with the same status and sentence. */
const guarded = (fn: Handler): Handler => async (req, res) => {
  try {
    await fn(req, res);
  } catch (err) {
    if (err instanceof OutboundError) throw new ApiError(err.status, err.message);
    throw err;
  }
};
const route = (fn: Handler) => wrap(guarded(fn));

/** A name for a target registered through the alias, from its URL: "hooks.example.com-8080". */
function nameFromUrl(url: string, taken: (name: string) => boolean): string {
  const u = new URL(url);
  const base =
    `${u.hostname}${u.port ? `-${u.port}` : ''}`
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 56) || 'webhook';
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * A target as answers show it: the URL masked, since webhook URLs carry their credential in
 * the path and these answers end up on screens, in terminals and in logs. The secret reveal
 * is the one answer with the full URL.
 */
const shown = (t: TargetInfo): TargetInfo => ({ ...t, url: maskTargetUrl(t.url) });
const shownWith = <R extends { target: TargetInfo }>(r: R): R => ({ ...r, target: shown(r.target) });

export function createOutboundRouter(outbound: Outbound): express.Router {
  const r = express.Router();

  r.get(
    '/targets',
    route((_req, res) => {
      res.json({ targets: outbound.targets().map(shown) });
    }),
  );
  r.post(
    '/targets',
    route(async (req, res) => {
      const spec = parse(targetCreateSchema, req.body ?? {}, 'target');
      res.status(201).json(shownWith(await outbound.create(spec)));
    }),
  );
  r.get(
    '/targets/:name',
    route((req, res) => {
      res.json(shown(outbound.target(String(req.params.name))));
    }),
  );
  r.patch(
    '/targets/:name',
    route(async (req, res) => {
      const changes = parse(targetUpdateSchema, req.body ?? {}, 'change');
      res.json(shownWith(await outbound.update(String(req.params.name), changes)));
    }),
  );
  r.delete(
    '/targets/:name',
    route(async (req, res) => {
      res.json({ removed: await outbound.remove(String(req.params.name)) });
    }),
  );
  // A POST, so a browser never prefetches or caches it; the token guards it like everything else.
  r.post(
    '/targets/:name/secret',
    route((req, res) => {
      res.json(outbound.secret(String(req.params.name)));
    }),
  );
  r.post(
    '/targets/:name/retry',
    route(async (req, res) => {
      res.json({ retried: await outbound.retry({ target: String(req.params.name) }) });
    }),
  );

  r.get(
    '/deliveries',
    route((req, res) => {
      const q = parse(
        z
          .object({
            state: z.enum(DELIVERY_STATES).optional(),
            target: z.string().max(64).optional(),
            before: intParam('before').optional(),
            limit: intParam('limit', 500).default(100),
          })
          .strict(),
        req.query,
        'query parameter',
      );
      const target = q.target !== undefined ? outbound.target(q.target) : null;
      res.json(
        outbound.reads.deliveries({
          limit: q.limit,
          ...(q.state ? { state: q.state } : {}),
          ...(target ? { target_id: target.id } : {}),
          ...(q.before !== undefined ? { before: q.before } : {}),
        }),
      );
    }),
  );
  r.get(
    '/deliveries/:id',
    route((req, res) => {
      const id = parse(intParam('delivery id'), req.params.id, 'delivery id');
      const d = outbound.reads.delivery(id);
      if (!d) throw new ApiError(404, `there is no delivery ${id}`);
      res.json(d);
    }),
  );
  r.post(
    '/deliveries/retry',
    route(async (_req, res) => {
      res.json({ retried: await outbound.retry({}) });
    }),
  );
  r.post(
    '/deliveries/:id/retry',
    route(async (req, res) => {
      const id = parse(intParam('delivery id'), req.params.id, 'delivery id');
      res.json({ retried: await outbound.retry({ id }) });
    }),
  );

  r.post(
    '/push',
    route(async (req, res) => {
      const { message } = parse(pushBodySchema, req.body ?? {}, 'body');
      // The reference design answered "success"; delivery here is queued and durable.
      res.json({ ...(await outbound.push(message)), status: 'success' });
    }),
  );

  // The reference design's registration routes: a push target per URL.
  const webhookBody = z.object({ webhook_url: targetUrl, allow_private: z.boolean().optional() }).strict();
  r.post(
    '/register',
    route(async (req, res) => {
      const { webhook_url, allow_private } = parse(webhookBody, req.body ?? {}, 'body');
      const existing = outbound.targets().find((t) => t.mode === 'push' && t.url === webhook_url);
      if (existing) {
        res.json({ status: 'success', webhook_url, total_webhooks: outbound.targets().filter((t) => t.mode === 'push').length, target: shown(existing) });
        return;
      }
      const name = nameFromUrl(webhook_url, (n) => outbound.targets().some((t) => t.name === n));
      const created = await outbound.create({ name, url: webhook_url, mode: 'push', ...(allow_private !== undefined ? { allow_private } : {}) });
      res.json({
        status: 'success',
        webhook_url,
        total_webhooks: outbound.targets().filter((t) => t.mode === 'push').length,
        target: shown(created.target),
        secret: created.secret,
      });
    }),
  );
  r.post(
    '/unregister',
    route(async (req, res) => {
      const { webhook_url } = parse(webhookBody.pick({ webhook_url: true }), req.body ?? {}, 'body');
      const matching = outbound.targets().filter((t) => t.mode === 'push' && t.url === webhook_url);
      if (matching.length === 0) throw new ApiError(404, `no push target has the URL ${webhook_url}`);
      for (const t of matching) await outbound.remove(t.id);
      res.json({ status: 'success', webhook_url, total_webhooks: outbound.targets().filter((t) => t.mode === 'push').length });
    }),
  );
  r.get(
    '/webhooks',
    route((_req, res) => {
      const push = outbound.targets().filter((t) => t.mode === 'push');
      res.json({ webhooks: push.map((t) => maskTargetUrl(t.url)), total: push.length, targets: push.map(shown) });
    }),
  );

  return r;
}
