// npm run bench -- channels [--events 50,200,500] [--repeat 5]
//
// What one channel sync costs in the database (app_private.sync_channel_feed
// with apply_channel_feed), against an embedded Postgres of its own
// (throwaway data directory), for feeds of --events bookings (two nights
// each, a free night between them) on a unit where every fifth booking
// overlaps an owner block by a night (a conflict, blocks on both sides):
//   first    the feed's first sync: every block and conflict created;
//   same     the same feed again: nothing changes (the usual poll);
//   moved    a tenth of the bookings a day later (blocks moved in place);
// each the median of --repeat runs, in ms and per booking, and as a ratio
// to `same`. Beside them, parsing the feed's iCal text (channels/ical.ts)
// in Node, so the database's share reads against the parser's.
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { parseFeed, renderCalendar } from "../../channels/ical.ts";
import { loadConfig } from "../../core/config.ts";
import { addDays, createHotel, localDate } from "../helpers/booking.ts";
import { freePort, makeDataDir } from "../helpers/keepr-process.ts";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "50,200,500" },
    repeat: { type: "string", default: "5" },
  },
});
const sizes = args.events.split(",").map(Number);
const repeat = Number(args.repeat);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dataDir = makeDataDir();
const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) });
const db = await openDatabase(config, () => {});
try {
  await migrateDatabase(db, () => {});
  const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  console.log(`channel sync, median of ${repeat} (ms; per booking in brackets; ratio to the unchanged re-sync)`);
  console.log(`${"bookings".padEnd(10)} ${"first".padEnd(22)}${"same".padEnd(22)}${"moved".padEnd(22)}parse (Node)`);
  for (const n of sizes) {
    const runs = { first: [] as number[], same: [] as number[], moved: [] as number[], parse: [] as number[] };
    for (let r = 0; r < repeat; r++) {
      const h = await createHotel(pool, { units: 1, kind: "vacation_rental" });
      const today = localDate(h.timeZone);
      const events = Array.from({ length: n }, (_, i) => ({ uid: `b${i}@channel`, start: addDays(today, 1 + 3 * i), end: addDays(today, 3 + 3 * i), summary: "Reserved" }));
      for (let i = 0; i < n; i += 5) {
        await pool.query("insert into app_public.inventory_claims (property_id, unit_id, stay, kind, note) values ($1, $2, daterange($3::date, $4::date), 'owner_block', 'Owner')",
          [h.propertyId, h.unitIds[0], addDays(today, 2 + 3 * i), addDays(today, 4 + 3 * i)]);
      }
      const feed = (await pool.query<{ id: string }>(
        "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'airbnb', 'Airbnb', 'https://ical.example/bench.ics') returning id",
        [h.propertyId, h.unitIds[0]],
      )).rows[0]!.id;
      const text = renderCalendar({ name: "Airbnb", events });
      let t = performance.now();
      parseFeed(text, { timeZone: h.timeZone });
      runs.parse.push(performance.now() - t);
      const sync = async (list: typeof events) => {
        const started = performance.now();
        await pool.query("select app_private.sync_channel_feed($1, $2::jsonb, 'hash')", [feed, JSON.stringify(list)]);
        return performance.now() - started;
      };
      runs.first.push(await sync(events));
      runs.same.push(await sync(events));
      runs.moved.push(await sync(events.map((e, i) => (i % 10 === 3 ? { ...e, start: addDays(e.start, 1), end: addDays(e.end, 1) } : e))));
    }
    const same = median(runs.same);
    const cell = (xs: number[]) => {
      const m = median(xs);
      return `${m.toFixed(1)} (${(m / n).toFixed(2)}) ×${(m / same).toFixed(1)}`.padEnd(22);
    };
    console.log(`${String(n).padEnd(10)} ${cell(runs.first)}${cell(runs.same)}${cell(runs.moved)}${cell(runs.parse)}`);
  }
  await pool.end();
} finally {
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
