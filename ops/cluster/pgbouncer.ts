// PgBouncer 1.18 (Debian's pgbouncer) for `npm run cluster`: the API's
// pooler, in transaction mode, in front of HAProxy's "primary" frontend (so a
// failover needs nothing from PgBouncer: its broken server connections are
// replaced by new ones to the promoted node).
//
// Authentication: auth_type scram-sha-256 with an auth_file holding the
// roles' SCRAM secrets, read from pg_authid as the superuser (no clear-text
// password on disk). PgBouncer checks the client against the secret and logs
// in to Postgres with the client's proof (SCRAM pass-through, PgBouncer ≥
// 1.14), so the file must hold the same secret as the server: re-read it
// after a password change.
//
// What transaction mode takes away, and how Keepr copes (docs/scaling.md):
// no session state between transactions (Keepr's settings are transaction-
// local set_config), no LISTEN (the worker and realtime connect directly),
// no protocol-level named prepared statements in 1.18 (the API's pools send
// every statement unnamed with DATABASE_POOL_MODE=transaction), and the startup
// parameters node-postgres sends (statement_timeout,
// idle_in_transaction_session_timeout) are ignored rather than refused.
import pg from "pg";

export interface PgbouncerLayout {
  port: number;
  /** Where PgBouncer's server connections go (in the cluster, HAProxy's pg_primary frontend). */
  upstream: { host: string; port: number };
  database: string;
  authFile: string;
  /** Roles allowed on PgBouncer's admin console (SHOW POOLS, SHOW STATS); none by default. */
  adminUsers?: string[];
  poolMode?: "session" | "transaction";
  /** Server connections per user and database. */
  poolSize?: number;
  maxClientConnections?: number;
  /** Its log file (else it logs to stderr only). */
  logFile?: string;
  /** A directory for its Unix socket (else it listens on TCP only). */
  unixSocketDir?: string;
  /**
   * Startup parameters it ignores instead of refusing the client. By default
   * those node-postgres may send (statement_timeout,
   * idle_in_transaction_session_timeout); the tests pass only
   * extra_float_digits, so a Keepr pool that sent others would be refused.
   */
  ignoreStartupParameters?: string[];
}

/** pgbouncer.ini for this layout: the one configuration of npm run cluster and of the tests' PgBouncer (tests/helpers/pgbouncer.ts). */
export function pgbouncerConfig(layout: PgbouncerLayout): string {
  const admins = layout.adminUsers ?? [];
  return [
    ";; Written by ops/cluster/pgbouncer.ts.",
    "[databases]",
    `${layout.database} = host=${layout.upstream.host} port=${layout.upstream.port} dbname=${layout.database}`,
    "",
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${layout.port}`,
    layout.unixSocketDir ? `unix_socket_dir = ${layout.unixSocketDir}` : "unix_socket_dir =",
    "auth_type = scram-sha-256",
    `auth_file = ${layout.authFile}`,
    ...(admins.length ? [`admin_users = ${admins.join(", ")}`, `stats_users = ${admins.join(", ")}`] : []),
    `pool_mode = ${layout.poolMode ?? "transaction"}`,
    `max_client_conn = ${layout.maxClientConnections ?? 2000}`,
    `default_pool_size = ${layout.poolSize ?? 40}`,
    "reserve_pool_size = 0",
    "server_connect_timeout = 3",
    "server_login_retry = 1",
    "server_check_delay = 5",
    "query_wait_timeout = 30",
    "query_timeout = 30",
    "idle_transaction_timeout = 30",
    `ignore_startup_parameters = ${(layout.ignoreStartupParameters ?? ["extra_float_digits", "statement_timeout", "idle_in_transaction_session_timeout", "options"]).join(", ")}`,
    ...(layout.logFile ? [`logfile = ${layout.logFile}`] : []),
    "log_connections = 0",
    "log_disconnections = 0",
    "",
  ].join("\n");
}

/** The auth_file lines (`"role" "SCRAM-SHA-256$…"`) of these roles, read from pg_authid. */
export async function pgbouncerAuthFile(superuserUrl: string, roles: string[]): Promise<string> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string; rolpassword: string | null }>(
      "select rolname, rolpassword from pg_authid where rolname = any($1) order by rolname",
      [roles],
    );
    const missing = roles.filter((role) => !rows.some((r) => r.rolname === role && r.rolpassword));
    if (missing.length) throw new Error(`pgbouncer auth_file: no password for ${missing.join(", ")}`);
    return rows.map((r) => `"${r.rolname}" "${r.rolpassword}"`).join("\n") + "\n";
  } finally {
    await client.end();
  }
}
