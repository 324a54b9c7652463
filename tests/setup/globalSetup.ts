// Once per `npm test`: a throwaway embedded Postgres (or TEST_DATABASE_URL, a
// superuser connection to any Postgres 15+), Keepr's roles, and a migrated
// template database that every test database is cloned from.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { watch } from "graphile-migrate";
import { clearAllPools } from "graphile-migrate/dist/pgReal.js";
import { migrateSettings, roleUrl } from "../../core/database.ts";
import { startEmbeddedCluster, type EmbeddedCluster } from "../../core/embedded-postgres.ts";
import { migrateDatabase } from "../../core/migrate.ts";
import { ensureDatabase, ensureRoles, roles } from "../../core/roles.ts";
import { generateSecrets } from "../../core/secrets.ts";
import { templateName } from "../helpers/db.ts";
import { freePort } from "../helpers/keepr-process.ts";

export default async function globalSetup(): Promise<void> {
  // Keepr processes the tests start (tests/helpers/keepr-process.ts) run clusters of their own, many at
  // once: Postgres's own 128 MB each, not npm start's share of the machine's memory.
  process.env.EMBEDDED_PG_SHARED_BUFFERS_MB ??= "128";
  const started = Date.now();
  // Every temporary directory of the run (the Keepr processes' data directories, outboxes, exports,
  // browser profiles) is made under one, removed at the end (globalTeardown; outliveNot if jest dies):
  // os.tmpdir() follows TMPDIR, in this process, the test files and the processes they start.
  const runDir = await mkdtemp(path.join(tmpdir(), "keepr-tests-"));
  await chmod(runDir, 0o755); // the postgres OS user (when we run as root) must reach the clusters below it
  process.env.TMPDIR = runDir;
  (globalThis as { keeprTestRunDir?: string }).keeprTestRunDir = runDir;
  const secrets = generateSecrets();
  let cluster: EmbeddedCluster | undefined;
  let superuserUrl = process.env.TEST_DATABASE_URL;
  if (!superuserUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), "keepr-test-"));
    await chmod(dir, 0o755); // the postgres OS user (when we run as root) must reach it
    const dataDir = path.join(dir, "pg");
    cluster = await startEmbeddedCluster({
      dataDir,
      port: await freePort(),
      superuserPassword: secrets.superuserPassword,
      throwaway: true,
      // Durability is not what the tests measure.
      settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
    });
    superuserUrl = cluster.superuserUrl();
    outliveNot(process.pid, Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]), runDir);
  } else {
    outliveNot(process.pid, null, runDir);
  }
  (globalThis as { keeprTestCluster?: EmbeddedCluster }).keeprTestCluster = cluster;

  await ensureRoles(superuserUrl, {
    owner: secrets.ownerPassword,
    authenticator: secrets.authenticatorPassword,
    analyst: secrets.analystPassword,
    realtime: secrets.realtimePassword,
  });
  const admin = new pg.Client({ connectionString: superuserUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${templateName} with (force)`);
  await admin.end();
  await ensureDatabase(superuserUrl, templateName);
  await migrateDatabase(
    { ownerUrl: roleUrl(superuserUrl, roles.owner, secrets.ownerPassword, templateName), superuserUrl },
    () => {},
  );
  // KEEPR_TEST_CURRENT_SQL=1: the template also runs migrations/current.sql,
  // so the engineer writing the next migration tests it before the lead
  // commits it (docs/migrations.md). Without it, committed migrations only.
  if (process.env.KEEPR_TEST_CURRENT_SQL === "1") {
    await watch({ ...migrateSettings({ ownerUrl: roleUrl(superuserUrl, roles.owner, secrets.ownerPassword, templateName), superuserUrl }) }, true);
    clearAllPools();
  }

  Object.assign(process.env, {
    KEEPR_TEST_SUPERUSER_URL: superuserUrl,
    KEEPR_TEST_OWNER_PASSWORD: secrets.ownerPassword,
    KEEPR_TEST_AUTHENTICATOR_PASSWORD: secrets.authenticatorPassword,
    KEEPR_TEST_ANALYST_PASSWORD: secrets.analystPassword,
    KEEPR_TEST_REALTIME_PASSWORD: secrets.realtimePassword,
    KEEPR_TEST_JWT_SECRET: secrets.jwtSecret,
  });
  console.log(`\n[tests] Postgres ${cluster ? `embedded on port ${cluster.port}` : "from TEST_DATABASE_URL"}, template migrated in ${Date.now() - started} ms`);
}

/**
 * A jest that dies (out of memory, SIGKILL) runs no teardown: a detached
 * shell waits for it to be gone, then stops its Postgres (fast shutdown)
 * and removes the cluster's directory, so no test cluster outlives its run.
 */
function outliveNot(jestPid: number, postmasterPid: number | null, dir: string): void {
  const stopPostgres = postmasterPid === null ? "" : `if grep -qaF -- '${dir}' /proc/${postmasterPid}/cmdline 2>/dev/null && kill -INT ${postmasterPid}; then
  while kill -0 ${postmasterPid} 2>/dev/null; do sleep 0.2; done
fi
`;
  const script = `while kill -0 ${jestPid} 2>/dev/null; do sleep 2; done
${stopPostgres}rm -rf '${dir}'`;
  spawn("sh", ["-c", script], { detached: true, stdio: "ignore" }).unref();
}
