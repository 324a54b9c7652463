// Several Keepr processes starting at once on one database (the API
// processes of a cluster, a restart of every machine after a failover) each
// migrate it at start (main.ts). graphile-migrate only tries its advisory
// lock and throws "Failed to get exclusive lock" when another migrator holds
// it, so all but one of them used to exit 1. migrateDatabase waits for
// Keepr's own lock first: they migrate one after another, the later ones
// finding nothing left to do.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { roleUrl } from "../../core/database.ts";
import { latestCommittedHash, migrateDatabase, migrationsAreCurrent } from "../../core/migrate.ts";
import { ensureDatabase, roles } from "../../core/roles.ts";

const superuserUrl = process.env.KEEPR_TEST_SUPERUSER_URL!;
const name = `keepr_test_${randomBytes(5).toString("hex")}`;
const ownerUrl = roleUrl(superuserUrl, roles.owner, process.env.KEEPR_TEST_OWNER_PASSWORD!, name);

afterAll(async () => {
  const admin = new pg.Client({ connectionString: superuserUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
});

test("three processes migrating an empty database at once all succeed, and it ends at the latest migration", async () => {
  await ensureDatabase(superuserUrl, name);
  const outcomes = await Promise.allSettled([0, 1, 2].map(() => migrateDatabase({ ownerUrl }, () => {})));
  expect(outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : "ok"))).toEqual(["ok", "ok", "ok"]);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    expect(await migrationsAreCurrent(client, latestCommittedHash())).toBe(true);
    // graphile-worker's schema too (the last step of migrateDatabase).
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from pg_namespace where nspname = 'graphile_worker'");
    expect(rows[0]!.n).toBe(1);
  } finally {
    await client.end();
  }
}, 180_000);
