// Brings a database to the latest committed migration (graphile-migrate),
// then installs or upgrades graphile-worker's schema. Both run as the owner.
import { readdirSync, readFileSync } from "node:fs";
import { migrate } from "graphile-migrate";
import { clearAllPools } from "graphile-migrate/dist/pgReal.js";
import { runMigrations as runWorkerMigrations } from "graphile-worker";
import { Logger as MigrateLogger } from "@graphile/logger";
import pg from "pg";
import { migrateSettings, type Database } from "./database.ts";

type Log = (level: string, message: string) => void;

/**
 * Brings the database to the latest migration, then graphile-worker's schema.
 * Keepr's processes that start at once on one database (a cluster's API
 * processes, every machine after a failover) each migrate: graphile-migrate
 * only tries its own advisory lock and throws "Failed to get exclusive lock"
 * while another holds it, so they first wait their turn on Keepr's lock
 * (a session advisory lock on a connection of their own, given back when it
 * closes, whatever happens), and the later ones find nothing left to do.
 * Waits at most 300 s for its turn (lock_timeout), then throws.
 */
export async function migrateDatabase(db: Pick<Database, "ownerUrl" | "shadowUrl" | "superuserUrl">, log: Log): Promise<void> {
  const turn = new pg.Client({ connectionString: db.ownerUrl, application_name: "keepr-migrate-lock" });
  turn.on("error", () => {}); // a lost connection fails the query in progress
  await turn.connect();
  try {
    await turn.query(`set lock_timeout = '${migrateLockTimeout}'`);
    await turn.query("select pg_catalog.pg_advisory_lock(pg_catalog.hashtextextended('keepr migrate', 0))");
    await migrateNow(db, log);
  } finally {
    await turn.end().catch(() => {});
  }
}

/** How long a process waits for another's migrations before it gives up (and exits, for its supervisor to retry). */
const migrateLockTimeout = "300s";

async function migrateNow(db: Pick<Database, "ownerUrl" | "shadowUrl" | "superuserUrl">, log: Log): Promise<void> {
  const logger = new MigrateLogger(() => (level, message) => log(level, message));
  await migrate({ ...migrateSettings(db), logger });
  // graphile-migrate keeps its pool alive for 200 ms after use and exits the
  // process if one of its idle connections then fails (as when Postgres
  // stops right after a fast start); close it now.
  clearAllPools();
  // Our own pool, closed here: nothing of the migration outlives it.
  const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 1 });
  const ignore = () => {};
  pool.on("error", ignore);
  pool.on("connect", (client) => client.on("error", ignore));
  try {
    await runWorkerMigrations({ pgPool: pool });
  } finally {
    await pool.end();
  }
}

/** The hash in the header of the newest committed migration. */
export function latestCommittedHash(folder = "migrations/committed"): string | null {
  const files = readdirSync(folder).filter((f) => f.endsWith(".sql")).sort();
  const last = files.at(-1);
  if (!last) return null;
  const match = /^--! Hash: (\S+)$/m.exec(readFileSync(`${folder}/${last}`, "utf8"));
  return match?.[1] ?? null;
}

/** Whether the database has every committed migration applied. */
export async function migrationsAreCurrent(client: Pick<pg.Pool, "query">, expectedHash: string | null): Promise<boolean> {
  const { rows } = await client.query<{ hash: string }>(
    "select hash from graphile_migrate.migrations order by date desc, filename desc limit 1",
  );
  return rows[0]?.hash === expectedHash;
}
