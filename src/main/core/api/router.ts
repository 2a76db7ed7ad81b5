// The local REST API under /api, used by the CLI and the renderer. Every input is checked
// with zod and every failure is a 4xx with a sentence a person can act on.
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { ApiError, eventsQuerySchema, intParam, parse, secretBody, sourceParam, wrap } from './validate';
import type { EventStore } from '../store/event-store';
import type { Secrets } from '../secrets';
import { fingerprint } from '../secrets';
import { KNOWN_PROVIDERS, providerFor } from '../webhooks/providers';
import { CatalogError } from '../webhooks/catalog';
import type { Health } from '../health';
import { forwardableHeaders } from '../outbound/send';
import type { DerivedReader } from '../domain/derived-of-event';

export interface ApiDeps {
  store: EventStore;
  secrets: Secrets;
  health: () => Health;
  /** The URL a sender should use for a source (public URL if set, else local). */
  webhookUrl: (source: string) => string;
  /**
   * Send a signed delivery to our own ingest listener over HTTP: the provider's sample, or
   * the trigger catalog's fixture for `type`. Throws CatalogError for a type it lacks.
   */
  sendTest: (source: string, type?: string) => Promise<{ status: number; body: unknown }>;
  /** A fresh one-time dashboard sign-in link. */
  dashboardLink: () => string;
  /** What was derived from an event (activity rows, actions, deliveries). */
  derived: DerivedReader;
}

export function createApiRouter(deps: ApiDeps): express.Router {
  const api = express.Router();

  api.get('/health', wrap((_req, res) => res.json(deps.health())));
  api.post('/dashboard-link', wrap((_req, res) => res.json({ url: deps.dashboardLink() })));

  api.get(
    '/events',
    wrap((req, res) => {
      const q = parse(eventsQuerySchema, req.query, 'query parameter');
      if (q.q) {
        res.json({ events: deps.store.search(q.q, q.limit), next_cursor: null });
        return;
      }
      const events = deps.store.list({
        source: q.source,
        typePrefix: q.type,
        subject: q.subject,
        verified: q.verified,
        afterId: q.after,
        beforeId: q.before,
        since: q.since,
        until: q.until,
        limit: q.limit,
      });
      const last = events[events.length - 1];
      res.json({ events, next_cursor: last ? last.id : null });
    }),
  );

  api.get(
    '/events/:id',
    wrap((req, res) => {
      const id = parse(intParam('id'), req.params.id, 'event id');
      const event = deps.store.get(id);
      if (!event) throw new ApiError(404, `there is no event ${id} (it may have been pruned by retention)`);
      // One event that cannot be serialized must not be a 500 that stops whoever follows the
      // events: it comes back with its id and the reason, without the payload.
      let text: string;
      try {
        text = JSON.stringify(event);
      } catch (err) {
        text = JSON.stringify({ ...event, payload: null, problem: `the payload could not be shown: ${(err as Error).message}` });
      }
      res.type('application/json').send(text);
    }),
  );

  api.get(
    '/events/:id/derived',
    wrap((req, res) => {
      const id = parse(intParam('id'), req.params.id, 'event id');
      if (!deps.store.get(id)) throw new ApiError(404, `there is no event ${id} (it may have been pruned by retention)`);
      res.json(deps.derived.forEvent(id));
    }),
  );

  api.post(
    '/events/:id/resend',
    wrap(async (req, res) => {
      const id = parse(intParam('id'), req.params.id, 'event id');
      const { url } = parse(z.object({ url: z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL') }).strict(), req.body, 'body');
      const raw = deps.store.raw(id);
      if (!raw) throw new ApiError(404, `there is no event ${id}`);
      const headers = forwardableHeaders(raw.headers);
      let answer: globalThis.Response;
      try {
        answer = await fetch(url, { method: 'POST', headers, body: raw.body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      } catch (err) {
        throw new ApiError(502, `could not reach ${url}: ${(err as Error).message}`);
      }
      const text = await answer.text();
      res.json({ status: answer.status, body: text.length > 2000 ? `${text.slice(0, 2000)}…` : text });
    }),
  );

  api.get(
    '/sources',
    wrap((_req, res) => {
      const stats = new Map(deps.store.sources().map((s) => [s.source, s]));
      const secretInfo = new Map(deps.secrets.summary().map((s) => [s.source, s]));
      const names = new Set<string>([...KNOWN_PROVIDERS, ...stats.keys(), ...secretInfo.keys()]);
      res.json({
        sources: [...names].sort().map((source) => ({
          source,
          url: deps.webhookUrl(source),
          provider: providerFor(source).kind,
          secret: secretInfo.get(source) ?? null,
          stats: stats.get(source) ?? null,
          rejections: deps.store.rejections(source, 5),
        })),
      });
    }),
  );

  api.get(
    '/rejections',
    wrap((req, res) => {
      const q = parse(z.object({ source: sourceParam.optional(), limit: intParam('limit', 500).default(50) }).strict(), req.query, 'query parameter');
      res.json({ rejections: deps.store.rejections(q.source ?? null, q.limit) });
    }),
  );

  api.get('/secrets', wrap((_req, res) => res.json({ secrets: deps.secrets.summary(), backend: deps.secrets.describe() })));

  api.put(
    '/secrets/:source',
    wrap((req, res) => {
      const source = parse(sourceParam, req.params.source, 'source');
      const { value } = parse(secretBody, req.body, 'body');
      deps.secrets.set(source, value);
      res.json({ source, fingerprint: fingerprint(value), count: deps.secrets.forSource(source).length });
    }),
  );

  api.post(
    '/secrets/:source/rotate',
    wrap((req, res) => {
      const source = parse(sourceParam, req.params.source, 'source');
      const { value } = parse(secretBody, req.body, 'body');
      deps.secrets.rotate(source, value);
      res.json({ source, fingerprint: fingerprint(value), count: deps.secrets.forSource(source).length });
    }),
  );

  api.delete(
    '/secrets/:source',
    wrap((req, res) => {
      const source = parse(sourceParam, req.params.source, 'source');
      const q = parse(z.object({ fingerprint: z.string().regex(/^[0-9a-f]{8}$/).optional() }).strict(), req.query, 'query parameter');
      const removed = deps.secrets.remove(source, q.fingerprint);
      if (removed === 0) {
        throw new ApiError(404, q.fingerprint ? `${source} has no stored secret with fingerprint ${q.fingerprint}` : `${source} has no stored secrets`);
      }
      res.json({ source, removed, remaining: deps.secrets.forSource(source).length });
    }),
  );

  api.post(
    '/sources/:source/test',
    wrap(async (req, res) => {
      const source = parse(sourceParam, req.params.source, 'source');
      // No body: the short form (`send-test`). With {"type"}: `tidings trigger`.
      const { type } = parse(z.object({ type: z.string().min(1).max(200).optional() }).strict(), req.body ?? {}, 'body');
      let result: { status: number; body: unknown };
      try {
        result = await deps.sendTest(source, type);
      } catch (err) {
        if (err instanceof CatalogError) throw new ApiError(err.status, err.message);
        throw err;
      }
      res.status(result.status >= 200 && result.status < 300 ? 200 : 502).json({ source, type: type ?? null, ingest_status: result.status, ingest_response: result.body });
    }),
  );

  return api;
}
