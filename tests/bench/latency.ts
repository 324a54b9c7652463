// What the queue benches (jobs, realtime) measure latencies with: a
// percentile, a one-line p50/p95/p99/max summary, and the baseline they are
// read against, a bare Postgres LISTEN/NOTIFY round trip (the notify
// committed → the listener woken).
import pg from "pg";

/** The p-th percentile of xs (NaN when there are none). */
export const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

export const latencySummary = (xs: number[]): string =>
  `p50 ${percentile(xs, 50).toFixed(1)}  p95 ${percentile(xs, 95).toFixed(1)}  p99 ${percentile(xs, 99).toFixed(1)}  max ${Math.max(...xs).toFixed(1)} ms`;

/** `times` NOTIFYs sent through pool, each timed until a listener on its own connection (url) is woken, in ms. */
export async function notifyRoundTrips(pool: pg.Pool, url: string, times = 200): Promise<number[]> {
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  await listener.query("listen bench");
  const roundTrips: number[] = [];
  for (let i = 0; i < times; i++) {
    const woken = new Promise<void>((resolve) => listener.once("notification", () => resolve()));
    const sent = performance.now();
    await pool.query("select pg_notify('bench', '')");
    await woken;
    roundTrips.push(performance.now() - sent);
  }
  await listener.end();
  return roundTrips;
}
