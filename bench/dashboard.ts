// Dashboard benchmark in Debian's Chromium: time until the first rows of a 100k-event
// store are painted, and frame times while new events stream in at about 1,000 per second.
import { launchBrowser, newContext } from '../test/helpers/browser';
import { millionEventDir, startCoreProcess } from './mcp';
import { percentile } from './load';

export async function benchDashboard(events = 100_000, seconds = 5, rate = 1000) {
  const core = await startCoreProcess(millionEventDir(events));
  const browser = await launchBrowser();
  try {
    const res = await fetch(`${core.controlUrl}/api/dashboard-link`, { method: 'POST', headers: { authorization: `Bearer ${core.token}` } });
    const { url } = (await res.json()) as { url: string };
    const page = await (await newContext(browser)).newPage();
    const t0 = Date.now();
    await page.goto(url);
    await page.locator('[data-testid="event-row"]').first().waitFor({ timeout: 30_000 });
    const firstRows = Date.now() - t0;
    const paint = await page.evaluate<number>(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`);

    // Count frames in the page while events stream in over SSE.
    await page.evaluate(`window.__frames = []; (function tick(t){ window.__frames.push(t); if (!window.__stop) requestAnimationFrame(tick); })(performance.now())`);
    // Paced, not closed-loop: start rate/100 requests every 10 ms, whatever the answers do.
    const perTick = Math.ceil(rate / 100);
    let sent = 0;
    let inFlight = 0;
    const started = Date.now();
    const pending: Promise<unknown>[] = [];
    while (Date.now() - started < seconds * 1000) {
      const due = Math.floor(((Date.now() - started) / 10) * perTick);
      while (sent < due && inFlight < 500) {
        inFlight++;
        const n = sent++;
        pending.push(
          fetch(`${core.ingestUrl}/webhooks/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n, type: 'tick' }) })
            .then((r) => r.arrayBuffer())
            .finally(() => inFlight--),
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.allSettled(pending);
    const achieved = sent / ((Date.now() - started) / 1000);
    await page.waitForTimeout(500);
    const frames = await page.evaluate<number[]>(`window.__stop = true; window.__frames`);
    const gaps = frames.slice(1).map((t, i) => t - frames[i]!).sort((a, b) => a - b);
    const rowsInDom = await page.locator('[data-testid="event-row"]').count();
    return {
      events,
      first_rows_ms: firstRows,
      first_contentful_paint_ms: paint,
      stream_rate: achieved,
      frames: gaps.length,
      fps: gaps.length / seconds,
      frame_p50_ms: percentile(gaps, 50),
      frame_p99_ms: percentile(gaps, 99),
      long_frames: gaps.filter((g) => g > 50).length,
      rows_in_dom: rowsInDom,
    };
  } finally {
    await browser.close();
    await core.stop();
  }
}
