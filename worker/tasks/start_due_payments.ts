// Cron: charges the card on file of every payment that has fallen due (the
// balance before arrival). The attempts' own jobs do the charging.
import type { Task } from "graphile-worker";
import { asWorker } from "../database.ts";

export const startDuePayments: Task = async (_payload, helpers) => {
  const started = await helpers.withPgClient((client) =>
    asWorker(client, async (c) => (await c.query<{ n: number }>("select app_private.start_due_payments() as n")).rows[0]!.n),
  );
  if (started > 0) helpers.logger.info(`started ${started} due payment(s)`);
};
