// postgres_changes end to end: synthetic transactions handed to publish()
// reach the official client's callbacks with its own value conversions,
// only for the rows and columns a test authorizer (a simple rule over the
// subscriber's identity) allows, filtered by the client's filter strings,
// and in commit order.
import { randomUUID } from "node:crypto";
import type { RealtimeChannel, RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import type { Change, ChangeColumn, SubscriberIdentity, Transaction } from "../../realtime/types.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { disconnect, EventQueue, rawClient, startRealtimeHarness, subscribed, userToken, type RealtimeHarness } from "./harness.ts";

type Row = Record<string, string | null>;
type Payload = RealtimePostgresChangesPayload<Record<string, unknown>>;

const columns: ChangeColumn[] = [
  { name: "id", type: "int8" },
  { name: "property_id", type: "int4" },
  { name: "guest_id", type: "uuid" },
  { name: "status", type: "text" },
  { name: "nights", type: "int2" },
  { name: "amount", type: "numeric" },
  { name: "paid", type: "bool" },
  { name: "tags", type: "_text" },
  { name: "details", type: "jsonb" },
  { name: "arrives", type: "date" },
  { name: "updated_at", type: "timestamptz" },
  { name: "internal_note", type: "text" },
];
const allColumns = columns.map((column) => column.name);

/**
 * The test's authorization rule: staff see every row and column; a guest
 * sees their own rows without internal_note; anyone sees rows whose status
 * is "public", but only id and status. Table "broken" makes it fail.
 */
function visibleColumns(identity: SubscriberIdentity, row: Row | null): string[] | null {
  if (identity.kind === "user" && identity.role === "keepr_staff") return allColumns;
  if (identity.kind === "user" && row?.guest_id === identity.claims.sub) return allColumns.filter((name) => name !== "internal_note");
  if (row?.status === "public") return ["id", "status"];
  return null;
}

const authorizeCalls: Array<{ table: string; id: string | null | undefined; keys: string[] }> = [];
/** Per table, an optional delay before the authorizer answers (to shuffle async timing). */
const authorizeDelays = new Map<string, () => number>();

let db: TestDatabase;
let h: RealtimeHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startRealtimeHarness(db, {
    authorize: async (change, identities) => {
      const row = change.record ?? change.oldRecord;
      authorizeCalls.push({ table: change.table, id: row?.id, keys: identities.map((identity) => identity.key) });
      if (change.table === "broken") throw new Error("the policy query failed");
      const delay = authorizeDelays.get(change.table)?.();
      if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
      return new Map(identities.map((identity) => [identity.key, visibleColumns(identity, row)]));
    },
    authorizeChannel: async () => false,
  });
});

afterAll(async () => {
  await h.close();
  await db.drop();
});

let nextId = 1;
function row(values: Partial<Row> = {}): Row {
  return {
    id: String(nextId++), property_id: "42", guest_id: randomUUID(), status: "held", nights: "3", amount: "250.50", paid: "f",
    tags: "{a,b}", details: '{"late": true}', arrives: "2026-08-21", updated_at: "2026-08-21 10:15:02.123+00", internal_note: "vip",
    ...values,
  };
}

const insert = (record: Row, table = "reservations"): Change => ({ schema: "app_public", table, type: "INSERT", columns, record, oldRecord: null });
const update = (oldRecord: Row, record: Row, table = "reservations"): Change => ({ schema: "app_public", table, type: "UPDATE", columns, record, oldRecord });
const remove = (oldRecord: Row, table = "reservations"): Change => ({ schema: "app_public", table, type: "DELETE", columns, record: null, oldRecord });

let lsn = 0;
function transaction(...changes: Change[]): Transaction {
  return { lsn: `0/${(++lsn).toString(16).toUpperCase()}`, commitTimestamp: new Date().toISOString(), changes };
}

async function subscriber(token: string | null, name: string, table = "reservations") {
  const client = h.client();
  if (token) await client.setAuth(token);
  const changes = new EventQueue<Payload>();
  const channel = client.channel(name).on("postgres_changes", { event: "*", schema: "app_public", table }, changes.push);
  await subscribed(channel);
  return { client, channel, changes };
}

const newRow = (payload: Payload) => payload.new as Record<string, unknown>;
const oldRow = (payload: Payload) => payload.old as Record<string, unknown>;

/** The ids of the rows received, new or old. */
const idsOf = (payloads: readonly Payload[]) => payloads.map((payload) => newRow(payload).id ?? oldRow(payload).id);

describe("postgres_changes", () => {
  it("reach a staff subscriber as the client's INSERT, UPDATE and DELETE payloads with converted values", async () => {
    const staff = await subscriber(userToken(h.jwtSecret, "keepr_staff"), "staff-feed");
    // realtime-js splits arrays on commas and keeps quotes ('{a,"b c"}' → ['a', '"b c"']): plain elements here.
    const created = row({ paid: "t", amount: "250.50", tags: "{a,b}" });
    const first = transaction(insert(created));
    await h.realtime.publish(first);
    expect(await staff.changes.next()).toEqual({
      schema: "app_public",
      table: "reservations",
      commit_timestamp: first.commitTimestamp,
      eventType: "INSERT",
      new: {
        id: Number(created.id), property_id: 42, guest_id: created.guest_id, status: "held", nights: 3, amount: 250.5, paid: true,
        tags: ["a", "b"], details: { late: true }, arrives: "2026-08-21", updated_at: "2026-08-21 10:15:02.123+00", internal_note: "vip",
      },
      old: {},
      errors: null,
    });

    const changed = { ...created, status: "confirmed", internal_note: null };
    await h.realtime.publish(transaction(update(created, changed)));
    const updated = await staff.changes.next();
    expect(updated.eventType).toBe("UPDATE");
    expect(updated.new).toMatchObject({ status: "confirmed", internal_note: null });
    expect(updated.old).toMatchObject({ status: "held", internal_note: "vip", paid: true });

    await h.realtime.publish(transaction(remove(changed)));
    const deleted = await staff.changes.next();
    expect(deleted.eventType).toBe("DELETE");
    expect(deleted.new).toEqual({});
    expect(deleted.old).toMatchObject({ id: Number(created.id), status: "confirmed" });
    await disconnect(staff.client);
  });

  it("reach each subscriber only with the rows and columns the authorizer gives their identity", async () => {
    const guestId = randomUUID();
    const staff = await subscriber(userToken(h.jwtSecret, "keepr_staff"), "everyone-staff");
    const guest = await subscriber(userToken(h.jwtSecret, "keepr_guest", { sub: guestId }), "everyone-guest");
    const anonymous = await subscriber(null, "everyone-anonymous");
    const own = row({ guest_id: guestId });
    const publicOther = row({ status: "public" });
    const privateOther = row();
    const ownPublic = row({ guest_id: guestId, status: "public" });
    await h.realtime.publish(transaction(insert(own), insert(publicOther), insert(privateOther), insert(ownPublic)));

    expect(await staff.changes.next((payload) => newRow(payload).id === Number(ownPublic.id))).toBeDefined();
    expect(idsOf(staff.changes.seen)).toEqual([own, publicOther, privateOther, ownPublic].map((r) => Number(r.id)));
    await guest.changes.next((payload) => newRow(payload).id === Number(ownPublic.id));
    expect(idsOf(guest.changes.seen)).toEqual([own, publicOther, ownPublic].map((r) => Number(r.id)));
    const guestColumns = allColumns.filter((name) => name !== "internal_note").sort();
    expect(guest.changes.seen.map((payload) => Object.keys(payload.new).sort())).toEqual([guestColumns, ["id", "status"], guestColumns]);
    await anonymous.changes.next((payload) => newRow(payload).id === Number(ownPublic.id));
    expect(anonymous.changes.seen.map((payload) => payload.new)).toEqual([
      { id: Number(publicOther.id), status: "public" },
      { id: Number(ownPublic.id), status: "public" },
    ]);
    await Promise.all([staff.client, guest.client, anonymous.client].map(disconnect));
  });

  it("go out as one message per channel per change, listing every matching binding and only the visible columns", async () => {
    const raw = await rawClient(h.url, h.anonKey);
    raw.send(["1", "1", "realtime:wire-changes", "phx_join", {
      config: {
        postgres_changes: [
          { event: "*", schema: "app_public", table: "reservations" },
          { event: "INSERT", schema: "app_public", table: "reservations", filter: "status=eq.public" },
          { event: "DELETE", schema: "app_public", table: "reservations" },
        ],
      },
    }]);
    const reply = (await raw.frames.next()) as [string, string, string, string, { response: { postgres_changes: Array<{ id: number }> } }];
    const [everything, publicInserts] = reply[4].response.postgres_changes.map((binding) => binding.id);
    await raw.frames.next(); // "Subscribed to PostgreSQL"
    const visible = row({ status: "public" });
    const tx = transaction(insert(visible));
    await h.realtime.publish(tx);
    expect(await raw.frames.next()).toEqual([null, null, "realtime:wire-changes", "postgres_changes", {
      ids: [everything, publicInserts],
      data: {
        schema: "app_public", table: "reservations", commit_timestamp: tx.commitTimestamp, type: "INSERT",
        columns: [{ name: "id", type: "int8" }, { name: "status", type: "text" }],
        record: { id: visible.id, status: "public" }, old_record: null, errors: null,
      },
    }]);
    raw.socket.close();
  });

  it("honour eq, neq, lt, lte, gt, gte and in filters by column type, and DELETE filters on the old row", async () => {
    const client = h.client();
    await client.setAuth(userToken(h.jwtSecret, "keepr_staff"));
    const matched = new EventQueue<[string, unknown]>();
    const filters: Record<string, string> = {
      eq: "status=eq.held",
      neq: "status=neq.held",
      lt: "nights=lt.3",
      lte: "nights=lte.3",
      gt: "nights=gt.9",
      gte: "updated_at=gte.2026-08-21T10:00:00Z",
      in: 'status=in.(held,"checked,in")',
      and: "property_id=eq.7,paid=not.is.true",
    };
    let channel: RealtimeChannel = client.channel("filters");
    for (const [label, filter] of Object.entries(filters)) {
      channel = channel.on("postgres_changes", { event: "INSERT", schema: "app_public", table: "reservations", filter }, (payload: Payload) =>
        matched.push([label, newRow(payload).id]),
      );
    }
    channel = channel
      .on("postgres_changes", { event: "DELETE", schema: "app_public", table: "reservations", filter: "status=eq.cancelled" }, (payload: Payload) =>
        matched.push(["deleted", oldRow(payload).id]),
      )
      .on("postgres_changes", { event: "INSERT", schema: "app_public", table: "flush" }, () => matched.push(["flush", null]));
    await subscribed(channel);

    const r1 = row({ status: "held", nights: "2", updated_at: "2026-08-21 09:59:59.999999+00", property_id: "7", paid: "f" });
    const r2 = row({ status: "checked,in", nights: "3", updated_at: "2026-08-21 12:00:00+02", property_id: "7", paid: "t" });
    const r3 = row({ status: "confirmed", nights: "10", updated_at: "2026-08-21 10:30:00+00" });
    const r4 = row({ status: "held", nights: "9", updated_at: null, property_id: "7", paid: null });
    const cancelled = row({ status: "cancelled" });
    await h.realtime.publish(transaction(insert(r1), insert(r2), insert(r3), insert(r4)));
    await h.realtime.publish(transaction(update(row(), { ...cancelled, status: "cancelled" }), remove(cancelled), remove(row({ status: "held" }))));
    await h.realtime.publish(transaction(insert(row(), "flush")));
    await matched.next(([label]) => label === "flush");

    const byLabel = (label: string) => matched.seen.filter(([name]) => name === label).map(([, id]) => id);
    const ids = (...rows: Row[]) => rows.map((r) => Number(r.id));
    expect(byLabel("eq")).toEqual(ids(r1, r4));
    expect(byLabel("neq")).toEqual(ids(r2, r3));
    expect(byLabel("lt")).toEqual(ids(r1));
    expect(byLabel("lte")).toEqual(ids(r1, r2));
    expect(byLabel("gt")).toEqual(ids(r3));
    expect(byLabel("gte")).toEqual(ids(r2, r3));
    expect(byLabel("in")).toEqual(ids(r1, r2, r4));
    expect(byLabel("and")).toEqual(ids(r1, r4)); // NULL IS NOT TRUE holds, as in SQL
    expect(byLabel("deleted")).toEqual(ids(cancelled));
    await disconnect(client);
  });

  it("are authorized once per change for the distinct identities, not once per subscriber", async () => {
    const guestId = randomUUID();
    const staffSub = randomUUID();
    const staffSession = randomUUID();
    // Two tokens of one staff session, expiring at different times: one identity.
    const staffA = await subscriber(userToken(h.jwtSecret, "keepr_staff", { sub: staffSub, sessionId: staffSession, expiresInSeconds: 600 }), "units-a", "units");
    const staffB = await subscriber(userToken(h.jwtSecret, "keepr_staff", { sub: staffSub, sessionId: staffSession, expiresInSeconds: 900 }), "units-b", "units");
    const guest = await subscriber(userToken(h.jwtSecret, "keepr_guest", { sub: guestId }), "units-guest", "units");
    const unit = row({ guest_id: guestId });
    await h.realtime.publish(transaction(insert(unit, "units")));
    await Promise.all([staffA, staffB, guest].map((s) => s.changes.next()));
    const calls = authorizeCalls.filter((call) => call.table === "units" && call.id === unit.id);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.keys).toHaveLength(2);
    await Promise.all([staffA.client, staffB.client, guest.client].map(disconnect));
  });

  it("arrive in commit order even when authorization answers out of order", async () => {
    authorizeDelays.set("events", () => Math.floor(Math.random() * 5));
    const first = await subscriber(userToken(h.jwtSecret, "keepr_staff"), "events-1", "events");
    const second = await subscriber(userToken(h.jwtSecret, "keepr_staff"), "events-2", "events");
    const rows = Array.from({ length: 60 }, () => row());
    const published = [];
    for (let i = 0; i < rows.length; i += 2) published.push(h.realtime.publish(transaction(insert(rows[i]!, "events"), insert(rows[i + 1]!, "events"))));
    await Promise.all(published);
    const last = Number(rows.at(-1)!.id);
    await first.changes.next((payload) => newRow(payload).id === last);
    await second.changes.next((payload) => newRow(payload).id === last);
    const expected = rows.map((r) => Number(r.id));
    expect(idsOf(first.changes.seen)).toEqual(expected);
    expect(idsOf(second.changes.seen)).toEqual(expected);
    await Promise.all([first.client, second.client].map(disconnect));
  });

  it("follow the identity of a refreshed access token", async () => {
    const before = randomUUID();
    const after = randomUUID();
    const guest = await subscriber(userToken(h.jwtSecret, "keepr_guest", { sub: before }), "refreshing");
    await guest.client.setAuth(userToken(h.jwtSecret, "keepr_guest", { sub: after }));
    expect(await guest.channel.track({})).toBe("ok"); // handled after the refresh
    const old = row({ guest_id: before });
    const current = row({ guest_id: after });
    await h.realtime.publish(transaction(insert(old), insert(current)));
    await guest.changes.next((payload) => newRow(payload).id === Number(current.id));
    expect(idsOf(guest.changes.seen)).toEqual([Number(current.id)]);
    await disconnect(guest.client);
  });

  it("that cannot be authorized are not delivered, the channel is told, and later changes still flow", async () => {
    const client = h.client();
    await client.setAuth(userToken(h.jwtSecret, "keepr_staff"));
    const system = new EventQueue<{ extension: string; status: string; message: string }>();
    const received = new EventQueue<Payload>();
    const channel = client
      .channel("broken-feed")
      .on("postgres_changes", { event: "*", schema: "app_public", table: "broken" }, received.push)
      .on("postgres_changes", { event: "*", schema: "app_public", table: "working" }, received.push)
      .on("system", {}, system.push);
    await subscribed(channel);
    await system.next(); // Subscribed to PostgreSQL
    const fine = row();
    await h.realtime.publish(transaction(insert(row(), "broken"), insert(fine, "working")));
    expect(await system.next()).toEqual({
      extension: "postgres_changes", status: "error", channel: "broken-feed",
      message: "Keepr could not check who may see a change to app_public.broken; it was not delivered",
    });
    expect(newRow(await received.next()).id).toBe(Number(fine.id));
    expect(received.seen).toHaveLength(1);
    await disconnect(client);
  });

  it("of other schemas are never delivered, and a bigger change than the limit is cut like the reference server", async () => {
    const staff = await subscriber(userToken(h.jwtSecret, "keepr_staff"), "limits", "notes");
    const elsewhere: Change = { ...insert(row(), "notes"), schema: "app_private" };
    const huge = row({ internal_note: "x".repeat(1024 * 1024) });
    await h.realtime.publish(transaction(elsewhere, insert(huge, "notes")));
    const cut = await staff.changes.next();
    expect(cut.errors).toEqual(["Error 413: Payload Too Large"]);
    expect(cut.new).toMatchObject({ id: Number(huge.id), internal_note: null, status: "held" });
    expect(staff.changes.seen).toHaveLength(1);
    await disconnect(staff.client);
  });
});
