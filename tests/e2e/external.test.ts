// `npm start` against a Postgres it does not manage (DATABASE_URL,
// AUTH_DATABASE_URL, ROOT_DATABASE_URL): it creates its database, migrates,
// seeds, serves, and on shutdown leaves that Postgres running.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { roleUrl } from "../../core/database.ts";
import { roles } from "../../core/roles.ts";
import { freePort, makeDataDir, startKeepr, stopKeepr } from "../helpers/keepr-process.ts";

const superuserUrl = process.env.KEEPR_TEST_SUPERUSER_URL!;
const name = `keepr_test_ext_${randomBytes(4).toString("hex")}`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: superuserUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
});

it("runs on DATABASE_URL: creates and migrates the database, serves the API, and leaves Postgres running on exit", async () => {
  const running = await startKeepr({
    dataDir: makeDataDir(),
    port: await freePort(),
    pgPort: await freePort(), // unused: no embedded cluster is started
    env: {
      DATABASE_URL: roleUrl(superuserUrl, roles.owner, process.env.KEEPR_TEST_OWNER_PASSWORD!, name),
      AUTH_DATABASE_URL: roleUrl(superuserUrl, roles.authenticator, process.env.KEEPR_TEST_AUTHENTICATOR_PASSWORD!, name),
      ROOT_DATABASE_URL: superuserUrl,
    },
  });
  const res = await fetch(`${running.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ allProperties { totalCount } }" }),
  });
  expect(((await res.json()) as { data: { allProperties: { totalCount: number } } }).data.allProperties.totalCount).toBe(2);
  expect(running.output()).not.toContain("embedded, data in");
  expect(await stopKeepr(running, "SIGINT")).toBe(0);

  const admin = new pg.Client({ connectionString: superuserUrl });
  await admin.connect();
  const { rows } = await admin.query("select datdba::regrole::text as owner from pg_database where datname = $1", [name]);
  await admin.end();
  expect(rows).toEqual([{ owner: "keepr_owner" }]);
});
