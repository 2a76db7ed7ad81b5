// Which provider module handles a source: the four named senders by their source name,
// the Standard Webhooks module for every other name.
import { githubProvider } from './github';
import { slackProvider } from './slack';
import { standardProvider } from './standard';
import { stripeProvider } from './stripe';
import type { Provider } from './types';
import { vercelProvider } from './vercel';

export const KNOWN_PROVIDERS = ['github', 'stripe', 'vercel', 'slack'] as const;
export type KnownProvider = (typeof KNOWN_PROVIDERS)[number];

const BY_NAME: ReadonlyMap<string, Provider> = new Map<KnownProvider, Provider>([
  ['github', githubProvider],
  ['stripe', stripeProvider],
  ['vercel', vercelProvider],
  ['slack', slackProvider],
]);

export function providerFor(source: string): Provider {
  return BY_NAME.get(source.toLowerCase()) ?? standardProvider;
}
