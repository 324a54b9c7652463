// Cluster-wide roles and the database itself, created as a superuser before
// migrations run. Idempotent: safe on every start.
import pg from "pg";

export const roles = {
  owner: "keepr_owner",
  authenticator: "keepr_authenticator",
  anonymous: "keepr_anonymous",
  guest: "keepr_guest",
  staff: "keepr_staff",
  worker: "keepr_worker",
  analyst: "keepr_analyst",
  realtime: "keepr_realtime",
} as const;

export interface RolePasswords {
  owner: string;
  authenticator: string;
  /** Left as it is when not given (an external database whose admin sets it). */
  analyst?: string;
  /** Likewise. */
  realtime?: string;
}

const ident = (s: string) => pg.escapeIdentifier(s);
const literal = (s: string) => pg.escapeLiteral(s);

/**
 * Creates (or updates) Keepr's roles:
 * - owner: owns the database and every object, runs migrations and the worker;
 * - authenticator: the API's login, NOINHERIT, can only SET ROLE to
 *   anonymous, guest or staff;
 * - anonymous < guest < staff: the API roles (each a member of the one before);
 * - worker: what jobs act as for domain work;
 * - analyst: read-only login over `reporting`;
 * - realtime: the realtime server's logical-replication login (REPLICATION,
 *   no table rights: it streams the publication and authorizes each change
 *   per subscriber through the API's own policies).
 */
export async function ensureRoles(superuserUrl: string, passwords: RolePasswords): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>(
      "select rolname from pg_roles where rolname = any($1)",
      [Object.values(roles)],
    );
    const existing = new Set(rows.map((r) => r.rolname));
    const create = async (name: string, options: string) => {
      const verb = existing.has(name) ? "alter" : "create";
      await client.query(`${verb} role ${ident(name)} with ${options}`);
    };
    await create(roles.owner, `login nosuperuser nocreaterole createdb password ${literal(passwords.owner)}`);
    await create(roles.authenticator, `login noinherit nosuperuser nocreatedb nocreaterole password ${literal(passwords.authenticator)}`);
    await create(roles.anonymous, "nologin");
    await create(roles.guest, "nologin");
    await create(roles.staff, "nologin");
    await create(roles.worker, "nologin");
    await create(
      roles.analyst,
      `login nosuperuser nocreatedb nocreaterole${passwords.analyst ? ` password ${literal(passwords.analyst)}` : ""}`,
    );
    await create(
      roles.realtime,
      `login replication nosuperuser nocreatedb nocreaterole${passwords.realtime ? ` password ${literal(passwords.realtime)}` : ""}`,
    );
    await client.query(`alter role ${ident(roles.analyst)} set default_transaction_read_only = on`);
    await client.query(`alter role ${ident(roles.analyst)} set statement_timeout = '60s'`);
    await client.query(`grant ${ident(roles.anonymous)} to ${ident(roles.guest)}`);
    await client.query(`grant ${ident(roles.guest)} to ${ident(roles.staff)}`);
    await client.query(
      `grant ${ident(roles.anonymous)}, ${ident(roles.guest)}, ${ident(roles.staff)} to ${ident(roles.authenticator)}`,
    );
    // The owner grants to these roles and switches to worker for jobs.
    await client.query(
      `grant ${[roles.anonymous, roles.guest, roles.staff, roles.worker, roles.analyst].map(ident).join(", ")} to ${ident(roles.owner)}`,
    );
  } finally {
    await client.end();
  }
}

/**
 * Creates the database owned by the owner role if missing (from `template`,
 * e.g. a migrated test template); only Keepr's login roles may connect.
 */
export async function ensureDatabase(superuserUrl: string, name: string, template = "template0"): Promise<boolean> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      await client.query(`create database ${ident(name)} owner ${ident(roles.owner)} encoding 'UTF8' template ${ident(template)}`);
    }
    await client.query(`revoke all on database ${ident(name)} from public`);
    await client.query(
      `grant connect, temporary on database ${ident(name)} to ${ident(roles.authenticator)}, ${ident(roles.analyst)}`,
    );
    await client.query(`grant connect on database ${ident(name)} to ${ident(roles.realtime)}`);
    return !rowCount;
  } finally {
    await client.end();
  }
}
