// The core's own view of its health, shared by /api/health, `tidings status` and (later)
// the MCP health_check tool and the tray.
import type { PublicUrlStatus } from './tunnel/public-url';

export interface StoreProblem {
  code: string;
  message: string;
  since: string;
}

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  pid: number;
  started_at: string;
  uptime_s: number;
  data_dir: string;
  ingest_url: string;
  control_url: string;
  events: number;
  last_event_id: number;
  db_bytes: number;
  /** Resident memory of the core process. */
  rss_bytes: number;
  /** The JavaScript heap in use and memory held outside it (buffers), for spotting leaks. */
  heap_bytes: number;
  external_bytes: number;
  /** The same for the store's writer thread, whose heap is separate (as it last reported). */
  writer_heap_bytes: number;
  store_problem: StoreProblem | null;
  /** Set when a corrupt database was found at start and moved aside. */
  store_warning: string | null;
  secrets_backend: string;
  commits: { batches: number; committed: number; queued: number };
  /** Outbound targets, and deliveries waiting or dead-lettered across them. */
  outbound: { targets: number; enabled: number; pending: number; dead: number };
  /** The public URL providers post to, and whether it reaches this core. */
  public_url: PublicUrlStatus;
}
