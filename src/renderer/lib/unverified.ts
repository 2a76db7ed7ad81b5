// How the dashboard's derived views (Stripe actions, pushes, deployments) say that a row
// came from an unsigned delivery: a flag on the row and one notice over the list. Pure, so
// the wording is tested without a browser.

/** The row flag's tooltip: what "unverified" means and what to do about it. */
export const UNVERIFIED_ROW_TITLE =
  'Unverified: the webhook behind this came from a source without a secret, so anyone who knows the URL could have sent it. Add a secret under Sources.';

/** Whether a row gets the unverified flag. */
export function isUnverified(row: { verified: boolean }): boolean {
  return !row.verified;
}

/**
 * The notice over a list, or null when every row was signed. `one` and `many` name the rows
 * ("push", "pushes"); `source` names where a secret would fix it ("Stripe").
 */
export function unverifiedNotice(rows: ReadonlyArray<{ verified: boolean }>, one: string, many: string, source: string): string | null {
  const n = rows.filter(isUnverified).length;
  if (n === 0) return null;
  const what = n === 1 ? `1 ${one} here came` : `${n} ${many} here came`;
  return `${what} from unsigned webhooks: anyone who knows the URL could have sent them. Add a ${source} secret under Sources before acting on them.`;
}
