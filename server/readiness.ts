// /readyz: the API's pool reaches Postgres and every committed migration is
// applied (read with the owner's small pool; the API roles cannot see
// graphile_migrate).
import type pg from "pg";
import { latestCommittedHash, migrationsAreCurrent } from "../core/migrate.ts";

export function makeReadiness(apiPool: pg.Pool, ownerPool: pg.Pool) {
  const expectedHash = latestCommittedHash();
  return async () => {
    await apiPool.query("select 1");
    const current = await migrationsAreCurrent(ownerPool, expectedHash);
    return { ok: current, checks: { database: "ok", migrations: current ? "current" : "behind" } };
  };
}
