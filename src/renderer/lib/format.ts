// How times, ages, amounts, durations and sizes read in the dashboard. Pure, so the wording
// is tested once and every view says it the same way.

/** "just now", "42 s", "5 min", "3 h 10 min", "2 d". Negative ages (clock skew) read as "just now". */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 5) return 'just now';
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 && d < 7 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Seconds between an ISO time and now (ms since the epoch); NaN when the time is unreadable. */
export function secondsSince(iso: string, nowMs: number): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? (nowMs - t) / 1000 : Number.NaN;
}

/** "5 min ago" style; unreadable input is shown as it came. */
export function formatAgo(iso: string, nowMs: number): string {
  const s = secondsSince(iso, nowMs);
  if (Number.isNaN(s)) return iso;
  const age = formatAge(s);
  return age === 'just now' ? age : `${age} ago`;
}

/** "850 ms", "12.3 s", "2 min 5 s"; null when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const totalS = Math.round(s);
  const m = Math.floor(totalS / 60);
  const rest = totalS % 60;
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/**
 * An amount already in major units (the core divides Stripe's minor units by the currency's
 * decimals), with its currency: "$20.00", "¥500". Unknown currency codes fall back to "20 XYZ".
 */
export function formatAmount(amount: number | null, currency: string | null, locale?: string): string {
  if (amount === null || !Number.isFinite(amount)) return '—';
  if (!currency) return new Intl.NumberFormat(locale).format(amount);
  const code = currency.toUpperCase();
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: code }).format(amount);
  } catch {
    return `${new Intl.NumberFormat(locale).format(amount)} ${code}`;
  }
}

/** "1.2 KB", "3.4 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export function formatCount(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A time for a list row: "14:03:07" today, "Mar 4 14:03" another day (local time).
 * Unreadable input is shown as it came.
 */
export function formatTime(iso: string, nowMs: number, locale?: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const now = new Date(nowMs);
  const sameDay = t.getFullYear() === now.getFullYear() && t.getMonth() === now.getMonth() && t.getDate() === now.getDate();
  const clock = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  if (sameDay) return clock;
  const day = t.toLocaleDateString(locale, { month: 'short', day: 'numeric', ...(t.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
  return `${day} ${clock.slice(0, 5)}`;
}

/** Full local date and time, for detail panes. */
export function formatDateTime(iso: string | null, locale?: string): string {
  if (!iso) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return t.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** The first 7 characters of a commit SHA, as git shows it. */
export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 7) : '—';
}

/** "1 event", "2 events". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
