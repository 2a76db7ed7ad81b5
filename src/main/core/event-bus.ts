// In-process fan-out of committed events to waiters, subscriptions, SSE streams and the
// tray. Only events that are already on disk are published.
import type { EventRecord } from '../../shared/events';

export type EventListener = (event: EventRecord) => void;

export function createEventBus() {
  const listeners = new Set<EventListener>();
  return {
    publish(events: readonly EventRecord[]): void {
      for (const event of events) {
        for (const listener of listeners) {
          try {
            listener(event);
          } catch {
            // A faulty listener must not stop the others or the ingest path.
          }
        }
      }
    },
    /** Returns the function that unsubscribes. */
    subscribe(listener: EventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    size(): number {
      return listeners.size;
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;
