// Argument parsers shared by the commands. They throw commander's InvalidArgumentError,
// which the entry point turns into a clear message and exit code 2.
import { InvalidArgumentError } from 'commander';
import { SOURCE_PATTERN } from '../../shared/events';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free port)');
  return n;
}

export function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
}

export function parseCursor(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be an event id (a whole number)');
  return Number(value);
}

export function parseSource(value: string): string {
  if (!SOURCE_PATTERN.test(value)) {
    throw new InvalidArgumentError('must be a source name: 1-64 lowercase letters, digits, "-" or "_" (e.g. github, my-app)');
  }
  return value;
}
