// Realtime end to end, as `npm start` runs it: Keepr's HTTP server with the
// realtime service (replication reader → websocket server → RLS
// authorizer) on a real Postgres, and the official @supabase/realtime-js
// client. Staff of property A receive A's committed changes, in commit
// order, and never B's — inserts, updates and deletes alike.
import type { RealtimeClient, RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import { RealtimeClient as Client } from "@supabase/realtime-js";
import { createLogger } from "../../core/logger.ts";
import { startRealtimeService, type RealtimeService } from "../../realtime/service.ts";
import { anonKey } from "../../realtime/tokens.ts";
import { actAs, createTestDatabase, inCommit, type TestDatabase } from "../helpers/db.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { addDays, book, confirmGroup, createHotel, holdGroup, localDate, quoteGroup, type Hotel } from "../helpers/booking.ts";
import { disconnect, EventQueue, subscribed, userToken } from "./harness.ts";
import { waitUntil } from "../helpers/wait.ts";

type Row = Record<string, unknown>;
let db: TestDatabase;
let http: TestServer;
let service: RealtimeService;
let a: Hotel;
let b: Hotel;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  http = await startTestServer(db);
  service = startRealtimeService({ server: http.server, apiPool: http.apiPool, databaseUrl: db.authenticatorUrl, replicationUrl: db.replicationUrl, jwtSecret: db.jwtSecret, logger: createLogger("silent") });
  // A deadline, not a wait: on a loaded machine the slot and stream take seconds.
  await waitUntil(() => service.replicationConnected() === true, "replication connected", 60_000);
  [a, b] = await inCommit(db.ownerPool, async (c) => [await createHotel(c), await createHotel(c)]);
});
afterAll(async () => {
  await Promise.all(clients.map(disconnect));
  await service.stop();
  await http.close();
  await db.drop();
});

async function staffClient(userId: string): Promise<RealtimeClient> {
  const sessionId = (await db.ownerPool.query("insert into app_private.sessions (user_id) values ($1) returning id", [userId])).rows[0].id;
  const client = new Client(`${http.url}/realtime/v1`, { params: { apikey: anonKey(db.jwtSecret) } });
  client.setAuth(userToken(db.jwtSecret, "keepr_staff", { sub: userId, sessionId }));
  clients.push(client);
  return client;
}

async function watch(client: RealtimeClient, table: string, filter?: string) {
  const events = new EventQueue<RealtimePostgresChangesPayload<Row>>();
  const channel = client.channel(`watch-${table}-${Math.random()}`).on(
    "postgres_changes",
    { event: "*", schema: "app_public", table, ...(filter ? { filter } : {}) },
    (payload: RealtimePostgresChangesPayload<Row>) => events.push(payload),
  );
  await subscribed(channel);
  return events;
}

const bookAt = (hotel: Hotel, offset: number) =>
  inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: hotel.frontDesk });
    const arrival = localDate(hotel.timeZone, offset);
    return book(c, hotel.ratePlanId, arrival, addDays(arrival, 2));
  });

it("staff receive their own property's reservation changes, in commit order, and never another property's", async () => {
  const deskA = await watch(await staffClient(a.frontDesk), "reservations");
  const deskB = await watch(await staffClient(b.frontDesk), "reservations");
  const bookedA = await bookAt(a, 20);
  const bookedB = await bookAt(b, 20);
  const bookedA2 = await bookAt(a, 25);

  // A: each booking is a hold (INSERT) then its confirmation (UPDATE).
  const forA = [];
  for (let i = 0; i < 4; i++) forA.push(await deskA.next());
  expect(forA.map((e) => [e.eventType, (e.new as Row).id, (e.new as Row).status])).toEqual([
    ["INSERT", bookedA.reservation_id, "held"],
    ["UPDATE", bookedA.reservation_id, "confirmed"],
    ["INSERT", bookedA2.reservation_id, "held"],
    ["UPDATE", bookedA2.reservation_id, "confirmed"],
  ]);
  // Values arrive converted by the client with the column types.
  expect(forA[1]).toMatchObject({ schema: "app_public", table: "reservations", new: { adults: 2, property_id: a.propertyId }, old: { status: "held" } });
  expect(typeof forA[1]!.commit_timestamp).toBe("string");
  const forB = [await deskB.next(), await deskB.next()];
  expect(forB.map((e) => (e.new as Row).id)).toEqual([bookedB.reservation_id, bookedB.reservation_id]);
  // Nothing of the other property, ever.
  expect(deskA.seen.every((e) => (e.new as Row).property_id === a.propertyId)).toBe(true);
  expect(deskB.seen.every((e) => (e.new as Row).property_id === b.propertyId)).toBe(true);
});

it("a filter narrows what a subscriber receives", async () => {
  const confirmedOnly = await watch(await staffClient(a.manager), "reservations", "status=eq.confirmed");
  const booked = await bookAt(a, 30);
  const event = await confirmedOnly.next();
  expect(event).toMatchObject({ eventType: "UPDATE", new: { id: booked.reservation_id, status: "confirmed" } });
  expect(confirmedOnly.seen.some((e) => (e.new as Row).status === "held")).toBe(false);
});

it("a DELETE reaches only those who could see the row, judged on the old row", async () => {
  const deskA = await watch(await staffClient(a.frontDesk), "night_audit_anomalies");
  const deskB = await watch(await staffClient(b.frontDesk), "night_audit_anomalies");
  let day = 0;
  const anomalyOf = (hotel: Hotel) =>
    inCommit(db.ownerPool, async (c) => {
      const audit = (await c.query("insert into app_public.night_audits (property_id, business_date) values ($1, date '2026-01-01' + $2::int) returning id", [hotel.propertyId, day++])).rows[0].id;
      return (await c.query("insert into app_public.night_audit_anomalies (property_id, audit_id, kind, detail) values ($1, $2, 'overstay', 'test') returning id", [hotel.propertyId, audit])).rows[0].id as string;
    });
  const anomalyA = await anomalyOf(a);
  const anomalyB = await anomalyOf(b);
  await db.ownerPool.query("delete from app_public.night_audit_anomalies where id = any($1)", [[anomalyB, anomalyA]]);

  expect(await deskA.next()).toMatchObject({ eventType: "INSERT", new: { id: anomalyA } });
  expect(await deskA.next()).toMatchObject({ eventType: "DELETE", old: { id: anomalyA, property_id: a.propertyId } });
  expect(await deskB.next()).toMatchObject({ eventType: "INSERT", new: { id: anomalyB } });
  expect(await deskB.next()).toMatchObject({ eventType: "DELETE", old: { id: anomalyB } });
  // A marker commit after the deletes, seen by A: nothing of B's came before it.
  const marker = await anomalyOf(a);
  expect(await deskA.next()).toMatchObject({ eventType: "INSERT", new: { id: marker } });
  expect(deskA.seen.map((e) => ((e.new as Row).id ?? (e.old as Row).id))).toEqual([anomalyA, anomalyA, marker]);
  expect(deskB.seen.map((e) => ((e.new as Row).id ?? (e.old as Row).id))).toEqual([anomalyB, anomalyB]);
});

it("anonymous subscribers see nothing of staff tables", async () => {
  const client = new Client(`${http.url}/realtime/v1`, { params: { apikey: anonKey(db.jwtSecret) } });
  clients.push(client);
  const anonymous = await watch(client, "reservations");
  const staff = await watch(await staffClient(a.frontDesk), "reservations");
  const booked = await bookAt(a, 35);
  await staff.next((e) => (e.new as Row).id === booked.reservation_id && (e.new as Row).status === "confirmed");
  expect(anonymous.seen).toEqual([]);
});

it("an update that moves a row out of a subscriber's sight is not sent to them", async () => {
  const anonymousClient = new Client(`${http.url}/realtime/v1`, { params: { apikey: anonKey(db.jwtSecret) } });
  clients.push(anonymousClient);
  const visitor = await watch(anonymousClient, "properties", `id=eq.${a.propertyId}`);
  const staff = await watch(await staffClient(a.manager), "properties", `id=eq.${a.propertyId}`);
  await db.ownerPool.query("update app_public.properties set description = 'Renovated' where id = $1", [a.propertyId]);
  await db.ownerPool.query("update app_public.properties set is_published = false where id = $1", [a.propertyId]);
  await db.ownerPool.query("update app_public.properties set description = 'Closed for the season' where id = $1", [a.propertyId]);
  // Staff see all three; the anonymous visitor only the change made while the property was public.
  expect(await visitor.next()).toMatchObject({ eventType: "UPDATE", new: { description: "Renovated" } });
  for (const description of ["Renovated", "Renovated", "Closed for the season"]) {
    expect(await staff.next()).toMatchObject({ eventType: "UPDATE", new: { description } });
  }
  expect(visitor.seen.map((e) => [(e.new as Row).description, (e.new as Row).is_published])).toEqual([["Renovated", true]]);
  await db.ownerPool.query("update app_public.properties set is_published = true where id = $1", [a.propertyId]);
});

it("a booking group's own fields are live to its property's staff, never to another property's (issues 21 and 22)", async () => {
  const deskA = await watch(await staffClient(a.frontDesk), "booking_groups");
  const deskB = await watch(await staffClient(b.frontDesk), "booking_groups");
  const code = () => `G-${Array.from({ length: 8 }, () => "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[Math.floor(Math.random() * 32)]).join("")}`;
  const groupAt = async (hotel: Hotel, name: string) =>
    (await db.ownerPool.query("insert into app_public.booking_groups (property_id, group_code, name, channel) values ($1, $2, $3, 'front_desk') returning id", [hotel.propertyId, code(), name])).rows[0].id as string;
  const groupA = await groupAt(a, "Smith wedding");
  const groupB = await groupAt(b, "Other hotel's team");
  await db.ownerPool.query("update app_public.booking_groups set name = 'Smith–Jones wedding' where id = any($1)", [[groupB, groupA]]);

  expect(await deskA.next()).toMatchObject({ eventType: "INSERT", new: { id: groupA, name: "Smith wedding" } });
  expect(await deskA.next()).toMatchObject({ eventType: "UPDATE", new: { id: groupA, name: "Smith–Jones wedding" }, old: { name: "Smith wedding" } });
  expect(await deskB.next()).toMatchObject({ eventType: "INSERT", new: { id: groupB } });
  // A marker commit after B's changes, seen by A: nothing of B's came before it.
  const marker = await groupAt(a, "Marker");
  expect(await deskA.next()).toMatchObject({ eventType: "INSERT", new: { id: marker } });
  expect(deskA.seen.map((e) => (e.new as Row).id)).toEqual([groupA, groupA, marker]);
  expect(deskB.seen.every((e) => (e.new as Row).property_id === b.propertyId)).toBe(true);
});

it("a group's token (lookupBooking with the group code) hears its own group's changes, never another group's", async () => {
  const groupFor = async (day: number, email: string) => {
    const arrival = localDate(a.timeZone, day);
    const q = await quoteGroup(db.ownerPool, [{ ratePlanId: a.ratePlanId }], arrival, addDays(arrival, 1));
    const held = await holdGroup(db.ownerPool, q.quote_token, `Group ${day}`);
    await confirmGroup(db.ownerPool, held, undefined, email);
    const res = await http.graphql("mutation($c: String!, $e: String!) { lookupBooking(input: {confirmationCode: $c, email: $e}) { result } }", { c: held.group_code, e: email });
    return { id: held.booking_group_id, token: (res.body.data as { lookupBooking: { result: string } }).lookupBooking.result };
  };
  const mine = await groupFor(60, "mine@example.com");
  const theirs = await groupFor(62, "theirs@example.com");
  const client = new Client(`${http.url}/realtime/v1`, { params: { apikey: anonKey(db.jwtSecret) } });
  clients.push(client);
  client.setAuth(mine.token);
  const events = await watch(client, "booking_groups");
  await db.ownerPool.query("update app_public.booking_groups set name = 'Renamed' where id = any($1)", [[theirs.id, mine.id]]);
  await db.ownerPool.query("update app_public.booking_groups set name = 'Marker' where id = $1", [mine.id]);
  // (Its own earlier changes, the hold and the confirmation, may still be on their way: skipped over.)
  expect(await events.next((e) => (e.new as Row).name === "Renamed")).toMatchObject({ eventType: "UPDATE", new: { id: mine.id } });
  expect(await events.next((e) => (e.new as Row).name === "Marker")).toMatchObject({ eventType: "UPDATE", new: { id: mine.id } });
  // The other group's rename was committed before the marker: nothing of it came.
  expect(events.seen.every((e) => (e.new as Row).id === mine.id)).toBe(true);
});
