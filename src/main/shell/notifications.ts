// Desktop notifications for committed events, decided by notification-rules.ts. Clicking
// one opens that event in the window (or the events list, for a summary of a burst).
import { Notification } from 'electron';
import type { EventRecord } from '../../shared/events';
import type { NotificationPrefs } from '../../shared/ipc';
import type { Logger } from '../core/logger';
import { EMPTY_BURST, flush, receive } from './notification-rules';
import type { BurstState, Notice } from './notification-rules';

export interface NotificationsController {
  onEvent(event: EventRecord): void;
  /** Show a notice from the shell itself (a warning, the result of an action). */
  show(notice: Notice): void;
  close(): void;
}

export function setupNotifications(options: {
  prefs: () => NotificationPrefs;
  open: (eventId: number | null) => void;
  logger: Logger;
  now?: () => number;
}): NotificationsController {
  const now = options.now ?? Date.now;
  let burst: BurstState = EMPTY_BURST;
  let timer: NodeJS.Timeout | null = null;
  // Electron drops a Notification's click handler when the object is garbage-collected;
  // keep each one until it closes.
  const live = new Set<Notification>();

  const show = (notice: Notice) => {
    if (!Notification.isSupported()) {
      options.logger.info('notifications are not supported here', { title: notice.title });
      return;
    }
    const n = new Notification({ title: notice.title, body: notice.body });
    live.add(n);
    n.on('click', () => options.open(notice.eventId));
    n.on('close', () => live.delete(n));
    n.on('failed', (_e, error) => {
      live.delete(n);
      options.logger.warn('a notification failed', { error });
    });
    n.show();
  };

  const flushNow = () => {
    timer = null;
    const out = flush(burst, options.prefs(), now());
    burst = out.state;
    for (const notice of out.notices) show(notice);
  };

  return {
    onEvent(event) {
      const out = receive(burst, event, options.prefs(), now());
      burst = out.state;
      if (out.flushInMs !== null && !timer) timer = setTimeout(flushNow, out.flushInMs);
    },
    show,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      for (const n of live) n.close();
      live.clear();
    },
  };
}
