// Stops the throwaway cluster and deletes its data and every temporary
// directory of the run (globalSetup's run directory): nothing is left running
// or on disk.
import { rm } from "node:fs/promises";
import pg from "pg";
import type { EmbeddedCluster } from "../../core/embedded-postgres.ts";

export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { keeprTestCluster?: EmbeddedCluster }).keeprTestCluster;
  const runDir = (globalThis as { keeprTestRunDir?: string }).keeprTestRunDir;
  try {
    if (cluster) await cluster.stop();
    else await dropTestDatabases();
  } finally {
    if (runDir) await rm(runDir, { recursive: true, force: true });
  }
}

/** External Postgres: drops the databases this run made. */
async function dropTestDatabases(): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.KEEPR_TEST_SUPERUSER_URL });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'keepr_test_%'");
  for (const { datname } of rows) await admin.query(`drop database if exists ${pg.escapeIdentifier(datname)} with (force)`);
  await admin.end();
}
