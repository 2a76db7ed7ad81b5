// API routes over the derived views: the Stripe action queue (with complete, dismiss and
// reopen), pushes, deployments, commit correlation, and events per hour for the chart.
import express from 'express';
import { z } from 'zod';
import { ACTION_VERBS, actionNoteSchema } from '../../../shared/api';
import type { DomainQueries } from '../domain/queries';
import type { ActionStatus } from '../domain/stripe-actions';
import type { EventStore } from '../store/event-store';
import { ApiError, intParam, parse, wrap } from './validate';

export interface ActivityDeps {
  store: EventStore;
  queries: DomainQueries;
  write: <T>(op: string, args: unknown) => Promise<T>;
  /** Tell MCP sessions watching a resource that it changed. */
  resourceChanged: (uri: string) => void;
}

const VERB_TO_STATUS: Record<(typeof ACTION_VERBS)[number], ActionStatus> = {
  complete: 'completed',
  dismiss: 'dismissed',
  reopen: 'pending',
};

const limitQuery = (def: number) => z.object({ limit: intParam('limit', 1000).default(def) });

export function createActivityRouter(deps: ActivityDeps): express.Router {
  const r = express.Router();

  r.get(
    '/actions',
    wrap((req, res) => {
      const q = parse(limitQuery(100).extend({ status: z.enum(['pending', 'completed', 'dismissed', 'all']).default('pending') }).strict(), req.query, 'query parameter');
      res.json({ actions: deps.queries.actions(q.status, q.limit) });
    }),
  );

  r.get(
    '/actions/:id',
    wrap((req, res) => {
      const id = parse(intParam('action id'), req.params.id, 'action id');
      const action = deps.queries.action(id);
      if (!action) throw new ApiError(404, `there is no action ${id}`);
      res.json(action);
    }),
  );

  r.post(
    '/actions/:id/:verb',
    wrap(async (req, res) => {
      const id = parse(intParam('action id'), req.params.id, 'action id');
      const verb = parse(z.enum(ACTION_VERBS), req.params.verb, 'action verb');
      const { note } = parse(actionNoteSchema, req.body ?? {}, 'body');
      try {
        const action = await deps.write('action.transition', { id, to: VERB_TO_STATUS[verb], note: note?.trim() || null, actor: 'dashboard' });
        deps.resourceChanged('tidings://stripe/actions/pending');
        res.json(action);
      } catch (err) {
        const e = err as { name?: string; code?: string; message?: string };
        if (e.name === 'ActionError') throw new ApiError(e.code === 'NOT_FOUND' ? 404 : 409, e.message ?? 'not allowed');
        throw err;
      }
    }),
  );

  r.get(
    '/pushes',
    wrap((req, res) => {
      const q = parse(limitQuery(50).extend({ repo: z.string().max(200).optional() }).strict(), req.query, 'query parameter');
      res.json({ pushes: deps.queries.recentPushes(q.repo ?? null, q.limit) });
    }),
  );

  r.get(
    '/deployments',
    wrap((req, res) => {
      const q = parse(limitQuery(50).extend({ project: z.string().max(200).optional() }).strict(), req.query, 'query parameter');
      res.json({ deployments: deps.queries.recentDeployments(q.project ?? null, q.limit) });
    }),
  );

  r.get(
    '/correlate/:sha',
    wrap((req, res) => {
      try {
        res.json(deps.queries.correlate(String(req.params.sha)));
      } catch (err) {
        if ((err as Error).name === 'QueryError') throw new ApiError(400, (err as Error).message);
        throw err;
      }
    }),
  );

  r.get(
    '/stats/hourly',
    wrap((req, res) => {
      const { hours } = parse(z.object({ hours: intParam('hours', 24 * 31).default(24) }).strict(), req.query, 'query parameter');
      const span = Math.max(1, hours);
      const currentHour = Math.floor(Date.now() / 3_600_000);
      const first = currentHour - span + 1;
      const series = new Map<string, number[]>();
      for (const row of deps.store.hourly(first * 3_600_000)) {
        const counts = series.get(row.source) ?? new Array<number>(span).fill(0);
        const at = row.hour - first;
        if (at >= 0 && at < span) counts[at] = row.n;
        series.set(row.source, counts);
      }
      res.json({
        hours: Array.from({ length: span }, (_, i) => new Date((first + i) * 3_600_000).toISOString()),
        series: [...series].map(([source, counts]) => ({ source, counts })).sort((a, b) => a.source.localeCompare(b.source)),
      });
    }),
  );

  return r;
}
