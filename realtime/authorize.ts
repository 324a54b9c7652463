// Who may see a replicated row: the same RLS policies and column privileges
// the API uses, judged on the row's own values at commit, not on whatever
// the table holds when the change is delivered.
//
// For a table and a role, the SELECT policies that apply to the role
// (permissive ones OR-ed, restrictive ones AND-ed, as Postgres combines
// them) are read from pg_policy as SQL text, once, and evaluated as that
// role with its claims over the changed rows themselves:
//
//   select i from jsonb_array_elements($1) with ordinality e(r, i),
//          jsonb_populate_record(null::app_public.reservations, e.r) as reservations
//    where <the policies' USING expressions>
//
// The record is named after the table, so the policies' column references
// (bare or table-qualified) resolve to the replicated values. A DELETE is
// judged on the old row (replica identity FULL), so it reaches only those
// who could see the row. One query per change for each group of subscribers
// with the same role and claims (however many channels and sockets they
// have), never one per subscriber; visibleRows takes several rows, ready to
// judge a whole transaction at once. Functions the policies call (the caller's
// property memberships, their session) read the current state, as the API
// does.
import pg from "pg";
import { pgSettingsFor } from "../core/auth.ts";
import { inTransaction } from "../core/sql.ts";
import type { AuthorizeChange, AuthorizeChannel, SubscriberIdentity } from "./types.ts";

/** Transaction-local settings of a subscriber: `role` and the `jwt.claims.*` the policies read (core/auth.ts pgSettingsFor). */
export type ClaimSettings = Record<string, string>;

interface TableRule {
  /** Columns the role may SELECT, in table order; none: the table is not visible. */
  columns: string[];
  /** The row predicate: "true" without RLS, null when no policy lets the role see any row. */
  predicate: string | null;
}

const ruleQuery = `
  select c.relrowsecurity as rls,
         array(select a.attname::text from pg_catalog.pg_attribute a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                  and pg_catalog.has_column_privilege($3, c.oid, a.attnum, 'SELECT')
                order by a.attnum) as columns,
         array(select pg_catalog.pg_get_expr(p.polqual, p.polrelid) from pg_catalog.pg_policy p
                where p.polrelid = c.oid and p.polcmd in ('r', '*') and p.polpermissive and p.polqual is not null
                  and exists (select 1 from pg_catalog.unnest(p.polroles) r where r = 0 or pg_catalog.pg_has_role($3, r, 'MEMBER'))
                order by p.polname) as permissive,
         array(select pg_catalog.pg_get_expr(p.polqual, p.polrelid) from pg_catalog.pg_policy p
                where p.polrelid = c.oid and p.polcmd in ('r', '*') and not p.polpermissive and p.polqual is not null
                  and exists (select 1 from pg_catalog.unnest(p.polroles) r where r = 0 or pg_catalog.pg_has_role($3, r, 'MEMBER'))
                order by p.polname) as restrictive
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = $1 and c.relname = $2`;

export interface RowAuthorizer {
  /** The columns the role may see on the table ([] when none). */
  visibleColumns(role: string, schema: string, table: string): Promise<string[]>;
  /** For each record, whether the subscriber (role and claims) may see it. */
  visibleRows(settings: ClaimSettings, schema: string, table: string, records: Array<Record<string, string | null>>): Promise<boolean[]>;
}

export function createRowAuthorizer(options: { pool: pg.Pool; cacheSeconds?: number; statementTimeoutMs?: number }): RowAuthorizer {
  const cacheMs = (options.cacheSeconds ?? 60) * 1000;
  const rules = new Map<string, { at: number; rule: Promise<TableRule> }>();

  function ruleFor(role: string, schema: string, table: string): Promise<TableRule> {
    const key = `${role}\u0000${schema}\u0000${table}`;
    const cached = rules.get(key);
    if (cached && Date.now() - cached.at < cacheMs) return cached.rule;
    const rule = (async (): Promise<TableRule> => {
      const { rows } = await options.pool.query<{ rls: boolean; columns: string[]; permissive: string[]; restrictive: string[] }>(ruleQuery, [schema, table, role]);
      const found = rows[0];
      if (!found || found.columns.length === 0) return { columns: [], predicate: null };
      if (!found.rls) return { columns: found.columns, predicate: "true" };
      if (found.permissive.length === 0) return { columns: found.columns, predicate: null };
      const anyPermissive = found.permissive.map((q) => `(${q})`).join(" or ");
      const predicate = [`(${anyPermissive})`, ...found.restrictive.map((q) => `(${q})`)].join(" and ");
      return { columns: found.columns, predicate };
    })();
    rules.set(key, { at: Date.now(), rule });
    rule.catch(() => rules.delete(key));
    return rule;
  }

  return {
    async visibleColumns(role, schema, table) {
      return (await ruleFor(role, schema, table)).columns;
    },
    async visibleRows(settings, schema, table, records) {
      const role = settings.role;
      if (!role) throw new Error("claim settings without a role");
      const rule = await ruleFor(role, schema, table);
      if (rule.predicate === null || records.length === 0) return records.map(() => false);
      if (rule.predicate === "true") return records.map(() => true);
      const check = (timeoutMs: number) =>
        asSubscriber(options.pool, settings, timeoutMs, async (client) => {
          const relation = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
          const { rows } = await client.query<{ i: string }>(
            `select e.i from pg_catalog.jsonb_array_elements($1::jsonb) with ordinality as e(r, i)
               cross join lateral pg_catalog.jsonb_populate_record(null::${relation}, e.r) as ${client.escapeIdentifier(table)}
              where ${rule.predicate}`,
            [JSON.stringify(records)],
          );
          const visible = new Set(rows.map((r) => Number(r.i) - 1));
          return records.map((_, i) => visible.has(i));
        });
      const timeoutMs = options.statementTimeoutMs ?? 2000;
      try {
        return await check(timeoutMs);
      } catch (error) {
        // A check cut short on a busy database (statement_timeout) is tried
        // once more with more time before the change is given up on (and
        // its subscribers told to refetch).
        if ((error as { code?: string }).code !== "57014") throw error;
        return check(timeoutMs * 4);
      }
    },
  };
}

/** Runs work in a read-only transaction as the subscriber (role and claims), then rolls back. */
function asSubscriber<T>(pool: pg.Pool, settings: ClaimSettings, statementTimeoutMs: number, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, { settings: { ...settings, statement_timeout: String(statementTimeoutMs) }, readOnly: true, rollback: true }, work);
}

/**
 * The realtime server's AuthorizeChange over the API's policies: a change
 * is judged on its new row, a DELETE on its old one (so it reaches only
 * those who could see the row); per distinct identity, the visible columns
 * or null.
 */
export function authorizeChangesWith(rows: RowAuthorizer): AuthorizeChange {
  return async (change, identities) => {
    const record = change.type === "DELETE" ? change.oldRecord : change.record;
    const visible = new Map<string, readonly string[] | null>();
    if (!record) return visible;
    await Promise.all(
      identities.map(async (identity: SubscriberIdentity) => {
        const [seen] = await rows.visibleRows(pgSettingsFor(identity, "realtime"), change.schema, change.table, [record]);
        visible.set(identity.key, seen ? await rows.visibleColumns(identity.role, change.schema, change.table) : null);
      }),
    );
    return visible;
  };
}

/**
 * Private broadcast and presence channels, authorized by the same RLS as
 * the API: `property:<id>[:anything]` is open to whoever may see the
 * property's staff records (its staff), `reservation:<id>[:anything]` to
 * whoever may see that reservation (its property's staff, its guest).
 * Other names are refused.
 */
export function authorizeChannelsWith(pool: pg.Pool, statementTimeoutMs = 2000): AuthorizeChannel {
  const checks = {
    property: "select $1::uuid in (select app_hidden.current_property_ids()) as ok",
    reservation: "select exists (select 1 from app_public.reservations r where r.id = $1) as ok",
  };
  return async (identity, channel) => {
    const match = /^(property|reservation):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::.*)?$/.exec(channel);
    if (!match) return false;
    const sql = checks[match[1] as keyof typeof checks];
    return asSubscriber(pool, pgSettingsFor(identity, "realtime"), statementTimeoutMs, async (client) => (await client.query<{ ok: boolean }>(sql, [match[2]])).rows[0]!.ok);
  };
}
