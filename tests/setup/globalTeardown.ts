// Stops the throwaway cluster and deletes its data: nothing is left running.
import pg from "pg";
import type { EmbeddedCluster } from "../../core/embedded-postgres.ts";

export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { keeprTestCluster?: EmbeddedCluster }).keeprTestCluster;
  if (cluster) {
    await cluster.stop();
    return;
  }
  // External Postgres: drop the databases this run made.
  const admin = new pg.Client({ connectionString: process.env.KEEPR_TEST_SUPERUSER_URL });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'keepr_test_%'");
  for (const { datname } of rows) await admin.query(`drop database if exists ${pg.escapeIdentifier(datname)} with (force)`);
  await admin.end();
}
