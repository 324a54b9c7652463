// The GraphQL schema is built from Postgres's catalog when the API starts
// (PostGraphile's introspection). On a busy primary, or behind a DDL lock,
// that read can take longer than the API's statement timeout: it once ran
// on the API's own pool, under STATEMENT_TIMEOUT_MS, failed, and the server
// still started, /readyz said ready, and every GraphQL request answered 500
// ("parseAndValidate is not a function") until a restart. Now introspection
// reads the catalog on a connection of its own with a minute's timeout, and
// the server listens only once the schema is built.
//
// Here the catalog read is held behind a lock on pg_description (which it
// reads) for well over twice the API's 100 ms statement timeout, measured on
// the waiting backend itself (pg_stat_activity), then the lock is released.
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { waitUntil } from "../helpers/wait.ts";

let db: TestDatabase;
/** Holds the lock, in a transaction. */
let superuser: pg.Client;
/** Watches the waiting backend (pg_stat_activity, whose snapshot a transaction keeps, read outside one). */
let watcher: pg.Client;
let server: TestServer | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  watcher = new pg.Client({ connectionString: db.superuserUrl });
  await watcher.connect();
});
afterAll(async () => {
  await superuser?.query("rollback").catch(() => {});
  await superuser?.end();
  await watcher?.end();
  await server?.close();
  await db?.drop();
});

it("a catalog read slower than the statement timeout delays the start; the API then answers", async () => {
  await superuser.query("begin");
  await superuser.query("lock table pg_catalog.pg_description in access exclusive mode");
  let started = false;
  const starting = startTestServer(db, { STATEMENT_TIMEOUT_MS: "100" }).then((s) => {
    started = true;
    server = s;
    return s;
  });
  // The introspection waits on the lock, in this test database, for at least 5 × the statement timeout.
  await waitUntil(async () => {
    if (started) return true;
    const { rows } = await watcher.query<{ waited: boolean }>(
      `select coalesce(bool_or(now() - query_start > interval '500 milliseconds'), false) as waited
         from pg_stat_activity
        where datname = $1 and application_name = 'keepr-test-api-introspection' and wait_event_type = 'Lock'`,
      [db.name],
    );
    return rows[0]!.waited;
  }, "the catalog read waiting on the lock for 500 ms, or the server started", 30_000);
  expect(started).toBe(false);
  await superuser.query("rollback");

  const s = await starting;
  const ready = await fetch(`${s.url}/readyz`);
  expect(ready.status).toBe(200);
  const r = await s.graphql(`{ __typename }`);
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ data: { __typename: "Query" } });
  const english = await s.graphql(`{ languageByCode(code: "en") { code } }`);
  expect(english.body).toEqual({ data: { languageByCode: { code: "en" } } });
  // The API's own connections keep the API's timeout.
  const { rows } = await s.apiPool.query<{ statement_timeout: string }>("show statement_timeout");
  expect(rows[0]!.statement_timeout).toBe("100ms");
});
