// Cron housekeeping: forgets idempotency keys older than 48 hours (they are
// promised for at least 24). Safe to run twice.
import type { Task } from "graphile-worker";
import { asWorker } from "../database.ts";

export const purgeIdempotencyKeys: Task = async (_payload, helpers) => {
  const purged = await helpers.withPgClient((client) =>
    asWorker(client, async (c) => (await c.query<{ n: number }>("select app_private.purge_idempotency_keys() as n")).rows[0]!.n),
  );
  if (purged > 0) helpers.logger.info(`purged ${purged} idempotency key(s)`);
};
