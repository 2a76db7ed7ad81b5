// POST /api/events/import: archived events (from `tidings events export`) appended through
// the writer like any delivery, each answered on its own: received, duplicate or why not.
// Mounted with its own body limit: an export can carry many megabytes of bodies.
import express from 'express';
import { z } from 'zod';
import { ArchiveError, archivedEventSchema, importItem } from '../archive';
import type { AppendResult, IngestItem } from '../store/event-store';
import { parse, wrap } from './validate';

export const IMPORT_BODY_LIMIT = '32mb';

export function createArchiveRouter(deps: { ingest: (item: IngestItem) => Promise<AppendResult> }): express.Router {
  const r = express.Router();
  r.post(
    '/events/import',
    express.json({ limit: IMPORT_BODY_LIMIT }),
    wrap(async (req, res) => {
      const { events } = parse(z.object({ events: z.array(archivedEventSchema).min(1).max(1000) }).strict(), req.body ?? {}, 'body');
      const results: Array<{ index: number; status: 'received' | 'duplicate' | 'error'; id?: number; error?: string }> = [];
      for (const [index, e] of events.entries()) {
        try {
          const result = await deps.ingest(importItem(e, Date.now()));
          results.push({ index, status: result.duplicate ? 'duplicate' : 'received', id: result.id });
        } catch (err) {
          if (!(err instanceof ArchiveError)) throw err;
          results.push({ index, status: 'error', error: err.message });
        }
      }
      res.json({ results });
    }),
  );
  return r;
}
