// Shared by the load generators (npm run bench, npm run torture).

/**
 * Node's fetch adds an abort listener to the MCP client transport's one AbortSignal per
 * request and drops it only when the request is garbage-collected (nodejs/undici#5285), so
 * thousands of quick tool calls cross its 1,500-listener warning before a GC. That is the
 * load generator's client, not the core, and not a leak (a GC clears them all): count
 * those warnings and say so once at exit. Every other warning prints as usual.
 */
export function countAbortSignalWarnings(who: string): void {
  let count = 0;
  const print = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'MaxListenersExceededWarning' && w.message.includes('[AbortSignal]')) count++;
    else for (const listener of print) listener(w);
  });
  process.on('exit', () => {
    if (count > 0) process.stderr.write(`${who}: ${count} MaxListenersExceededWarning(s) on the MCP client's AbortSignal (load generator side, cleared by GC)\n`);
  });
}

/** Extra Node flags for a spawned server, from an env var (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
export function nodeArgsFromEnv(name: string): string[] {
  return process.env[name]?.split(' ').filter(Boolean) ?? [];
}
