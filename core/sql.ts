// The one way Keepr runs SQL as a role: a transaction that becomes the role
// and sets its claims (transaction-local, so nothing outlives it and a pooled
// or PgBouncer connection carries no session state), runs the work, and
// commits, or rolls back when the work throws or only reads.
import pg from "pg";
import { traceSettings } from "./tracing.ts";

export interface As {
  /** The role the transaction runs as (keepr_worker, keepr_anonymous, ...); none: the connection's own. */
  role?: string;
  /** Transaction-local settings: claims (jwt.claims.*), keepr.request_id, statement_timeout, ... */
  settings?: Readonly<Record<string, string>>;
  /** `begin read only`. */
  readOnly?: boolean;
  /** Roll back even when the work succeeds (checks that must change nothing). */
  rollback?: boolean;
}

/** The statement that becomes the role with the settings, transaction-local (null when there is nothing to set). */
export function becomeStatement(as: Pick<As, "role" | "settings">): string | null {
  const settings = Object.entries({ ...(as.role ? { role: as.role } : {}), ...as.settings });
  if (settings.length === 0) return null;
  return `select ${settings.map(([name, value]) => `pg_catalog.set_config(${pg.escapeLiteral(name)}, ${pg.escapeLiteral(value)}, true)`).join(", ")}`;
}

/** The statement that opens the transaction: begin, then role and settings in the same round trip. */
export function beginStatement(as: As): string {
  // With tracing on, the trace goes along (jobs it queues continue it).
  const traced = traceSettings(as.settings);
  const become = becomeStatement(traced ? { role: as.role, settings: { ...as.settings, ...traced } } : as);
  // One simple-protocol query may hold several statements: one round trip.
  return `begin${as.readOnly ? " read only" : ""}${become ? `; ${become}` : ""}`;
}

/**
 * Runs work in one transaction as `as` says, on a client you hold (a
 * graphile-worker client, a test's connection) or on a connection taken
 * from a pool and given back after. A pooled connection whose rollback
 * failed is in an unknown state, so it is destroyed, not returned.
 */
export async function inTransaction<T>(db: pg.Pool | pg.PoolClient, as: As, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  if (db instanceof pg.Pool) {
    const client = await db.connect();
    let broken: Error | undefined;
    try {
      return await run(client, as, work, (error) => (broken = error));
    } finally {
      client.release(broken);
    }
  }
  return run(db, as, work, (error) => {
    throw error;
  });
}

async function run<T>(client: pg.PoolClient, as: As, work: (client: pg.PoolClient) => Promise<T>, rollbackFailed: (error: Error) => void): Promise<T> {
  const rollback = () => client.query("rollback").then(() => undefined, rollbackFailed);
  let result: T;
  try {
    await client.query(beginStatement(as));
    result = await work(client);
  } catch (error) {
    await rollback();
    throw error;
  }
  if (as.rollback) await rollback();
  else await client.query("commit");
  return result;
}
