// Cron (every minute): queues the sync of every feed whose next poll is due.
import type { Task } from "graphile-worker";
import { asWorker } from "../database.ts";

export const pollChannelFeeds: Task = async (_payload, helpers) => {
  const queued = await helpers.withPgClient((client) =>
    asWorker(client, async (c) => (await c.query<{ n: number }>("select app_private.schedule_channel_polls() as n")).rows[0]!.n),
  );
  if (queued > 0) helpers.logger.info(`queued ${queued} channel feed sync(s)`);
};
