// The access matrix: every identity (anonymous, booking token, guest, staff
// of each role, staff of another property, worker, analyst, realtime) ×
// every table, view and function the database exposes × select / insert /
// update / delete / execute, generated from the declaration in
// tests/db/access-spec.ts and checked against the real grants, policies and
// guards on one committed fixture world (tests/db/access-world.ts). Every
// write and call runs in a savepoint that is rolled back.
//
// Also: the declaration covers every app_public table, view and function and
// every reporting view; no policy or function spells out a set of staff
// roles instead of naming a group; the console's staff groups
// (admin/src/platform/access.ts) are the SQL's; docs/security.md holds the
// rendered table. To rewrite that table:
//   KEEPR_WRITE_ACCESS_TABLE=1 node --experimental-vm-modules node_modules/jest/bin/jest.js tests/db/access_matrix.test.ts
import { readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import pg from "pg";
import * as consoleAccess from "../../admin/src/platform/access.ts";
import { addDays, newKey } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import {
  accessTableEnd, accessTableStart, deviations, functions, identities, identityNames, renderAccessTable, sqlRoles, staffGroupNames,
  staffRoles, tables, type Call, type FunctionName, type FunctionSpec, type Identity, type Rule, type Scope, type SqlRole,
  type StaffGroup, type StaffRole, type TableName, type TableSpec, type Who,
} from "./access-spec.ts";
import { buildWorld, type Place, type World } from "./access-world.ts";

// ---------------------------------------------------------------------------
// The fixture's rows, as the owner sees them: for every table, each row's key
// and what decides who may see it.
// ---------------------------------------------------------------------------

interface Row {
  key: string;
  label: string;
  properties: string[];
  organizations: string[];
  published: boolean;
  users: string[];
  booking: string | null;
  tags: string[];
}

interface Catalog {
  key: string;
  label: string;
  from?: string;
  properties?: string;
  organizations?: string;
  published?: string;
  users?: string;
  booking?: string;
  tags?: string;
}

const byReservation = (reservationId: string) => ({
  from: `left join app_public.reservations r on r.id = ${reservationId}`,
  users: "array_remove(array[r.user_id], null)",
  booking: "r.id",
});
const publishedProperty = "p.is_published";

/** How to read each app_public table's rows and owners (x is the table, p its property). */
const catalogs: Record<string, Catalog> = {
  "app_public.account_balances": { key: "x.account_id || ':' || x.currency", label: "x.code" },
  "app_public.allocation_moves": { key: "x.id::text", label: "'move'" },
  "app_public.cash_movements": { key: "x.id::text", label: "x.kind::text" },
  "app_public.cash_shifts": { key: "x.id::text", label: "'shift'" },
  "app_public.companies": { key: "x.id::text", label: "x.name" },
  "app_public.folio_extras": { key: "x.id::text", label: "x.name" },
  "app_public.promo_codes": { key: "x.id::text", label: "x.code" },
  "app_public.reservation_extras": { key: "x.id::text", label: "x.name" },
  "app_public.channel_conflicts": { key: "x.id::text", label: "x.uid" },
  "app_public.channel_feed_events": { key: "x.feed_id || ':' || x.uid", label: "x.uid" },
  "app_public.channel_feeds": { key: "x.id::text", label: "x.name" },
  "app_public.exports": { key: "x.id::text", label: "x.kind::text", users: "array_remove(array[x.requested_by], null)" },
  "app_public.fees": { key: "x.id::text", label: "x.name", published: publishedProperty },
  "app_public.folio_balances": {
    key: "x.folio_id || ':' || x.currency", label: "coalesce(r.contact_name, 'folio')",
    ...byReservation("(select f.reservation_id from app_public.folios f where f.id = x.folio_id)"),
  },
  "app_public.folios": { key: "x.id::text", label: "coalesce(r.contact_name, 'folio')", ...byReservation("x.reservation_id") },
  "app_public.guests": { key: "x.id::text", label: "x.full_name", users: "array_remove(array[x.user_id], null)" },
  "app_public.guest_merges": { key: "x.id::text", label: "'merge'" },
  "app_public.guest_unmerges": { key: "x.id::text", label: "'unmerge'" },
  "app_public.rate_overrides": { key: "x.id::text", label: "x.reason" },
  "app_public.housekeeping_tasks": { key: "x.id::text", label: "x.kind::text" },
  "app_public.inventory_claims": { key: "x.id::text", label: "x.kind::text" },
  "app_public.invoices": { key: "x.id::text", label: "x.document_number", ...byReservation("x.reservation_id") },
  "app_public.journal_entries": {
    key: "x.id::text", label: "x.cause_type",
    tags: "case when exists (select 1 from app_public.postings p where p.entry_id = x.id and p.folio_id is not null) then array['folio'] else '{}' end",
  },
  "app_public.ledger_accounts": { key: "x.id::text", label: "x.code" },
  "app_public.night_audit_anomalies": { key: "x.id::text", label: "x.kind::text" },
  "app_public.night_audits": { key: "x.id::text", label: "'audit'" },
  "app_public.notification_templates": { key: "x.id::text", label: "x.template::text" },
  "app_public.notifications": { key: "x.id::text", label: "x.template::text" },
  "app_public.property_legal_details": { key: "x.property_id::text", label: "x.legal_name" },
  "app_public.property_translations": { key: "x.property_id || ':' || x.language", label: "x.description", published: publishedProperty },
  "app_public.room_type_translations": {
    key: "x.room_type_id || ':' || x.language", label: "x.name",
    published: "p.is_published and exists (select 1 from app_public.room_types rt where rt.id = x.room_type_id and rt.is_published)",
  },
  "app_public.rate_plan_translations": {
    key: "x.rate_plan_id || ':' || x.language", label: "x.name",
    published: "p.is_published and exists (select 1 from app_public.rate_plans rp join app_public.room_types rt on rt.id = rp.room_type_id where rp.id = x.rate_plan_id and rp.is_published and rt.is_published)",
  },
  "app_public.fee_translations": { key: "x.fee_id || ':' || x.language", label: "x.name", published: publishedProperty },
  "app_public.extra_translations": { key: "x.extra_id || ':' || x.language", label: "x.name" },
  "app_public.folio_bill_to": { key: "x.folio_id::text", label: "x.name" },
  "app_public.invoice_deliveries": { key: "x.id::text", label: "x.recipient" },
  "app_public.organizations": {
    key: "x.id::text", label: "x.name",
    properties: "array(select q.id from app_public.properties q where q.organization_id = x.id)",
    organizations: "array[x.id]",
    published: "exists (select 1 from app_public.properties q where q.organization_id = x.id and q.is_published)",
  },
  "app_public.owners": { key: "x.id::text", label: "x.name" },
  "app_public.payment_attempts": {
    key: "x.id::text", label: "x.status::text",
    ...byReservation("(select i.reservation_id from app_public.payment_intents i where i.id = x.intent_id)"),
  },
  "app_public.payment_intents": { key: "x.id::text", label: "x.kind::text", ...byReservation("x.reservation_id") },
  "app_public.payout_lines": { key: "x.payout_id || ':' || x.reservation_id", label: "'payout line'" },
  "app_public.payouts": { key: "x.id::text", label: "'payout'" },
  "app_public.postings": {
    key: "x.id::text", label: "x.amount::text",
    ...byReservation("(select f.reservation_id from app_public.folios f where f.id = x.folio_id)"),
    tags: "case when x.folio_id is not null then array['folio'] else '{}' end",
  },
  "app_public.properties": {
    key: "x.id::text", label: "x.name", properties: "array[x.id]", organizations: "array[x.organization_id]", published: "x.is_published",
  },
  "app_public.property_memberships": {
    key: "x.id::text", label: "x.role::text", tags: "case when x.role <> 'owner' then array['not_owner'] else '{}' end",
  },
  "app_public.rate_calendar": { key: "x.rate_plan_id || ':' || x.date", label: "x.price::text" },
  "app_public.rate_plan_los_discounts": {
    key: "x.id::text", label: "x.min_nights::text",
    published: "exists (select 1 from app_public.rate_plans rp join app_public.room_types rt on rt.id = rp.room_type_id where rp.id = x.rate_plan_id and rp.is_published and rt.is_published and p.is_published)",
  },
  "app_public.rate_plans": {
    key: "x.id::text", label: "x.name",
    published: "x.is_published and p.is_published and exists (select 1 from app_public.room_types rt where rt.id = x.room_type_id and rt.is_published)",
  },
  "app_public.reconciliation_differences": { key: "x.id::text", label: "x.reference" },
  "app_public.refunds": {
    key: "x.id::text", label: "x.reason",
    ...byReservation("(select i.reservation_id from app_public.payment_intents i where i.id = x.intent_id)"),
  },
  "app_public.registration_cards": { key: "x.id::text", label: "x.full_name" },
  "app_public.booking_groups": { key: "x.id::text", label: "coalesce(x.name, x.group_code)", users: "array_remove(array[x.user_id], null)" },
  "app_public.reservations": {
    key: "x.id::text", label: "coalesce(x.contact_name, x.status::text)",
    users: "array_remove(array[x.user_id], null)", booking: "x.id",
  },
  "app_public.room_types": { key: "x.id::text", label: "x.name", published: "x.is_published and p.is_published" },
  "app_public.settlement_lines": { key: "x.report_id || ':' || x.line_no", label: "x.type", properties: "'{}'::uuid[]", organizations: "'{}'::uuid[]" },
  "app_public.settlement_reports": { key: "x.id::text", label: "x.provider", properties: "'{}'::uuid[]", organizations: "'{}'::uuid[]" },
  "app_public.taxes": { key: "x.id::text", label: "x.name", published: publishedProperty },
  "app_public.trial_balance": { key: "x.property_id || ':' || x.currency", label: "x.currency::text" },
  "app_public.units": { key: "x.id::text", label: "x.name" },
  "app_public.guest_accounts": { key: "x.id::text", label: "x.email::text", properties: "'{}'::uuid[]", organizations: "'{}'::uuid[]" },
  "app_public.users": {
    key: "x.id::text", label: "x.display_name",
    properties: "array(select m.property_id from app_public.property_memberships m where m.user_id = x.id)",
    organizations: "array(select q.organization_id from app_public.property_memberships m join app_public.properties q on q.id = m.property_id where m.user_id = x.id)",
    users: "array[x.id]",
  },
};

async function readCatalog(c: pg.PoolClient, table: string, labels: Map<string, string>): Promise<Row[]> {
  const k = catalogs[table]!;
  const properties = k.properties ?? "array[x.property_id]";
  const joinProperty = k.properties ? "" : "left join app_public.properties p on p.id = x.property_id";
  const { rows } = await c.query<Row & { prefix: string[] }>(
    `select ${k.key} as key, ${k.label} as label, ${properties}::text[] as properties,
            ${k.organizations ?? "array[p.organization_id]"}::text[] as organizations,
            coalesce(${k.published ?? "false"}, false) as published, ${k.users ?? "'{}'::uuid[]"}::text[] as users,
            ${k.booking ?? "null::uuid"}::text as booking, ${k.tags ?? "'{}'::text[]"} as tags
       from ${table} x ${joinProperty} ${k.from ?? ""}`,
  );
  return rows.map((r) => ({ ...r, label: `${r.properties.map((p) => labels.get(p) ?? "?").join("+") || "-"}:${r.label}` }));
}

// ---------------------------------------------------------------------------
// Identities, as the test becomes them.
// ---------------------------------------------------------------------------

interface Actor {
  identity: Identity;
  who: Who;
  sql: SqlRole;
  userId?: string;
  sessionId?: string;
  bookingId?: string;
  /** The staff role at each property (staff identities). */
  roles: Map<string, StaffRole>;
  /** The staff roles at properties of each organization. */
  orgRoles: Map<string, StaffRole[]>;
}

const ancestors: Record<SqlRole, SqlRole[]> = {
  anonymous: ["anonymous"], guest: ["anonymous", "guest"], staff: ["anonymous", "guest", "staff"],
  worker: ["worker"], analyst: ["analyst"], realtime: ["realtime"],
};
const whoOfSql: Record<SqlRole, Who[]> = {
  anonymous: ["anonymous", "booking"], guest: ["guest"], staff: ["staff"], worker: ["worker"], analyst: ["analyst"], realtime: ["realtime"],
};

let db: TestDatabase;
let world: World;
let groups: Record<StaffGroup, StaffRole[]>;
let actors: Record<Identity, Actor>;
const rowsOf = new Map<string, Row[]>();
const columnsOf = new Map<string, string[]>();
/** Mismatches per object (table, view or function), filled in beforeAll, asserted per object. */
const mismatches = new Map<string, string[]>();
let cases = 0;
const started = Date.now();

const note = (object: string, message: string) => {
  const list = mismatches.get(object) ?? [];
  list.push(message);
  mismatches.set(object, list);
};

function inGroup(actor: Actor, propertyId: string, group: StaffGroup): boolean {
  const role = actor.roles.get(propertyId);
  return !!role && groups[group].includes(role);
}

function reaches(scope: Scope, actor: Actor, row: Row): boolean {
  if (scope === "all") return true;
  if (scope === "published") return row.published;
  if (scope === "own") return (!!actor.userId && row.users.includes(actor.userId)) || (!!actor.bookingId && row.booking === actor.bookingId);
  const [group, suffix] = scope.split(":") as [StaffGroup, string | undefined];
  if (suffix === "org") return row.organizations.some((o) => (actor.orgRoles.get(o) ?? []).some((r) => groups[group].includes(r)));
  if (suffix && !row.tags.includes(suffix)) return false;
  return row.properties.some((p) => inGroup(actor, p, group));
}

const expectedRows = (rule: Rule | undefined, actor: Actor, rows: Row[]) => {
  const scopes = rule?.[actor.who] ?? [];
  return rows.filter((row) => scopes.some((s) => reaches(s, actor, row)));
};

// ---------------------------------------------------------------------------
// The spec as the database is today: the declaration with the deviations'
// "today" fields in place.
// ---------------------------------------------------------------------------

const tableToday = (name: string): TableSpec => ({
  ...(tables as Record<string, TableSpec>)[name]!,
  ...(deviations.find((d) => d.object === name)?.today as Partial<TableSpec> | undefined),
});
const functionToday = (name: string): FunctionSpec => ({
  ...(functions as Record<string, FunctionSpec>)[name]!,
  ...(deviations.find((d) => d.object === name)?.today as Partial<FunctionSpec> | undefined),
});

// ---------------------------------------------------------------------------
// Running statements as an identity.
// ---------------------------------------------------------------------------

type Outcome = { ok: true; rows: Array<Record<string, unknown>> } | { ok: false; code: string; message: string };

async function attempt(c: pg.ClientBase, sql: string, params: unknown[] = []): Promise<Outcome> {
  await c.query("savepoint probe");
  try {
    const { rows } = await c.query(sql, params);
    return { ok: true, rows };
  } catch (error) {
    const e = error as { code?: string; message: string };
    return { ok: false, code: e.code ?? "unknown", message: e.message };
  } finally {
    await c.query("rollback to savepoint probe");
  }
}

async function asActor<T>(actor: Actor, fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
  if (actor.sql === "analyst" || actor.sql === "realtime") {
    const client = new pg.Client({ connectionString: actor.sql === "analyst" ? db.analystUrl : db.replicationUrl });
    await client.connect();
    try {
      await client.query("begin read write");
      return await fn(client);
    } finally {
      await client.query("rollback").catch(() => {});
      await client.end();
    }
  }
  const client = await db.ownerPool.connect();
  try {
    await client.query("begin");
    await client.query(
      "select set_config('jwt.claims.session_id', $1, true), set_config('jwt.claims.reservation_id', $2, true), set_config('keepr.request_id', 'access-matrix', true)",
      [actor.sessionId ?? "", actor.bookingId ?? ""],
    );
    await client.query(`set local role ${sqlRoles[actor.sql]}`);
    return await fn(client);
  } finally {
    await client.query("rollback");
    client.release();
  }
}

const sorted = (keys: Iterable<string>) => [...keys].sort();
/** A refusal: no privilege, or (views) not updatable. */
const refused = (object: string, code: string) => code === "42501" || (code === "55000" && views.has(object));
const labelsOf = (table: string, keys: string[]) => {
  const rows = rowsOf.get(table) ?? [];
  return keys.map((k) => rows.find((r) => r.key === k)?.label ?? k).sort();
};

/** Compares rows an identity reached with the rows it should, by key. */
function compareRows(object: string, what: string, actor: Actor, outcome: Outcome, expected: string[]) {
  cases++;
  if (!outcome.ok) {
    if (expected.length === 0 && refused(object, outcome.code)) return;
    note(object, `${actor.identity} ${what}: ${outcome.code} ${outcome.message}; expected ${expected.length ? labelsOf(object, expected).join(", ") : "nothing"}`);
    return;
  }
  const got = sorted(outcome.rows.map((r) => String(r.key)));
  const want = sorted(expected);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    const extra = got.filter((k) => !want.includes(k));
    const missing = want.filter((k) => !got.includes(k));
    note(object, `${actor.identity} ${what}:${extra.length ? ` reaches ${labelsOf(object, extra).join(", ")}` : ""}${missing.length ? ` misses ${labelsOf(object, missing).join(", ")}` : ""}`);
  }
}

// ---------------------------------------------------------------------------
// Sample rows for inserts, per property.
// ---------------------------------------------------------------------------

function insertSample(table: string, p: Place): Record<string, unknown> | null {
  const base = { property_id: p.propertyId };
  switch (table) {
    case "app_public.channel_feeds": return { ...base, unit_id: p.unitIds[0], source: "other", name: "Sample feed", url: "https://example.com/sample.ics" };
    case "app_public.companies": return { ...base, name: "Sample company" };
    case "app_public.folio_extras": return { ...base, name: "Sample extra", unit_price: 100, currency: "EUR" };
    case "app_public.fees": return { ...base, name: "Sample fee", basis: "per_stay", amount: 500, currency: "EUR" };
    case "app_public.housekeeping_tasks": return { ...base, unit_id: p.unitIds[1], kind: "inspection", due_date: p.today };
    case "app_public.ledger_accounts": return { ...base, code: "9999", name: "Sample", kind: "expense" };
    case "app_public.notification_templates": return { ...base, template: "pre_arrival", channel: "email", language: "fr", subject: "Bientôt", body_text: "À bientôt" };
    case "app_public.owners": return { ...base, name: "Sample owner", commission_percent: 10 };
    case "app_public.properties":
      return { organization_id: p.organizationId, name: "Annex", slug: `annex-${randomUUID().slice(0, 8)}`, kind: "hotel", time_zone: "Europe/Lisbon", currency: "EUR", country_code: "PT", city: "Lisbon" };
    case "app_public.property_memberships": return { ...base, user_id: p.outsiderId, role: "front_desk" };
    case "app_public.rate_calendar": return { ...base, rate_plan_id: p.ratePlanId, date: addDays(p.today, 100), price: 100 };
    case "app_public.rate_plan_los_discounts": return { ...base, rate_plan_id: p.ratePlanId, min_nights: 30, percent_off: 20 };
    case "app_public.rate_plans": return { ...base, room_type_id: p.roomTypeId, name: "Sample plan", currency: "EUR", base_price: 100 };
    case "app_public.room_types": return { ...base, name: "Sample type", max_occupancy: 2 };
    case "app_public.taxes": return { ...base, name: "Sample tax", basis: "per_night", amount: 50, currency: "EUR" };
    case "app_public.units": return { ...base, room_type_id: p.roomTypeId, name: "Sample unit" };
    default: return null;
  }
}

const ident = (name: string) => pg.escapeIdentifier(name);
const qualified = (table: string) => table.split(".").map(ident).join(".");

async function checkTable(actor: Actor, c: pg.ClientBase, table: string) {
  const spec = tableToday(table);
  const rows = rowsOf.get(table);
  if (!rows) {
    // reporting and reference data: the identity reads every row or none.
    const outcome = await attempt(c, `select count(*)::int as n from ${table}`);
    const all = (spec.select[actor.who] ?? []).includes("all");
    cases++;
    const ownerCount = reportingCounts.get(table)!;
    if (all ? !(outcome.ok && outcome.rows[0]!.n === ownerCount) : !(!outcome.ok && outcome.code === "42501")) {
      note(table, `${actor.identity} select: ${outcome.ok ? `${outcome.rows[0]!.n} of ${ownerCount} rows` : outcome.code}; expected ${all ? "every row" : "42501"}`);
    }
    for (const [op, sql] of [["insert", `insert into ${table} default values`], ["update", `update ${table} set ${ident(columnsOf.get(table)![0]!)} = null`], ["delete", `delete from ${table}`]] as const) {
      const o = await attempt(c, sql);
      cases++;
      if (o.ok || !refused(table, o.code)) note(table, `${actor.identity} ${op}: ${o.ok ? "allowed" : o.code}; expected 42501`);
    }
    return;
  }
  const k = catalogs[table]!;
  const keyExpr = k.key.replace(/\bx\./g, "");
  const allKeys = rows.map((r) => r.key);

  // select: exactly the rows of the rule.
  compareRows(table, "select", actor, await attempt(c, `select ${keyExpr} as key from ${table}`), expectedRows(spec.select, actor, rows).map((r) => r.key));

  // columns it may not read: refused, when it reads the table at all.
  if (spec.hidden && ["anonymous", "guest", "staff"].includes(actor.sql) && (spec.select[actor.who] ?? []).length) {
    for (const column of spec.hidden) {
      const o = await attempt(c, `select ${ident(column)} from ${table} limit 1`);
      cases++;
      if (o.ok || o.code !== "42501") note(table, `${actor.identity} reads hidden column ${column}: ${o.ok ? "allowed" : o.code}`);
    }
  }

  // insert: a sample row for A and for B, allowed where the rule reaches that property.
  for (const place of [world.a, world.b]) {
    const sample = insertSample(table, place);
    const columns = spec.insert?.columns ?? [];
    let sql: string;
    let params: unknown[] = [];
    if (sample) {
      const names = [...new Set([...Object.keys(sample), ...columns])];
      params = names.filter((n) => n in sample).map((n) => sample[n]);
      let i = 0;
      sql = `insert into ${table} (${names.map(ident).join(", ")}) values (${names.map((n) => (n in sample ? `$${++i}` : "default")).join(", ")}) returning ${keyExpr} as key`;
    } else {
      sql = `insert into ${table} default values returning ${keyExpr} as key`;
    }
    const synthetic: Row = {
      key: place.label, label: place.label, properties: [place.propertyId], organizations: [place.organizationId],
      published: false, users: [], booking: null, tags: sample && "role" in sample && sample.role !== "owner" ? ["not_owner"] : [],
    };
    const allowed = expectedRows(spec.insert?.who, actor, [synthetic]).length > 0;
    const o = await attempt(c, sql, params);
    cases++;
    if (allowed ? !o.ok : o.ok || !refused(table, o.code)) {
      note(table, `${actor.identity} insert into ${place.label}: ${o.ok ? "allowed" : `${o.code} ${o.message}`}; expected ${allowed ? "allowed" : "42501"}`);
    }
  }

  // update: exactly the rows of the rule change.
  const column = spec.update?.columns?.[0] ?? plainColumnOf.get(table)!;
  compareRows(
    table, "update", actor,
    await attempt(c, `update ${table} set ${ident(column)} = ${ident(column)} where (${keyExpr}) = any($1) returning ${keyExpr} as key`, [allKeys]),
    expectedRows(spec.update?.who, actor, rows).map((r) => r.key),
  );

  // delete: the spare rows (nothing refers to them) of the rule go.
  const spareKeys = [world.a.spare[table], world.b.spare[table]].filter((s): s is string => !!s);
  const candidates = spareKeys.length ? rows.filter((r) => spareKeys.includes(r.key)) : rows;
  compareRows(
    table, "delete", actor,
    await attempt(c, `delete from ${table} where (${keyExpr}) = any($1) returning ${keyExpr} as key`, [candidates.map((r) => r.key)]),
    expectedRows(spec.delete?.who, actor, candidates).map((r) => r.key),
  );
}

// ---------------------------------------------------------------------------
// Function calls with property A's ids.
// ---------------------------------------------------------------------------

type Target = "guest" | "booking";
interface Built { sql: string; params: unknown[]; owner?: Target | null }
type Builder = (a: Place, target: Target) => Built;

const reservationOf = (a: Place, t: Target) => (t === "guest" ? a.res.guest : a.res.token);
const stayEnd = (a: Place, t: Target, extra: number) => addDays(a.today, (t === "guest" ? 12 : 14) + extra);
const own = (t: Target) => t;

const calls: Record<FunctionName, { call: Builder; variants?: Record<string, Builder> }> = {
  "app_public.register(text,text,text)": { call: () => ({ sql: "select app_public.register($1, 'violet-harbour-lantern', 'New Person')", params: [`new-${newKey()}@test.example`] }) },
  "app_public.login(text,text)": { call: () => ({ sql: "select app_public.login($1, $2)", params: [world.guest.email, fixturePassword] }) },
  "app_public.logout()": { call: () => ({ sql: "select app_public.logout()", params: [] }) },
  'app_public."current_user"()': { call: () => ({ sql: 'select * from app_public."current_user"()', params: [] }) },
  "app_public.request_guest_sign_in(text,text)": { call: () => ({ sql: "select app_public.request_guest_sign_in($1, 'pt')", params: [`matrix-${newKey()}@test.example`] }) },
  "app_public.complete_guest_sign_in(text)": { call: () => ({ sql: "select app_public.complete_guest_sign_in($1)", params: [world.guestSignInToken] }) },
  "app_public.current_guest_account()": { call: () => ({ sql: "select app_public.current_guest_account()", params: [] }) },
  "app_public.update_guest_account(text,text,text,text)": { call: () => ({ sql: "select app_public.update_guest_account('Ada Lovelace', null, 'PT', 'pt')", params: [] }) },
  "app_public.attach_booking(text,text)": { call: (a) => ({ sql: "select app_public.attach_booking($1, $2)", params: [a.token.code, a.token.email] }) },
  "app_public.my_bookings()": { call: () => ({ sql: "select * from app_public.my_bookings()", params: [] }) },
  "app_public.guest_booking_token(uuid)": { call: (a) => ({ sql: "select app_public.guest_booking_token($1)", params: [a.res.guest] }) },
  "app_public.lookup_booking(text,text)": { call: (a) => ({ sql: "select app_public.lookup_booking($1, $2)", params: [a.token.code, a.token.email] }) },
  "app_public.current_booking()": { call: () => ({ sql: "select * from app_public.current_booking()", params: [] }) },
  "app_public.property_by_slug(text)": { call: (a) => ({ sql: "select * from app_public.property_by_slug($1)", params: [a.slug] }) },
  "app_public.unit_calendar(text)": { call: (a) => ({ sql: "select * from app_public.unit_calendar($1)", params: [a.icalToken] }) },
  "app_public.search_availability(date,date,integer,integer,uuid,text,text,boolean,text,integer[])": {
    call: (a) => ({ sql: "select * from app_public.search_availability($1::date, $2::date, language => 'es')", params: [addDays(a.today, 5), addDays(a.today, 6)] }),
  },
  "app_public.nearest_stays(uuid[],date,date,integer,integer,integer)": {
    call: (a) => ({ sql: "select * from app_public.nearest_stays($1::uuid[], $2::date, $3::date)", params: [[a.ratePlanId], addDays(a.today, 5), addDays(a.today, 6)] }),
  },
  "app_public.room_type_held_until(uuid,date,date)": {
    call: (a) => ({ sql: "select app_public.room_type_held_until($1, $2::date, $3::date)", params: [a.ratePlanId, addDays(a.today, 5), addDays(a.today, 6)] }),
  },
  "app_public.quote(uuid,date,date,integer,integer,text,jsonb,integer[])": {
    call: (a) => ({ sql: "select * from app_public.quote($1, $2::date, $3::date, promo_code => 'welcome10', extras => '[]')", params: [a.ratePlanId, addDays(a.today, 5), addDays(a.today, 6)] }),
  },
  "app_public.bookable_extras(uuid,text)": { call: (a) => ({ sql: "select * from app_public.bookable_extras($1, 'pt')", params: [a.propertyId] }) },
  "app_public.create_hold(text,text,integer)": { call: (a) => ({ sql: "select * from app_public.create_hold($1, $2)", params: [a.quoteToken, newKey()] }) },
  "app_public.desk_quote(uuid,date,date,integer,integer,uuid,bigint,numeric,text,text,integer[])": {
    call: (a) => ({
      sql: "select * from app_public.desk_quote($1, $2::date, $3::date, discount_percent => 5, override_reason => 'Access test')",
      params: [a.ratePlanId, addDays(a.today, 5), addDays(a.today, 6)],
    }),
  },
  "app_public.create_desk_hold(text,text,integer)": { call: (a) => ({ sql: "select * from app_public.create_desk_hold($1, $2)", params: [a.deskQuoteToken, newKey()] }) },
  "app_public.reservations_rate_override(app_public.reservations)": {
    call: () => ({ sql: "select app_public.reservations_rate_override(null::app_public.reservations)", params: [] }),
  },
  "app_public.confirm_booking(uuid,text,text,text,text,text,text)": {
    // The signed-in guest's hold, or an anonymous hold, without a token.
    call: (a, t) => ({
      sql: "select * from app_public.confirm_booking($1, $2, 'Some One', 'some.one@example.com')",
      params: [t === "guest" ? a.holds.guest : a.holds.anon, newKey()],
      owner: t === "guest" ? "guest" : null,
    }),
    variants: {
      "with the hold token": (a) => ({
        sql: "select * from app_public.confirm_booking($1, $2, 'Some One', 'some.one@example.com', hold_token => $3)",
        params: [a.holds.anon, newKey(), a.holds.anonToken],
      }),
    },
  },
  "app_public.quote_group(app_public.group_room[],date,date,text)": {
    call: (a) => ({
      sql: "select total_amount from app_public.quote_group(array[row($1, 2, 0, null, null)::app_public.group_room, row($1, 1, 0, 'Second Guest', null)::app_public.group_room], $2::date, $3::date)",
      params: [a.ratePlanId, addDays(a.today, 5), addDays(a.today, 6)],
    }),
  },
  "app_public.create_group_hold(text,text,text,integer)": { call: (a) => ({ sql: "select * from app_public.create_group_hold($1, $2)", params: [a.groups.quoteToken, newKey()] }) },
  "app_public.confirm_group(uuid,text,text,text,text,text,text,text[])": {
    // Nobody's group but the front desk's and the token's: the anonymous hold, without its token.
    call: (a) => ({ sql: "select reservation_id from app_public.confirm_group($1, $2, 'Some One', 'some.one@example.com')", params: [a.groups.anonHeld, newKey()], owner: null }),
    variants: {
      "with the hold token": (a) => ({
        sql: "select reservation_id from app_public.confirm_group($1, $2, 'Some One', 'some.one@example.com', hold_token => $3)",
        params: [a.groups.anonHeld, newKey(), a.groups.anonToken],
      }),
    },
  },
  "app_public.cancel_group(uuid,text,text)": {
    call: (a, t) => ({
      sql: "select reservation_id from app_public.cancel_group($1, $2)",
      params: [t === "guest" ? a.groups.guest : a.groups.anonHeld, newKey()],
      owner: t === "guest" ? "guest" : null,
    }),
  },
  "app_public.set_room_guest_name(uuid,text)": {
    call: (a, t) => ({ sql: "select id from app_public.set_room_guest_name($1, 'Room Guest')", params: [reservationOf(a, t)], owner: own(t) }),
  },
  // The signed-in guest's confirmed group (nights 70 to 71), moved a night later or given a room: the guest's own
  // whatever the target (a room's booking token is refused).
  "app_public.quote_group_change(uuid,date,date)": {
    call: (a) => ({
      sql: "select difference from app_public.quote_group_change($1, $2::date, $3::date)",
      params: [a.groups.guest, addDays(a.today, 71), addDays(a.today, 72)],
      owner: "guest",
    }),
  },
  "app_public.change_group_dates(uuid,text,date,date)": {
    call: (a) => ({
      sql: "select reservation_id from app_public.change_group_dates($1, $2, $3::date, $4::date)",
      params: [a.groups.guest, newKey(), addDays(a.today, 71), addDays(a.today, 72)],
      owner: "guest",
    }),
  },
  "app_public.quote_group_room(uuid,uuid,integer,integer,integer[])": {
    call: (a) => ({
      sql: "select total_amount from app_public.quote_group_room($1, $2, 1)",
      params: [a.groups.guest, a.ratePlanId],
      owner: "guest",
    }),
  },
  "app_public.add_group_room(uuid,text,uuid,integer,integer,text,integer[])": {
    call: (a) => ({
      sql: "select reservation_id from app_public.add_group_room($1, $2, $3, 1)",
      params: [a.groups.guest, newKey(), a.ratePlanId],
      owner: "guest",
    }),
  },
  "app_public.room_combinations(uuid,date,date,integer,integer,integer,integer,integer[])": {
    call: (a) => ({ sql: "select rank from app_public.room_combinations($1, $2::date, $3::date, 5, 1)", params: [a.propertyId, addDays(a.today, 5), addDays(a.today, 6)] }),
  },
  "app_public.quote_change(uuid,date,date,integer,integer,integer[])": {
    call: (a, t) => ({ sql: "select * from app_public.quote_change($1, departure => $2::date)", params: [reservationOf(a, t), stayEnd(a, t, 1)], owner: own(t) }),
  },
  "app_public.modify_reservation(uuid,text,date,date,integer,integer,uuid,uuid,integer[])": {
    call: (a, t) => ({ sql: "select * from app_public.modify_reservation($1, $2, departure => $3::date)", params: [reservationOf(a, t), newKey(), stayEnd(a, t, 1)], owner: own(t) }),
  },
  "app_public.cancel_reservation(uuid,text,text)": {
    call: (a, t) => ({ sql: "select * from app_public.cancel_reservation($1, $2, 'Plans changed')", params: [reservationOf(a, t), newKey()], owner: own(t) }),
  },
  "app_public.update_property_content(uuid,timestamp with time zone,text,text[],text[],time without time zone,time without time zone,text,text,text,text,double precision,double precision,boolean,smallint,text,bigint,text,text,bigint,text,text,boolean,text)": {
    call: (a) => ({ sql: "select * from app_public.update_property_content($1, null, 'A description', '{}', '{}', '15:00', '11:00', null, null, null, 'en', 38.7, -9.1, true, null, 'on_request', 1500, 'night', 'paid', 2000, 'night', 'on_site', true, 'no')", params: [a.propertyId] }),
  },
  "app_public.create_promo_code(uuid,text,numeric,bigint,uuid[],date,date,date,date,integer)": {
    call: (a) => ({ sql: "select * from app_public.create_promo_code($1, 'ACCESS' || floor(random() * 1e9)::text, 10)", params: [a.propertyId] }),
  },
  "app_public.set_promo_code_active(uuid,boolean)": {
    call: (a) => ({ sql: "select * from app_public.set_promo_code_active($1, true)", params: [a.promoCodeId] }),
  },
  "app_public.set_property_translation(uuid,text,text,text)": {
    call: (a) => ({ sql: "select * from app_public.set_property_translation($1, 'es', 'Una descripción', null)", params: [a.propertyId] }),
  },
  "app_public.set_room_type_translation(uuid,text,text,text)": {
    call: (a) => ({ sql: "select * from app_public.set_room_type_translation($1, 'es', 'Doble', null)", params: [a.roomTypeId] }),
  },
  "app_public.set_rate_plan_translation(uuid,text,text,text)": {
    call: (a) => ({ sql: "select * from app_public.set_rate_plan_translation($1, 'es', 'Flexible', null)", params: [a.ratePlanId] }),
  },
  "app_public.set_extra_translation(uuid,text,text)": {
    call: (a) => ({ sql: "select * from app_public.set_extra_translation($1, 'es', 'Minibar')", params: [a.desk.extraId] }),
  },
  "app_public.set_fee_translation(uuid,text,text)": {
    call: (a) => ({ sql: "select * from app_public.set_fee_translation((select f.id from app_public.fees f where f.property_id = $1 order by f.name limit 1), 'es', 'Limpieza')", params: [a.propertyId] }),
  },
  "app_public.set_reservation_language(uuid,text)": {
    call: (a, t) => ({ sql: "select id from app_public.set_reservation_language($1, 'es')", params: [reservationOf(a, t)] }),
  },
  "app_public.room_types_name_in(app_public.room_types,text)": {
    call: () => ({ sql: "select app_public.room_types_name_in(null::app_public.room_types, 'pt')", params: [] }),
  },
  "app_public.room_types_description_in(app_public.room_types,text)": {
    call: () => ({ sql: "select app_public.room_types_description_in(null::app_public.room_types, 'pt')", params: [] }),
  },
  "app_public.rate_plans_name_in(app_public.rate_plans,text)": {
    call: () => ({ sql: "select app_public.rate_plans_name_in(null::app_public.rate_plans, 'pt')", params: [] }),
  },
  "app_public.rate_plans_description_in(app_public.rate_plans,text)": {
    call: () => ({ sql: "select app_public.rate_plans_description_in(null::app_public.rate_plans, 'pt')", params: [] }),
  },
  "app_public.fees_name_in(app_public.fees,text)": {
    call: () => ({ sql: "select app_public.fees_name_in(null::app_public.fees, 'pt')", params: [] }),
  },
  "app_public.properties_description_in(app_public.properties,text)": {
    call: () => ({ sql: "select app_public.properties_description_in(null::app_public.properties, 'pt')", params: [] }),
  },
  "app_public.properties_arrival_instructions_in(app_public.properties,text)": {
    call: () => ({ sql: "select app_public.properties_arrival_instructions_in(null::app_public.properties, 'pt')", params: [] }),
  },
  "app_public.set_do_not_disturb(uuid,boolean)": {
    call: (a) => ({ sql: "select * from app_public.set_do_not_disturb($1, true)", params: [a.res.inhouse] }),
  },
  "app_public.record_registration_card(uuid,text,app_public.identity_document_type,text,text,text,date,date,date,text)": {
    call: (a) => ({
      sql: "select * from app_public.record_registration_card($1, 'In House', 'national_id', 'Y7654321', 'PT', 'PT', '1980-01-01', '2020-01-01')",
      params: [a.res.inhouse],
    }),
  },
  "app_public.check_in(uuid,text,boolean,boolean)": {
    call: (a) => ({ sql: "select * from app_public.check_in($1, $2, acknowledge_unpaid => true)", params: [a.res.today, newKey()] }),
  },
  "app_public.check_out(uuid,text)": { call: (a) => ({ sql: "select * from app_public.check_out($1, $2)", params: [a.res.inhouse, newKey()] }) },
  "app_public.mark_no_show(uuid,text)": { call: (a) => ({ sql: "select * from app_public.mark_no_show($1, $2)", params: [a.res.today, newKey()] }) },
  "app_public.move_unit(uuid,uuid,text)": { call: (a) => ({ sql: "select * from app_public.move_unit($1, $2, $3)", params: [a.res.today, freeUnit, newKey()] }) },
  "app_public.create_block(uuid,date,date,app_public.claim_kind,text,text)": {
    call: (a) => ({ sql: "select * from app_public.create_block($1, $2::date, $3::date, 'maintenance_block', $4)", params: [a.unitIds[0], addDays(a.today, 40), addDays(a.today, 41), newKey()] }),
  },
  "app_public.release_block(uuid,text)": { call: (a) => ({ sql: "select * from app_public.release_block($1, $2)", params: [a.blockId, newKey()] }) },
  "app_public.reservation_history(uuid)": { call: (a) => ({ sql: "select * from app_public.reservation_history($1)", params: [a.res.guest] }) },
  "app_public.set_rates(uuid,date,date,text,bigint,integer,integer,boolean,boolean,boolean,integer[],boolean)": {
    call: (a) => ({ sql: "select app_public.set_rates($1, $2::date, $3::date, $4, price => 12345)", params: [a.ratePlanId, addDays(a.today, 1), addDays(a.today, 2), newKey()] }),
  },
  "app_public.rate_grid(uuid,date,date)": { call: (a) => ({ sql: "select * from app_public.rate_grid($1, $2::date, $3::date)", params: [a.propertyId, a.today, addDays(a.today, 7)] }) },
  "app_public.tape_chart_claims(uuid,date,date)": {
    call: (a) => ({ sql: "select * from app_public.tape_chart_claims($1, $2::date, $3::date)", params: [a.propertyId, a.today, addDays(a.today, 30)] }),
  },
  "app_public.front_desk_day(uuid,date)": { call: (a) => ({ sql: "select * from app_public.front_desk_day($1)", params: [a.propertyId] }) },
  "app_public.payment_due_reservations(uuid)": { call: (a) => ({ sql: "select * from app_public.payment_due_reservations($1)", params: [a.propertyId] }) },
  "app_public.search_reservations(uuid,text,boolean)": { call: (a) => ({ sql: "select * from app_public.search_reservations($1)", params: [a.propertyId] }) },
  "app_public.reservation_timeline(uuid)": { call: (a) => ({ sql: "select * from app_public.reservation_timeline($1)", params: [a.res.guest] }) },
  "app_public.update_reservation_guest(uuid,text,text,text)": {
    call: (a) => ({ sql: "select * from app_public.update_reservation_guest($1, 'Some One', $2)", params: [a.res.guest, `some.one.${newKey()}@example.com`] }),
  },
  "app_public.search_guests(uuid,text)": { call: (a) => ({ sql: "select * from app_public.search_guests($1)", params: [a.propertyId] }) },
  "app_public.update_guest(uuid,text,text,text,boolean,text,text)": {
    call: (a) => ({ sql: "select * from app_public.update_guest($1, 'Some One', $2, notes => 'A note')", params: [a.guests.keep, `some.one.${newKey()}@example.com`] }),
  },
  "app_public.merge_guests(uuid,uuid)": { call: (a) => ({ sql: "select * from app_public.merge_guests($1, $2)", params: [a.guests.keep, a.guests.dupe] }) },
  "app_public.undo_guest_merge(uuid)": { call: (a) => ({ sql: "select * from app_public.undo_guest_merge($1)", params: [a.guests.merge] }) },
  "app_public.guests_stays_count(app_public.guests)": { call: () => ({ sql: "select app_public.guests_stays_count(null::app_public.guests)", params: [] }) },
  "app_public.guests_nights_count(app_public.guests)": { call: () => ({ sql: "select app_public.guests_nights_count(null::app_public.guests)", params: [] }) },
  "app_public.guests_total_spend(app_public.guests)": { call: () => ({ sql: "select app_public.guests_total_spend(null::app_public.guests)", params: [] }) },
  "app_public.guests_duplicates(app_public.guests)": { call: () => ({ sql: "select * from app_public.guests_duplicates(null::app_public.guests)", params: [] }) },
  "app_public.guests_merges(app_public.guests)": { call: () => ({ sql: "select * from app_public.guests_merges(null::app_public.guests)", params: [] }) },
  "app_public.reservations_arrival(app_public.reservations)": { call: () => ({ sql: "select app_public.reservations_arrival(null::app_public.reservations)", params: [] }) },
  "app_public.reservations_hold_state(app_public.reservations)": { call: () => ({ sql: "select app_public.reservations_hold_state(null::app_public.reservations)", params: [] }) },
  "app_public.reservations_departure(app_public.reservations)": { call: () => ({ sql: "select app_public.reservations_departure(null::app_public.reservations)", params: [] }) },
  "app_public.reservations_nights(app_public.reservations)": { call: () => ({ sql: "select app_public.reservations_nights(null::app_public.reservations)", params: [] }) },
  "app_public.reservations_change_refusal(app_public.reservations)": {
    call: () => ({ sql: "select app_public.reservations_change_refusal(null::app_public.reservations)", params: [] }),
  },
  "app_public.reservations_cancellation_penalty_now(app_public.reservations)": {
    call: () => ({ sql: "select app_public.reservations_cancellation_penalty_now(null::app_public.reservations)", params: [] }),
  },
  "app_public.booking_groups_total_amount(app_public.booking_groups)": {
    call: () => ({ sql: "select app_public.booking_groups_total_amount(null::app_public.booking_groups)", params: [] }),
  },
  "app_public.reservations_folio(app_public.reservations)": { call: () => ({ sql: "select app_public.reservations_folio(null::app_public.reservations)", params: [] }) },
  "app_public.folios_due_at_check_out(app_public.folios)": { call: () => ({ sql: "select app_public.folios_due_at_check_out(null::app_public.folios)", params: [] }) },
  "app_public.cash_shifts_expected_cash(app_public.cash_shifts)": { call: () => ({ sql: "select app_public.cash_shifts_expected_cash(null::app_public.cash_shifts)", params: [] }) },
  "app_public.companies_folio(app_public.companies)": { call: () => ({ sql: "select app_public.companies_folio(null::app_public.companies)", params: [] }) },
  "app_public.reservations_unpaid_prepayment(app_public.reservations)": {
    call: () => ({ sql: "select app_public.reservations_unpaid_prepayment(null::app_public.reservations)", params: [] }),
  },
  "app_public.reservations_no_show_from(app_public.reservations)": {
    call: () => ({ sql: "select app_public.reservations_no_show_from(null::app_public.reservations)", params: [] }),
  },
  "app_public.reservations_card_on_file(app_public.reservations)": {
    call: () => ({ sql: "select app_public.reservations_card_on_file(null::app_public.reservations)", params: [] }),
  },
  "app_public.inventory_claims_start_date(app_public.inventory_claims)": {
    call: () => ({ sql: "select app_public.inventory_claims_start_date(null::app_public.inventory_claims)", params: [] }),
  },
  "app_public.inventory_claims_end_date(app_public.inventory_claims)": {
    call: () => ({ sql: "select app_public.inventory_claims_end_date(null::app_public.inventory_claims)", params: [] }),
  },
  "app_public.pay(uuid,text,text)": {
    call: (a, t) => ({ sql: "select * from app_public.pay($1, 'tok_matrix_visa', $2)", params: [t === "guest" ? a.intents.guestBalance : a.intents.token, newKey()], owner: own(t) }),
  },
  "app_public.attach_payment_method(uuid,text,text,text,text)": {
    call: (a, t) => ({ sql: "select * from app_public.attach_payment_method($1, 'tok_matrix_card', $2, 'visa', '4242')", params: [reservationOf(a, t), newKey()], owner: own(t) }),
  },
  "app_public.charge_card_on_file(uuid,bigint,text)": {
    call: (a) => ({ sql: "select * from app_public.charge_card_on_file($1, 1500, $2)", params: [a.res.guest, newKey()] }),
  },
  "app_public.extend_payment_deadline(uuid,timestamp with time zone,text,text)": {
    call: (a) => ({ sql: "select * from app_public.extend_payment_deadline($1, now() + interval '2 days', 'Matrix', $2)", params: [a.res.today, newKey()] }),
  },
  "app_public.waive_payment_guarantee(uuid,text,text)": {
    call: (a) => ({ sql: "select * from app_public.waive_payment_guarantee($1, 'Matrix', $2)", params: [a.res.today, newKey()] }),
  },
  "app_public.refund_payment(uuid,bigint,text,text)": {
    call: (a) => ({ sql: "select * from app_public.refund_payment($1, 100, 'Matrix', $2)", params: [a.intents.guestDeposit, newKey()] }),
  },
  "app_public.issue_invoice(uuid,text)": { call: (a) => ({ sql: "select * from app_public.issue_invoice($1, $2)", params: [a.folios.today, newKey()] }) },
  "app_public.issue_credit_note(uuid,text,text)": { call: (a) => ({ sql: "select * from app_public.issue_credit_note($1, 'Matrix', $2)", params: [a.invoiceId, newKey()] }) },
  "app_public.set_property_legal_details(uuid,text,text,text,text,text,text,text,text,text,text,text,text)": {
    call: (a) => ({
      sql: "select * from app_public.set_property_legal_details($1, 'Matrix Lda', 'Rua 1', null, '1100-001', 'Lisboa', 'PT', 'PT500000000', null, null, null, null, $2)",
      params: [a.propertyId, newKey()],
    }),
  },
  "app_public.set_folio_bill_to(uuid,text,text,text,text,text,text,text,text,text)": {
    call: (a) => ({ sql: "select * from app_public.set_folio_bill_to($1, 'Matrix GmbH', null, null, null, null, 'DE', 'DE1', null, $2)", params: [a.folios.today, newKey()] }),
  },
  "app_public.folios_bill_to(app_public.folios)": { call: () => ({ sql: "select app_public.folios_bill_to(null::app_public.folios)", params: [] }) },
  "app_public.send_invoice(uuid,text,text)": { call: (a) => ({ sql: "select * from app_public.send_invoice($1, 'matrix@example.com', $2)", params: [a.invoiceId, newKey()] }) },
  "app_public.post_folio_charge(uuid,uuid,integer,text,text)": {
    call: (a) => ({ sql: "select * from app_public.post_folio_charge($1, $2, 2, 'Matrix', $3)", params: [a.folios.today, a.desk.extraId, newKey()] }),
  },
  "app_public.post_folio_allowance(uuid,bigint,text,text)": {
    call: (a) => ({ sql: "select * from app_public.post_folio_allowance($1, 100, 'Matrix', $2)", params: [a.folios.today, newKey()] }),
  },
  "app_public.correct_folio_entry(uuid,uuid,text,text)": {
    call: (a) => ({ sql: "select * from app_public.correct_folio_entry($1, $2, 'Matrix', $3)", params: [a.desk.chargeEntryId, a.folios.today, newKey()] }),
  },
  "app_public.take_folio_payment(uuid,app_public.desk_payment_method,bigint,text,text)": {
    call: (a) => ({ sql: "select * from app_public.take_folio_payment($1, 'bank_transfer', 100, 'Matrix', $2)", params: [a.folios.today, newKey()] }),
  },
  "app_public.refund_folio_payment(uuid,app_public.desk_payment_method,bigint,text,boolean,text)": {
    call: (a) => ({ sql: "select * from app_public.refund_folio_payment($1, 'bank_transfer', 100, 'Matrix', false, $2)", params: [a.folios.token, newKey()] }),
    variants: {
      goodwill: (a) => ({ sql: "select * from app_public.refund_folio_payment($1, 'bank_transfer', 100, 'Matrix', true, $2)", params: [a.folios.today, newKey()] }),
    },
  },
  "app_public.open_cash_shift(uuid,bigint,text)": { call: (a) => ({ sql: "select * from app_public.open_cash_shift($1, 0, $2)", params: [a.propertyId, newKey()] }) },
  "app_public.close_cash_shift(uuid,bigint,text,text)": {
    call: (a) => ({ sql: "select * from app_public.close_cash_shift($1, 5450, null, $2)", params: [a.desk.shiftId, newKey()] }),
  },
  "app_public.create_folio(uuid,text,uuid,text)": {
    call: (a) => ({ sql: "select * from app_public.create_folio($1, 'Matrix', $2, $3)", params: [a.res.today, a.desk.companyId, newKey()] }),
  },
  "app_public.route_folio_postings(uuid,uuid,uuid[],text)": {
    call: (a) => ({ sql: "select * from app_public.route_folio_postings($1, $2, $3::uuid[], $4)", params: [a.folios.today, a.desk.extraFolioId, [a.desk.chargeEntryId], newKey()] }),
  },
  "app_public.transfer_folio_to_city_ledger(uuid,uuid,text)": {
    call: (a) => ({ sql: "select * from app_public.transfer_folio_to_city_ledger($1, $2, $3)", params: [a.folios.today, a.desk.companyId, newKey()] }),
  },
  "app_public.ar_aging(uuid,date)": { call: (a) => ({ sql: "select * from app_public.ar_aging($1, $2::date)", params: [a.propertyId, a.today] }) },
  "app_public.folio_list(uuid,app_public.folio_status,boolean)": { call: (a) => ({ sql: "select * from app_public.folio_list($1)", params: [a.propertyId] }) },
  "app_public.journal_entries_between(uuid,date,date,uuid)": { call: (a) => ({ sql: "select * from app_public.journal_entries_between($1)", params: [a.propertyId] }) },
  "app_public.run_payouts(uuid,date,text)": { call: (a) => ({ sql: "select * from app_public.run_payouts($1, $2::date, $3)", params: [a.propertyId, a.today, newKey()] }) },
  "app_public.mark_payout_paid(uuid,text)": { call: (a) => ({ sql: "select * from app_public.mark_payout_paid($1, $2)", params: [a.payoutId, newKey()] }) },
  "app_public.owner_statement(uuid,date,date)": {
    call: (a) => ({ sql: "select * from app_public.owner_statement($1, $2::date, $3::date)", params: [a.ownerId, addDays(a.today, -1), addDays(a.today, 30)] }),
  },
  "app_public.run_night_audit(uuid)": { call: (a) => ({ sql: "select * from app_public.run_night_audit($1)", params: [a.propertyId] }) },
  "app_public.occupancy_report(uuid,date,date)": {
    call: (a) => ({ sql: "select * from app_public.occupancy_report($1, $2::date, $3::date)", params: [a.propertyId, a.today, addDays(a.today, 7)] }),
  },
  "app_public.on_the_books_report(uuid,date,date,timestamp with time zone)": {
    call: (a) => ({ sql: "select * from app_public.on_the_books_report($1, $2::date, $3::date, now())", params: [a.propertyId, a.today, addDays(a.today, 7)] }),
  },
  "app_public.pickup_report(uuid,date,date)": {
    call: (a) => ({ sql: "select * from app_public.pickup_report($1, $2::date, $3::date)", params: [a.propertyId, a.today, addDays(a.today, 7)] }),
  },
  "app_public.city_tax_report(uuid,date,date)": {
    call: (a) => ({ sql: "select * from app_public.city_tax_report($1, $2::date, $3::date)", params: [a.propertyId, a.today, addDays(a.today, 31)] }),
  },
  "app_public.channel_revenue_report(uuid,date,date)": {
    call: (a) => ({ sql: "select * from app_public.channel_revenue_report($1, $2::date, $3::date)", params: [a.propertyId, a.today, addDays(a.today, 7)] }),
  },
  "app_public.request_export(uuid,app_public.export_kind,date,date)": {
    call: (a) => exportCall(a, "reservations"),
    variants: { guests: (a) => exportCall(a, "guests"), ledger: (a) => exportCall(a, "ledger"), occupancy: (a) => exportCall(a, "occupancy") },
  },
  "app_public.sync_channel_feed_now(uuid)": { call: (a) => ({ sql: "select * from app_public.sync_channel_feed_now($1)", params: [a.feedId] }) },
  "app_public.resolve_channel_conflict(uuid,text)": { call: (a) => ({ sql: "select * from app_public.resolve_channel_conflict($1, 'Blocked on Airbnb')", params: [a.conflictId] }) },
  "app_public.pin_reservation_unit(uuid,boolean)": { call: (a) => ({ sql: "select * from app_public.pin_reservation_unit($1, true)", params: [a.res.today] }) },
  "app_public.accept_channel_feed_change(uuid)": { call: (a) => ({ sql: "select * from app_public.accept_channel_feed_change($1)", params: [a.feedId] }) },
  // The feed row built by hand, not read through row-level security: the function's own guard decides.
  "app_public.channel_feeds_pending_change(app_public.channel_feeds)": {
    call: (a) => ({
      sql: `select p.* from app_public.channel_feeds_pending_change(
              jsonb_populate_record(null::app_public.channel_feeds, jsonb_build_object('id', $1::uuid, 'property_id', $2::uuid))) p
             where p.reason is not null`,
      params: [a.feedId, a.propertyId],
    }),
  },
  "app_public.channel_reconciliation(uuid)": { call: (a) => ({ sql: "select * from app_public.channel_reconciliation($1)", params: [a.propertyId] }) },
  "app_public.open_channel_conflicts(uuid)": { call: (a) => ({ sql: "select * from app_public.open_channel_conflicts($1)", params: [a.propertyId] }) },
  "app_public.housekeeping_board(uuid,date)": { call: (a) => ({ sql: "select * from app_public.housekeeping_board($1)", params: [a.propertyId] }) },
  "app_public.housekeeping_stays(uuid,date)": { call: (a) => ({ sql: "select * from app_public.housekeeping_stays($1)", params: [a.propertyId] }) },
  "app_public.set_unit_status(uuid,app_public.housekeeping_status,text)": {
    call: (a) => ({ sql: "select * from app_public.set_unit_status($1, 'clean')", params: [a.unitIds[3]] }),
  },
  "app_public.assign_housekeeping_task(uuid,uuid)": { call: (a) => ({ sql: "select * from app_public.assign_housekeeping_task($1, null)", params: [a.taskId] }) },
  "app_public.assign_housekeeping_tasks(uuid[],uuid)": { call: (a) => ({ sql: "select * from app_public.assign_housekeeping_tasks(array[$1::uuid], null)", params: [a.taskId] }) },
  "app_public.set_housekeeping_task_priority(uuid,app_public.housekeeping_priority)": {
    call: (a) => ({ sql: "select * from app_public.set_housekeeping_task_priority($1, 'high')", params: [a.taskId] }),
  },
  "app_public.update_housekeeping_task(uuid,app_public.housekeeping_task_status,text)": {
    call: (a) => ({ sql: "select * from app_public.update_housekeeping_task($1, 'in_progress')", params: [a.taskId] }),
    variants: { cancelled: (a) => ({ sql: "select * from app_public.update_housekeeping_task($1, 'cancelled')", params: [a.taskId] }) },
  },
};

function exportCall(a: Place, kind: string): Built {
  return { sql: "select * from app_public.request_export($1, $2::app_public.export_kind, $3::date, $4::date)", params: [a.propertyId, kind, addDays(a.today, -30), a.today] };
}

function expectedCall(rule: Call, fn: FunctionSpec, actor: Actor, built: Built): string {
  if (!fn.execute.includes(actor.sql)) return "42501";
  const fails = fn.fails?.[actor.identity];
  if (fails) return fails;
  if ("anyone" in rule) return "ok";
  if ("guestAccount" in rule) return rule.guestAccount === "LOGIN" ? "LOGIN" : "empty";
  const a = world.a.propertyId;
  if ("rows" in rule) return inGroup(actor, a, rule.rows) ? "rows" : "empty";
  if (inGroup(actor, a, rule.guard)) return "ok";
  if (rule.own && built.owner && built.owner === actor.identity) return "ok";
  if (actor.roles.has(a)) return rule.refusal ?? "DNIED";
  return "NTFND";
}

async function checkFunction(actor: Actor, c: pg.ClientBase, name: FunctionName) {
  const fn = functionToday(name);
  const builders = calls[name];
  const runs: Array<[string, Call, Builder]> = [["", fn.call, builders.call]];
  for (const [variant, call] of Object.entries(fn.variants ?? {})) runs.push([variant, call, builders.variants![variant]!]);
  for (const [variant, rule, build] of runs) {
    const targets: Target[] = "guard" in rule && rule.own ? ["guest", "booking"] : ["guest"];
    for (const target of targets) {
      const built = build(world.a, target);
      const expected = expectedCall(rule, fn, actor, built);
      const o = await attempt(c, built.sql, built.params);
      const reads = "rows" in rule || ("guestAccount" in rule && rule.guestAccount === "none");
      const got = o.ok ? (reads ? (o.rows.length ? "rows" : "empty") : "ok") : o.code;
      cases++;
      if (got !== expected) {
        const what = [variant, targets.length > 1 ? `${target}'s booking` : ""].filter(Boolean).join(", ");
        note(name, `${actor.identity}${what ? ` (${what})` : ""}: ${got}${o.ok ? "" : ` ${o.message}`}; expected ${expected}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Setup: the world, the groups, the catalog, then every identity's checks.
// ---------------------------------------------------------------------------

/** app_public tables of rows of no property (reference data, written by migrations): read like reporting's views, every row or none. */
const referenceData = new Set(["app_public.languages"]);
const reportingCounts = new Map<string, number>();
/** A column each table may be updated to itself in (not an identity or generated one). */
const plainColumnOf = new Map<string, string>();
const views = new Set<string>();
/** A unit of A free for the walk-in's stay (for move_unit). */
let freeUnit = "";
let dbTables: string[] = [];
let dbFunctions: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  world = await buildWorld(db.ownerPool);
  const owner = await db.ownerPool.connect();
  try {
    groups = {} as Record<StaffGroup, StaffRole[]>;
    for (const g of staffGroupNames) {
      const { rows } = await owner.query<{ roles: string }>("select app_hidden.staff_group_roles($1)::text[] as roles", [g]);
      groups[g] = (rows[0]!.roles as unknown as StaffRole[]) ?? [];
    }
    dbTables = (await owner.query<{ name: string }>(
      `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where (n.nspname = 'app_public' and c.relkind in ('r', 'v', 'm', 'p', 'f')) or (n.nspname = 'reporting' and c.relkind in ('r', 'v', 'm'))
        order by 1`,
    )).rows.map((r) => r.name);
    dbFunctions = (await owner.query<{ name: string }>(
      "select p.oid::regprocedure::text as name from pg_proc p where p.pronamespace = 'app_public'::regnamespace order by 1",
    )).rows.map((r) => r.name);
    for (const table of Object.keys(tables)) {
      columnsOf.set(table, (await owner.query<{ attname: string }>(
        "select attname from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum", [table],
      )).rows.map((r) => r.attname));
      plainColumnOf.set(table, (await owner.query<{ attname: string }>(
        "select attname from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped and attidentity = '' and attgenerated = '' order by attnum limit 1", [table],
      )).rows[0]!.attname);
      if ((await owner.query("select 1 from pg_class where oid = $1::regclass and relkind = 'v'", [table])).rowCount) views.add(table);
      if (table.startsWith("reporting.") || referenceData.has(table)) {
        reportingCounts.set(table, (await owner.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n);
      } else if (catalogs[table]) {
        rowsOf.set(table, await readCatalog(owner, table, world.labels));
      }
    }
    freeUnit = (await owner.query<{ id: string }>(
      `select u.id from app_public.units u
        where u.property_id = $1 and u.is_active and not exists (
          select 1 from app_public.inventory_claims c
           where c.unit_id = u.id and c.released_at is null and c.stay && (select r.stay from app_public.reservations r where r.id = $2))
        order by u.name limit 1`,
      [world.a.propertyId, world.a.res.today],
    )).rows[0]!.id;
  } finally {
    owner.release();
  }

  const a = world.a;
  const b = world.b;
  const staffActor = (identity: Identity, place: Place, role: StaffRole): Actor => ({
    identity, who: "staff", sql: "staff", userId: place.staff[role], sessionId: world.sessions.get(place.staff[role]),
    roles: new Map([[place.propertyId, role]]), orgRoles: new Map([[place.organizationId, [role]]]),
  });
  const plain = (identity: Identity, extra: Partial<Actor> = {}): Actor => ({
    identity, who: identities[identity].who, sql: identities[identity].sql, roles: new Map(), orgRoles: new Map(), ...extra,
  });
  actors = {
    anonymous: plain("anonymous"),
    booking: plain("booking", { bookingId: a.res.token }),
    guest: plain("guest", { userId: world.guest.id, sessionId: world.sessions.get(world.guest.id) }),
    owner: staffActor("owner", a, "owner"),
    manager: staffActor("manager", a, "manager"),
    front_desk: staffActor("front_desk", a, "front_desk"),
    housekeeping: staffActor("housekeeping", a, "housekeeping"),
    housekeeping_supervisor: staffActor("housekeeping_supervisor", a, "housekeeping_supervisor"),
    accountant: staffActor("accountant", a, "accountant"),
    other_staff: staffActor("other_staff", b, "owner"),
    worker: plain("worker"),
    analyst: plain("analyst"),
    realtime: plain("realtime"),
  };

  for (const identity of identityNames) {
    await asActor(actors[identity], async (c) => {
      for (const table of Object.keys(tables)) await checkTable(actors[identity], c, table);
      for (const fn of Object.keys(functions) as FunctionName[]) await checkFunction(actors[identity], c, fn);
    });
  }
}, 120_000);

afterAll(async () => {
  console.log(`[access matrix] ${cases} cases, ${Object.keys(tables).length} tables and views, ${Object.keys(functions).length} functions, ${identityNames.length} identities, ${Date.now() - started} ms`);
  await db?.drop();
});

// ---------------------------------------------------------------------------
// The assertions.
// ---------------------------------------------------------------------------

describe("the declaration covers the database", () => {
  it("every app_public table and view and every reporting view has an entry, and every entry exists", () => {
    expect({ missing: dbTables.filter((t) => !(t in tables)), stale: Object.keys(tables).filter((t) => !dbTables.includes(t)) }).toEqual({ missing: [], stale: [] });
  });

  it("every app_public function has an entry (by its exact signature), and every entry exists", () => {
    expect({ missing: dbFunctions.filter((f) => !(f in functions)), stale: Object.keys(functions).filter((f) => !dbFunctions.includes(f)) }).toEqual({ missing: [], stale: [] });
  });

  it("every deviation names an object and changes what is expected of it", () => {
    for (const d of deviations) {
      expect([d.object, d.object in tables || d.object in functions]).toEqual([d.object, true]);
      const should = (d.object in tables ? (tables as Record<string, unknown>) : (functions as Record<string, unknown>))[d.object] as Record<string, unknown>;
      const changed = Object.entries(d.today).filter(([k, v]) => JSON.stringify(should[k]) !== JSON.stringify(v));
      expect([d.object, changed.length > 0]).toEqual([d.object, true]);
    }
  });
});

describe("rows and columns: select, insert, update, delete", () => {
  it.each(Object.keys(tables))("%s", (table) => {
    expect(mismatches.get(table) ?? []).toEqual([]);
  });
});

describe("functions: execute, and what a call with property A's ids does", () => {
  it.each(Object.keys(functions))("%s", (fn) => {
    expect(mismatches.get(fn) ?? []).toEqual([]);
  });
});

describe("grants", () => {
  const roles = Object.keys(sqlRoles) as SqlRole[];
  /** Whether a role, or one it inherits from, has an identity the rule gives anything to. */
  const reached = (rule: Rule | undefined, role: SqlRole) => ancestors[role].some((r) => whoOfSql[r].some((w) => (rule?.[w] ?? []).length > 0));

  it.each(Object.keys(tables))("%s: each role may read and write exactly the declared columns", async (table) => {
    const spec = tableToday(table);
    const columns = columnsOf.get(table)!;
    const { rows: privileges } = await db.ownerPool.query<{ role: string; what: string; column: string; ok: boolean }>(
      `select r as role, w as what, c as column,
              case when w = 'DELETE' then has_table_privilege(r, $1, w) else has_column_privilege(r, $1, c, w) end as ok
         from unnest($2::text[]) r, unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) w, unnest($3::text[]) c`,
      [table, Object.values(sqlRoles), columns],
    );
    const found: Record<string, Record<string, string[]>> = {};
    const wanted: Record<string, Record<string, string[]>> = {};
    for (const role of roles) {
      const api = ["anonymous", "guest", "staff"].includes(role);
      const reads = reached(spec.select, role) || ancestors[role].some((r) => spec.idleSelect?.includes(r));
      const want: Record<string, string[]> = {
        SELECT: reads ? columns.filter((c) => !(api && spec.hidden?.includes(c))) : [],
        INSERT: reached(spec.insert?.who, role) ? [...(spec.insert?.columns ?? columns)] : [],
        UPDATE: reached(spec.update?.who, role) ? [...(spec.update?.columns ?? columns)] : [],
      };
      const got: Record<string, string[]> = { SELECT: [], INSERT: [], UPDATE: [] };
      for (const what of Object.keys(got)) {
        got[what] = privileges.filter((p) => p.role === sqlRoles[role] && p.what === what && p.ok).map((p) => p.column).sort();
        want[what]!.sort();
        cases++;
      }
      const del = privileges.some((p) => p.role === sqlRoles[role] && p.what === "DELETE" && p.ok);
      got.DELETE = del ? ["(table)"] : [];
      want.DELETE = reached(spec.delete?.who, role) ? ["(table)"] : [];
      cases++;
      found[role] = got;
      wanted[role] = want;
    }
    expect(found).toEqual(wanted);
  });

  it.each(Object.keys(functions))("%s: EXECUTE is held by exactly the declared roles", async (fn) => {
    const spec = functionToday(fn);
    const { rows } = await db.ownerPool.query<{ role: SqlRole; ok: boolean }>(
      "select r.role, has_function_privilege(r.name, $1::regprocedure, 'execute') as ok from unnest($2::text[], $3::text[]) r(role, name)",
      [fn, Object.keys(sqlRoles), Object.values(sqlRoles)],
    );
    cases += rows.length;
    expect(rows.filter((r) => r.ok).map((r) => r.role).sort()).toEqual([...spec.execute].sort());
  });
});

describe("staff role groups", () => {
  it("every policy, function and view names a group: no set of staff roles is spelled out but in app_hidden.staff_group_roles", async () => {
    const role = "(owner|manager|front_desk|housekeeping|housekeeping_supervisor|accountant)";
    const patterns = [
      `'\\{[^}']*\\m${role}\\M[^}']*\\}'`, // '{owner,manager}'
      `array\\s*\\[\\s*'${role}'`, // array['owner', ...]
      `\\min\\s*\\(\\s*'${role}'\\s*,`, // in ('owner', 'manager')
    ];
    const { rows } = await db.ownerPool.query<{ object: string }>(
      `with bodies as (
         select n.nspname || '.' || p.proname || '()' as object, p.prosrc as body
           from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname in ('app_public', 'app_hidden', 'app_private', 'audit', 'reporting')
            and p.oid <> 'app_hidden.staff_group_roles(text)'::regprocedure
         union all
         select 'policy ' || schemaname || '.' || tablename || '.' || policyname, coalesce(qual, '') || ' ' || coalesce(with_check, '')
           from pg_policies
         union all
         select 'view ' || schemaname || '.' || viewname, definition from pg_views where schemaname in ('app_public', 'reporting')
       )
       select object from bodies where body ~* any ($1::text[]) order by 1`,
      [patterns],
    );
    expect(rows.map((r) => r.object)).toEqual([]);
    // The patterns do find what they are for.
    const samples = ["require_staff(p, '{owner,manager}', 'x')", "role = any (array['front_desk', 'accountant'])", "m.role in ('housekeeping', 'owner')"];
    const found = await db.ownerPool.query<{ hit: boolean }>("select s ~* any ($1::text[]) as hit from unnest($2::text[]) s", [patterns, samples]);
    expect(found.rows.map((r) => r.hit)).toEqual([true, true, true]);
    const misses = ["kind in ('owner_block', 'maintenance_block')", "m.role = 'owner'", "staff_group_roles('cashiers')"];
    const quiet = await db.ownerPool.query<{ hit: boolean }>("select s ~* any ($1::text[]) as hit from unnest($2::text[]) s", [patterns, misses]);
    expect(quiet.rows.map((r) => r.hit)).toEqual([false, false, false]);
  });

  it("the SQL declares exactly the groups the declaration names", async () => {
    const { rows } = await db.ownerPool.query<{ name: string }>(
      "select (regexp_matches(prosrc, 'when ''(\\w+)'' then', 'g'))[1] as name from pg_proc where oid = 'app_hidden.staff_group_roles(text)'::regprocedure",
    );
    expect(rows.map((r) => r.name).sort()).toEqual([...staffGroupNames].sort());
    for (const g of staffGroupNames) expect([g, groups[g].length > 0, groups[g].every((r) => staffRoles.includes(r))]).toEqual([g, true, true]);
  });

  it("the console's staff groups (admin/src/platform/access.ts) are the SQL's, by name and roles", () => {
    const consoleGroups = (consoleAccess as { staffGroups?: Record<string, readonly string[]> }).staffGroups;
    expect(consoleGroups).toBeDefined();
    const asSets = (g: Record<string, readonly string[]>) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k, [...v].sort()]).sort());
    expect(asSets(consoleGroups!)).toEqual(asSets(groups));
  });
});

describe("docs/security.md", () => {
  it("holds the generated table of who sees and does what", () => {
    const path = new URL("../../docs/security.md", import.meta.url);
    const text = readFileSync(path, "utf8");
    const start = text.indexOf(accessTableStart);
    const end = text.indexOf(accessTableEnd);
    expect([start >= 0, end > start]).toEqual([true, true]);
    const rendered = `${accessTableStart}\n${renderAccessTable(groups)}\n${accessTableEnd}`;
    const current = text.slice(start, end + accessTableEnd.length);
    if (process.env.KEEPR_WRITE_ACCESS_TABLE && current !== rendered) {
      // Re-read just before writing: others edit other sections of this file.
      const latest = readFileSync(path, "utf8");
      writeFileSync(path, latest.slice(0, latest.indexOf(accessTableStart)) + rendered + latest.slice(latest.indexOf(accessTableEnd) + accessTableEnd.length));
      return;
    }
    expect(current).toBe(rendered);
  });
});
