// Cron (hourly; properties' days end at different hours): the night
// audit's no-shows. A confirmed stay whose arrival day is over at its
// property is recorded as a no-show, with its penalty. Safe to run twice.
import type { Task } from "graphile-worker";
import { asWorker } from "../database.ts";

export const markNoShows: Task = async (_payload, helpers) => {
  const marked = await helpers.withPgClient((client) =>
    asWorker(client, async (c) => (await c.query<{ n: number }>("select app_private.mark_overdue_no_shows() as n")).rows[0]!.n),
  );
  if (marked > 0) helpers.logger.info(`recorded ${marked} no-show(s)`);
};
