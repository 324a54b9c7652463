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
    // An analyst's forgotten open transaction holds no lock for long.
    await client.query(`alter role ${ident(roles.analyst)} set idle_in_transaction_session_timeout = '60s'`);
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
  let created = false;
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    created = !rowCount;
    if (created) {
      await client.query(`create database ${ident(name)} owner ${ident(roles.owner)} encoding 'UTF8' template ${ident(template)}`);
    }
    await client.query(`revoke all on database ${ident(name)} from public`);
    await client.query(`grant connect, temporary on database ${ident(name)} to ${ident(roles.authenticator)}`);
    // The analyst reads and changes nothing: no temporary tables either.
    await client.query(`revoke temporary on database ${ident(name)} from ${ident(roles.analyst)}`);
    await client.query(`grant connect on database ${ident(name)} to ${ident(roles.analyst)}, ${ident(roles.realtime)}`);
  } finally {
    await client.end();
  }
  await revokeSideEffects(superuserUrl, name);
  return created;
}

/**
 * Built-in functions with side effects that every login may call (they are
 * granted to PUBLIC) are taken back in Keepr's database and granted to the
 * roles that use them, so the read-only analyst login can change nothing:
 * large objects, WAL messages, advisory locks and pg_notify
 * (sideEffectFunctions says who keeps which). Function privileges belong to the
 * database, so this runs in it, as a superuser (the bootstrap superuser owns
 * pg_catalog). The NOTIFY statement itself needs no privilege at all: the
 * realtime bus therefore trusts no NOTIFY it cannot authenticate
 * (realtime/bus.ts). On a Postgres where Keepr gets no superuser, the same
 * statements are in docs/security.md for its administrator.
 */
const sideEffectFunctions = {
  /** Large objects: Keepr keeps none. */
  largeObjects: ["lo_create", "lo_creat", "lo_from_bytea", "lo_import", "lo_export", "lo_open", "lo_close", "loread", "lowrite",
    "lo_lseek", "lo_lseek64", "lo_tell", "lo_tell64", "lo_truncate", "lo_truncate64", "lo_unlink", "lo_get", "lo_put"],
  /** Messages written into the WAL for logical decoding: the owner, whose audit trigger writes a traced transaction's traceparent for realtime (core/tracing.ts). */
  walMessages: ["pg_logical_emit_message"],
  /** Advisory locks: graphile-migrate and lookup_booking, as the owner. */
  advisoryLocks: ["pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
    "pg_advisory_unlock", "pg_advisory_unlock_shared", "pg_advisory_unlock_all", "pg_advisory_xact_lock",
    "pg_advisory_xact_lock_shared", "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared"],
  /** pg_notify: the realtime bus (the authenticator login) and graphile-worker's job signal. */
  notify: ["pg_notify"],
};

/**
 * The SQL that takes built-in functions with side effects back from PUBLIC
 * in one database and grants them to the Keepr roles that use them (one
 * statement, for every signature the server version has).
 */
export function sideEffectRevocation(owner: string = roles.owner): string {
  const list = (names: string[]) => `array[${names.map(literal).join(", ")}]`;
  const notifiers = [owner, roles.authenticator, roles.anonymous, roles.worker, roles.realtime].map(ident).join(", ");
  const all = Object.values(sideEffectFunctions).flat();
  return `do $$
declare
  f regprocedure;
begin
  for f in select p.oid::regprocedure from pg_catalog.pg_proc p
            where p.pronamespace = 'pg_catalog'::regnamespace and p.proname = any (${list(all)}) loop
    execute pg_catalog.format('revoke execute on function %s from public', f);
    if f::oid in (select p.oid from pg_catalog.pg_proc p where p.proname = any (${list([...sideEffectFunctions.advisoryLocks, ...sideEffectFunctions.walMessages])})) then
      execute pg_catalog.format('grant execute on function %s to %s', f, ${literal(ident(owner))});
    elsif f::oid in (select p.oid from pg_catalog.pg_proc p where p.proname = any (${list(sideEffectFunctions.notify)})) then
      execute pg_catalog.format('grant execute on function %s to %s', f, ${literal(notifiers)});
    end if;
  end loop;
end;
$$`;
}

async function revokeSideEffects(superuserUrl: string, database: string): Promise<void> {
  const url = new URL(superuserUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sideEffectRevocation());
  } finally {
    await client.end();
  }
}
