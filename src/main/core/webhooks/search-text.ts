// The text that full-text search indexes for an event: its summary and subject, and the
// human-written strings of the payload (titles, messages, names). URLs, hashes and ids
// are left out: they bloat the index and nobody searches for them by word.
const MAX_STRING = 300;
const MAX_TOTAL = 4000;
// Large payloads are mostly URLs and ids; the words worth finding come early (titles,
// messages, names), and walking every node of a 100 KB payload costs ingest time.
const MAX_NODES = 1500;
const SKIP = /^(https?:\/\/|[0-9a-f]{20,}$|[A-Za-z0-9+/=_-]{32,}$)/;

export function searchText(summary: string, subject: string | null, type: string, payload: unknown): string {
  const parts = new Set<string>([summary, type.replace(/[._]/g, ' ')]);
  if (subject) parts.add(subject);
  let total = 0;
  const stack: unknown[] = [payload];
  let visited = 0;
  while (stack.length > 0 && total < MAX_TOTAL && visited < MAX_NODES) {
    const value = stack.pop();
    visited++;
    if (typeof value === 'string') {
      if (value.length < 2 || SKIP.test(value) || parts.has(value)) continue;
      const text = value.length > MAX_STRING ? value.slice(0, MAX_STRING) : value;
      parts.add(text);
      total += text.length;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
    } else if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, v] = entries[i]!;
        if (key.endsWith('_url') || key === 'url' || key === 'node_id' || key.endsWith('_at')) continue;
        stack.push(v);
      }
    }
  }
  return [...parts].join('\n');
}
