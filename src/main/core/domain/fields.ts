// Typed reads from the loosely typed `fields` bag that providers produce. Payloads are
// untrusted, so every read checks the type and falls back to null.
export type Fields = Record<string, unknown>;

export function str(fields: Fields, key: string): string | null {
  const v = fields[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

export function num(fields: Fields, key: string): number | null {
  const v = fields[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function bool(fields: Fields, key: string): boolean {
  return fields[key] === true;
}

export function list(fields: Fields, key: string): unknown[] {
  const v = fields[key];
  return Array.isArray(v) ? v : [];
}
