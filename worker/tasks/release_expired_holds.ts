// Cron housekeeping: releases holds that expired over a minute ago. Expired
// holds already count as free everywhere (search, quote, hold); this only
// keeps the table of live claims small and the history exact. Safe to run
// twice: a second run finds nothing to release.
import type { Task } from "graphile-worker";
import { asWorker } from "../database.ts";

export const releaseExpiredHolds: Task = async (_payload, helpers) => {
  const released = await helpers.withPgClient((client) =>
    asWorker(client, async (c) => (await c.query<{ n: number }>("select app_private.release_stale_claims() as n")).rows[0]!.n),
  );
  if (released > 0) helpers.logger.info(`released ${released} expired hold(s)`);
};
