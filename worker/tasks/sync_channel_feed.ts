// Reads one OTA feed and applies it (app_private.sync_channel_feed). Payload
// { feed_id }. A feed that cannot be fetched or parsed keeps its blocks and
// has the error recorded (app_private.record_channel_feed_error); its next
// poll is the retry, backing off. An empty body is how some channels serve
// an empty calendar: it is read as one, so the sync's rule for a fetch that
// would open most of the feed's nights (wait for a second fetch or staff)
// decides. Safe to run twice: the sync compares with what the feed said
// last time.
import { createHash } from "node:crypto";
import type { Task } from "graphile-worker";
import { z } from "zod";
import { fetchFeed, FeedFetchError } from "../../channels/fetch.ts";
import { FeedError, parseFeed } from "../../channels/ical.ts";
import { asWorker } from "../database.ts";
import { recordAsWorker } from "./provider_call.ts";

const payload = z.object({ feed_id: z.uuid() });

export function makeSyncChannelFeed(deps: { allowInternalUrls: boolean }): Task {
  return async (raw, helpers) => {
    const { feed_id: feedId } = payload.parse(raw);
    const feed = await helpers.withPgClient((client) =>
      asWorker(client, async (c) =>
        (await c.query<{ url: string; time_zone: string; is_active: boolean }>(
          `select f.url, p.time_zone, f.is_active from app_public.channel_feeds f join app_public.properties p on p.id = f.property_id where f.id = $1`,
          [feedId],
        )).rows[0],
      ),
    );
    if (!feed || !feed.is_active) return;
    let events;
    let hash;
    try {
      const text = await fetchFeed(feed.url, { allowInternal: deps.allowInternalUrls });
      hash = createHash("sha256").update(text).digest("hex");
      events = text.trim() === "" ? [] : parseFeed(text, { timeZone: feed.time_zone });
    } catch (error) {
      if (error instanceof FeedFetchError || error instanceof FeedError) {
        helpers.logger.warn(`channel feed ${feedId}: ${error.message}`);
        await recordAsWorker(helpers, "select app_private.record_channel_feed_error($1, $2)", [feedId, error.message]);
        return;
      }
      throw error;
    }
    const { rows } = await recordAsWorker(helpers, "select app_private.sync_channel_feed($1, $2, $3) as counts", [feedId, JSON.stringify(events), hash]);
    helpers.logger.info(`channel feed ${feedId}: ${JSON.stringify(rows[0].counts)}`);
  };
}
