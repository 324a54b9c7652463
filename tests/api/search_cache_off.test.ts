// SEARCH_CACHE=false (issue 23): realtime runs no search-cache feed, since no
// cache listens. Each feed message is a pg_notify, and a notifying commit
// holds the notification queue's lock through its WAL flush, so an unheard
// feed still queued the API's own notifying commits behind its own. Real
// Postgres, the real realtime service reading logical replication.
import pg from "pg";
import { asOwner, fileDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { createHotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { waitUntil } from "../helpers/wait.ts";
import { searchFeedChannel } from "../../core/search-feed.ts";

let server: TestServer | undefined;
let listener: pg.Client | undefined;
let superuser: pg.Client | undefined;
const db: TestDatabase = fileDatabase({ beforeDrop: async () => Promise.all([server?.close(), listener?.end(), superuser?.end()]) });

it("sends nothing on the feed's channel with SEARCH_CACHE=false, while realtime streams the changes", async () => {
  listener = new pg.Client({ connectionString: db.superuserUrl });
  await listener.connect();
  const heard: string[] = [];
  listener.on("notification", (n) => n.channel === searchFeedChannel && heard.push(n.payload ?? ""));
  await listener.query(`listen ${searchFeedChannel}`);
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();

  // A heartbeat every 50 ms, were the feed running: silence below is not a slow heartbeat.
  server = await startTestServer(db, { SEARCH_CACHE: "false", SEARCH_CACHE_HEARTBEAT_MS: "50" }, { realtime: true });
  expect(server.searchCache).toBeNull();
  expect(server.realtime!.searchFeedRunning).toBe(false);
  await waitUntil(async () => server!.realtime!.replicationConnected() === true, "realtime's replication stream up", 60_000);

  // A change the feed would tag (a property's units), committed, then read by realtime's slot past its commit.
  await inCommit(db.ownerPool, async (c) => {
    await asOwner(c);
    await createHotel(c);
  });
  const lsn = (await superuser.query<{ lsn: string }>("select pg_catalog.pg_current_wal_insert_lsn()::text as lsn")).rows[0]!.lsn;
  await waitUntil(async () => {
    const { rows } = await superuser!.query<{ past: boolean }>(
      `select coalesce(bool_or(confirmed_flush_lsn >= $1::pg_lsn), false) as past
         from pg_catalog.pg_replication_slots where database = current_database()`,
      [lsn],
    );
    return rows[0]!.past;
  }, "realtime's slot confirmed past the change", 60_000);
  // A round trip on the listening connection delivers any notification committed before it.
  await listener.query("select 1");
  expect(heard).toEqual([]);
});
