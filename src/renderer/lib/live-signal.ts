// "New events were committed": the events view hears them on its stream and says so here,
// so that the header's count and the chart refresh now rather than at their next poll.
const listeners = new Set<() => void>();

export function announceLiveEvents(): void {
  for (const listener of listeners) listener();
}

/** Returns the function that stops listening. */
export function onLiveEvents(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
