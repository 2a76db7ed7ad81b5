// The header's health badge: ok, degraded with the problem in the core's own words, or
// unreachable.
import type { HealthInfo } from '../../shared/api';
import type { Tone } from './deployments';

export interface HealthView {
  tone: Tone;
  label: string;
  detail: string | null;
}

export function healthView(health: HealthInfo | null, error: string | null): HealthView {
  if (error) return { tone: 'bad', label: 'Unreachable', detail: error };
  if (!health) return { tone: 'neutral', label: 'Checking…', detail: null };
  if (health.status === 'ok' && !health.store_problem) {
    return { tone: 'ok', label: 'OK', detail: health.store_warning };
  }
  const problem = health.store_problem?.message ?? health.store_warning ?? 'the core reports a problem';
  return { tone: 'bad', label: 'Degraded', detail: problem };
}
