// How the derived views (Stripe actions, deployments, pushes, commits, pull requests) say
// that a row came from an unsigned delivery. Their rows are not events, so the event list's
// block labels do not cover them: each row carries its own mark, and the result a warning.

export const UNVERIFIED_MARK = '[UNVERIFIED]';

/** ' [UNVERIFIED]' for a row from an unsigned delivery, '' otherwise: put after the row's id or time, before any sender text. */
export function unverifiedMark(row: { verified: boolean }): string {
  return row.verified ? '' : ` ${UNVERIFIED_MARK}`;
}

/**
 * One sentence for the top of a result, or null when every row was signed. `what` names
 * the rows ("action(s)", "deployment(s)").
 */
export function derivedWarning(rows: ReadonlyArray<{ verified: boolean }>, what: string): string | null {
  return countWarning(rows.filter((r) => !r.verified).length, what);
}

/** The same sentence for a count the query already made. */
export function countWarning(unverified: number, what: string): string | null {
  if (unverified <= 0) return null;
  return `WARNING: ${unverified} ${what} came from deliveries whose source has no signing secret, so anyone who knows the webhook URL could have sent them; they are marked ${UNVERIFIED_MARK}. Set a secret for the source (tidings secret set <source>) to have deliveries checked.`;
}

/** Text with the warning line in front of it, when there is one. */
export function withWarning(warning: string | null, text: string): string {
  return warning ? `${warning}\n${text}` : text;
}
