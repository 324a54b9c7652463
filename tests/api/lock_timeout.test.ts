// Stuck locks fail fast: every booking function waits at most its
// lock_timeout (2 s) for a lock another transaction holds, then fails with
// BUSY, which the server does not retry (docs/booking.md, "Stuck locks fail
// fast"). The tests hold a lock in another transaction, wait until the
// API's session is seen waiting for it, and read the answer: no timing.
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 2 });
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const codeOf = (res: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) => res.body.errors?.[0]?.extensions?.code;

async function holdOverApi(arrivalOffset: number, nights: number): Promise<{ reservationId: string; holdToken: string }> {
  const arrival = localDate(h.timeZone, arrivalOffset);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, {
    p: h.ratePlanId, a: arrival, d: addDays(arrival, nights),
  });
  expect(q.body.errors).toBeUndefined();
  const held = await server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId holdToken } } }`, {
    t: q.body.data!.quote.quoteToken, k: newKey(),
  });
  expect(held.body.errors).toBeUndefined();
  return held.body.data!.createHold.result;
}

const confirm = (hold: { reservationId: string; holdToken: string }, key: string) =>
  server.graphql(
    `mutation($id: UUID!, $k: String!, $h: String) { confirmBooking(input: {reservationId: $id, idempotencyKey: $k, fullName: "Grace Hopper", email: "grace@example.com", holdToken: $h}) { result { status } } }`,
    { id: hold.reservationId, k: key, h: hold.holdToken },
  );

/** A superuser session that takes locks in a transaction it keeps open. */
async function blockerSession(): Promise<pg.Client & { pid: number }> {
  const client = new pg.Client({ connectionString: db.superuserUrl });
  await client.connect();
  const pid = (await client.query("select pg_backend_pid() as pid")).rows[0].pid as number;
  return Object.assign(client, { pid });
}

/** Waits until one of the API's sessions waits for a lock the blocker holds (seen as a superuser: others see no wait events). */
async function untilApiWaitsFor(blockerPid: number): Promise<void> {
  const watcher = new pg.Client({ connectionString: db.superuserUrl });
  await watcher.connect();
  try {
    await untilWaiting(watcher, blockerPid);
  } finally {
    await watcher.end();
  }
}
async function untilWaiting(watcher: pg.Client, blockerPid: number): Promise<void> {
  for (;;) {
    const { rows } = await watcher.query(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and usename = 'keepr_authenticator' and wait_event_type = 'Lock'
          and $1 = any (pg_blocking_pids(pid))`,
      [blockerPid],
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether the session is still inside the transaction that holds its locks. */
async function stillHoldsLocks(pid: number): Promise<boolean> {
  const { rows } = await db.ownerPool.query(
    "select count(*)::int as n from pg_locks where pid = $1 and granted and locktype in ('transactionid', 'tuple', 'relation', 'advisory')",
    [pid],
  );
  return rows[0].n > 0;
}

it("a confirmation that waits for a hold another transaction has locked fails with BUSY while the lock is still held, and goes through once it is released", async () => {
  const hold = await holdOverApi(30, 2);
  const blocker = await blockerSession();
  try {
    await blocker.query("begin");
    await blocker.query("select 1 from app_public.reservations where id = $1 for update", [hold.reservationId]);
    const key = newKey();
    const confirming = confirm(hold, key);
    await untilApiWaitsFor(blocker.pid);
    const res = await confirming;
    expect(res.body.errors![0]).toMatchObject({
      message: "Someone else is changing this booking or these nights right now; please try again in a moment.",
      extensions: { code: "BUSY" },
    });
    expect(res.body.data).toEqual({ confirmBooking: null });
    // The answer came while the lock was still held: the lock timeout, not
    // the blocker letting go.
    expect(await stillHoldsLocks(blocker.pid)).toBe(true);
    await blocker.query("rollback");
    // Nothing of the failed attempt was kept: the same key confirms now.
    expect((await confirm(hold, key)).body).toEqual({ data: { confirmBooking: { result: { status: "confirmed" } } } });
  } finally {
    await blocker.end();
  }
});

it("a hold whose unit's claims are locked by another transaction fails with BUSY; nothing is held", async () => {
  const arrival = localDate(h.timeZone, 40);
  const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, {
    p: h.ratePlanId, a: arrival, d: addDays(arrival, 2),
  });
  const blocker = await blockerSession();
  try {
    // The whole claims table, as a stuck migration or a long maintenance
    // statement would: every hold must wait for it.
    await blocker.query("begin");
    await blocker.query("lock table app_public.inventory_claims in exclusive mode");
    const holding = server.graphql(`mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId } } }`, {
      t: q.body.data!.quote.quoteToken, k: newKey(),
    });
    await untilApiWaitsFor(blocker.pid);
    expect(codeOf(await holding)).toBe("BUSY");
    expect(await stillHoldsLocks(blocker.pid)).toBe(true);
    await blocker.query("rollback");
  } finally {
    await blocker.end();
  }
  const held = await db.ownerPool.query("select count(*)::int as n from app_public.reservations where property_id = $1 and lower(stay) = $2", [h.propertyId, arrival]);
  expect(held.rows[0].n).toBe(0);
});

it("every booking path has the lock timeout: hold, confirm, modify, cancel, moves, pins, blocks, check-in and out, no-shows, channel imports, groups", async () => {
  const paths = [
    "app_public.create_hold", "app_public.confirm_booking", "app_public.modify_reservation", "app_public.cancel_reservation",
    "app_public.move_unit", "app_public.pin_reservation_unit", "app_public.create_block", "app_public.release_block",
    "app_public.check_in", "app_public.check_out", "app_public.mark_no_show",
    "app_private.sync_channel_feed", "app_private.apply_channel_feed", "app_public.accept_channel_feed_change", "app_public.resolve_channel_conflict",
    // A booking group's paths (docs/booking.md, "Group and multi-room bookings").
    "app_public.create_group_hold", "app_public.confirm_group", "app_public.cancel_group", "app_public.change_group_dates", "app_public.add_group_room",
    "app_public.set_room_guest_name",
  ];
  const { rows } = await db.ownerPool.query(
    `select p.oid::regproc::text as name, coalesce(p.proconfig, '{}') as config
       from pg_proc p where p.oid::regproc::text = any ($1)`,
    [paths],
  );
  expect(rows.map((r) => r.name).sort()).toEqual([...paths].sort());
  for (const r of rows) expect([r.name, r.config]).toEqual([r.name, expect.arrayContaining(["lock_timeout=2s"])]);
});
