// What the derived views see of an event: enough to classify it, nothing more.
import type { Fields } from './fields';

export interface DerivedInput {
  /** The provider module that parsed it: github, stripe, vercel, slack or standard. */
  provider: string;
  type: string;
  subject: string | null;
  fields: Fields;
  /** ms since epoch. */
  receivedAt: number;
  occurredAt: number | null;
}
