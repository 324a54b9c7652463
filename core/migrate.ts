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

export async function migrateDatabase(db: Pick<Database, "ownerUrl" | "shadowUrl" | "superuserUrl">, log: Log): Promise<void> {
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
