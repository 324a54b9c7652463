// Cron (daily, 05:00 UTC, before the morning shifts of most of the world):
// creates today's stay-over cleaning tasks, per each property's rule.
// Safe to run twice: a task exists once per unit, kind and day.
import type { Task } from "graphile-worker";
import { asWorker } from "../database.ts";

export const scheduleHousekeeping: Task = async (_payload, helpers) => {
  const created = await helpers.withPgClient((client) =>
    asWorker(client, async (c) => (await c.query<{ n: number }>("select app_private.schedule_stayover_cleaning() as n")).rows[0]!.n),
  );
  if (created > 0) helpers.logger.info(`created ${created} stay-over cleaning task(s)`);
};
