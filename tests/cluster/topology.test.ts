// The scaled-out topology as a whole (issue 20), started by the code of
// `npm run cluster` (ops/cluster/cluster.ts): Debian's Postgres 15 primary
// and synchronous hot standby, PgBouncer in transaction mode, HAProxy, two
// API processes, a worker and a realtime process.
// - Guests book through HAProxy and both API processes answer; the booking's
//   claim is on the replica once it has replayed the primary's LSN, and the
//   replica's quote counts it. Through the API, quotes read the replica, and
//   a quote sent with the booking's commit LSN counts the booking
//   (read-your-writes).
// - Under booking load the primary is killed (SIGKILL to every process of
//   it, as when its machine dies) and the standby promoted (the documented
//   promote: HAProxy's runtime API moves the primary frontend). Every
//   booking a client was told about is on the new primary, confirmed, with
//   its confirmation email queued; the API answers again by itself (both
//   processes), the worker sends those emails (jobs run again; one whose
//   lock graphile-worker lost in the crash is counted and printed), and a
//   realtime-js client subscribed to the hotel's reservations is told that
//   the change stream restarted, rejoins by itself and receives the next
//   booking. The time without service is printed, never asserted.
// The tests run in order on one cluster: each starts from where the one
// before left it.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { RealtimeClient, type RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import { startCluster, type Cluster } from "../../ops/cluster/cluster.ts";
import { anonKey } from "../../realtime/tokens.ts";
import { addDays, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { disconnect, EventQueue, userToken } from "../realtime/harness.ts";

type Row = Record<string, unknown>;

let cluster: Cluster;
let owner: pg.Pool;
let hotel: Hotel;
let realtime: RealtimeClient | undefined;

/** A lost connection while the primary dies or the standby is promoted: expected, never a failure. */
const ignoreConnectionLoss = (pool: pg.Pool) => pool.on("error", () => {});

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000, state: () => unknown = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (!(await condition().catch((error: unknown) => ((lastError = error), false)))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms ${JSON.stringify(state())}${lastError ? ` (last: ${String(lastError)})` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Answer<T> {
  ok: boolean;
  /** X-Keepr-Commit-Lsn (after a mutation) and X-Keepr-Read-From (primary or replica). */
  commitLsn?: string;
  readFrom?: string;
  data?: T;
  code?: string;
  /** The API process that answered (HAProxy's x-keepr-backend), when one did. */
  backend?: string;
}

async function graphql<T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer<T>> {
  try {
    const res = await fetch(`${cluster.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    const backend = res.headers.get("x-keepr-backend") ?? undefined;
    if (res.status !== 200) return { ok: false, code: `HTTP ${res.status}`, backend };
    const body = (await res.json()) as { data?: T; errors?: Array<{ extensions?: { code?: string } }> };
    if (body.errors?.length) return { ok: false, code: body.errors[0]!.extensions?.code ?? "ERROR", backend };
    return {
      ok: true,
      data: body.data!,
      backend,
      commitLsn: res.headers.get("x-keepr-commit-lsn") ?? undefined,
      readFrom: res.headers.get("x-keepr-read-from") ?? undefined,
    };
  } catch (error) {
    return { ok: false, code: (error as Error).name === "TimeoutError" ? "timeout" : "network" };
  }
}

interface Booking {
  /** Days from today to its one night. */
  offset: number;
  reservationId: string;
  confirmationCode: string;
  /** The primary's WAL position after the confirmation committed (X-Keepr-Commit-Lsn). */
  commitLsn?: string;
  backends: string[];
}

/** Why attempts failed ("createHold: HTTP 503" → count). */
const failures = new Map<string, number>();
const failed = (step: string, answer: Answer<unknown>) => {
  const key = `${step}: ${answer.code}${answer.backend ? ` (${answer.backend})` : ""}`;
  failures.set(key, (failures.get(key) ?? 0) + 1);
  return null;
};

/** quote → createHold → confirmBooking through HAProxy, a night `offset` days ahead; null when any step failed. */
async function book(offset: number): Promise<Booking | null> {
  const arrival = addDays(localDate(hotel.timeZone), offset);
  const quote = await graphql<{ quote: { quoteToken: string } }>(
    `query ($r: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $r, arrival: $a, departure: $d, adults: 2, children: 0) { quoteToken } }`,
    { r: hotel.ratePlanId, a: arrival, d: addDays(arrival, 1) },
  );
  if (!quote.ok) return failed("quote", quote);
  const hold = await graphql<{ createHold: { result: { reservationId: string; holdToken: string } } }>(
    `mutation ($t: String!, $k: String!) { createHold(input: { quoteToken: $t, idempotencyKey: $k }) { result { reservationId holdToken } } }`,
    { t: quote.data!.quote.quoteToken, k: randomUUID() },
  );
  if (!hold.ok) return failed("createHold", hold);
  const { reservationId, holdToken } = hold.data!.createHold.result;
  const confirm = await graphql<{ confirmBooking: { result: { confirmationCode: string; status: string } } }>(
    `mutation ($id: UUID!, $k: String!, $h: String!) {
       confirmBooking(input: { reservationId: $id, idempotencyKey: $k, fullName: "Ada Lovelace", email: "ada@example.com", holdToken: $h }) {
         result { confirmationCode status }
       }
     }`,
    { id: reservationId, k: randomUUID(), h: holdToken },
  );
  if (!confirm.ok) return failed("confirmBooking", confirm);
  if (confirm.data!.confirmBooking.result.status !== "confirmed") return failed("confirmBooking", { ok: false, code: confirm.data!.confirmBooking.result.status });
  return {
    offset,
    reservationId,
    confirmationCode: confirm.data!.confirmBooking.result.confirmationCode,
    commitLsn: confirm.commitLsn,
    backends: [quote.backend, hold.backend, confirm.backend].filter((b): b is string => !!b),
  };
}

/** Each booking a night of its own (a hotel of 3 units never sells out here). */
let nextOffset = 10;
const newOffset = () => nextOffset++;

beforeAll(async () => {
  cluster = await startCluster({ seed: false, logLevel: "warn" });
  owner = ignoreConnectionLoss(new pg.Pool({ connectionString: cluster.urls.owner, max: 2 }));
  const client = await owner.connect();
  try {
    hotel = await createHotel(client, { units: 3 });
  } finally {
    client.release();
  }
}, 300_000);

afterAll(async () => {
  if (realtime) await disconnect(realtime);
  await owner?.end();
  await cluster?.stop();
}, 60_000);

test("guests book through HAProxy on both API processes, and the replica has the booking once it has replayed the primary's LSN", async () => {
  const backends = new Set<string>();
  const bookings: Booking[] = [];
  while (bookings.length < 2 || backends.size < 2) {
    const booking = await book(newOffset());
    expect({ booked: !!booking, failures: Object.fromEntries(failures) }).toEqual({ booked: true, failures: {} });
    bookings.push(booking!);
    for (const b of booking!.backends) backends.add(b);
    if (bookings.length >= 30) break;
  }
  expect([...backends].sort()).toEqual(["api1", "api2"]);

  // The replica: the claim is there once the standby has replayed the primary's WAL up to now.
  const last = bookings.at(-1)!;
  await cluster.standby.waitForReplay(await cluster.primary.currentLsn());
  const replica = new pg.Client({ connectionString: cluster.urls.authenticatorReplica });
  await replica.connect();
  try {
    await replica.query("begin read only");
    await replica.query("set local role keepr_anonymous");
    expect((await replica.query("select pg_is_in_recovery() as standby")).rows).toEqual([{ standby: true }]);
    // Availability read on the replica: the night of the last booking has one unit fewer than a free night.
    const arrival = addDays(localDate(hotel.timeZone), last.offset);
    const free = addDays(localDate(hotel.timeZone), 5);
    const unitsLeft = async (day: string) =>
      (await replica.query<{ units_left: number }>("select units_left from app_public.quote($1, $2, $3, 2, 0)", [hotel.ratePlanId, day, addDays(day, 1)])).rows[0]!.units_left;
    expect({ booked: await unitsLeft(arrival), free: await unitsLeft(free) }).toEqual({ booked: 2, free: 3 });
    await replica.query("rollback");
  } finally {
    await replica.end();
  }
  // Through the API: quotes read the replica once it keeps up, and a guest's quote right after their
  // booking counts it (read-your-writes: the booking's commit LSN sent back as X-Keepr-Min-Lsn).
  const quoteOf = (offset: number, headers: Record<string, string> = {}) => {
    const arrival = addDays(localDate(hotel.timeZone), offset);
    return graphql<{ quote: { unitsLeft: number } }>(
      `query ($r: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $r, arrival: $a, departure: $d, adults: 2, children: 0) { unitsLeft } }`,
      { r: hotel.ratePlanId, a: arrival, d: addDays(arrival, 1) },
      headers,
    );
  };
  await until("a quote read from the replica", async () => (await quoteOf(5)).readFrom === "replica");
  for (let i = 0; i < 3; i++) {
    const fresh = await book(newOffset());
    expect(fresh?.commitLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const quote = await quoteOf(fresh!.offset, { "x-keepr-min-lsn": fresh!.commitLsn! });
    expect({ ok: quote.ok, unitsLeft: quote.data?.quote.unitsLeft }).toEqual({ ok: true, unitsLeft: 2 });
  }

  const onReplica = new pg.Client({ connectionString: cluster.standby.superuserUrl("keepr") });
  await onReplica.connect();
  try {
    const { rows } = await onReplica.query("select confirmation_code, status from app_public.reservations where id = $1", [last.reservationId]);
    expect(rows).toEqual([{ confirmation_code: last.confirmationCode, status: "confirmed" }]);
  } finally {
    await onReplica.end();
  }
});

test("the primary killed under booking load and the standby promoted: no acknowledged booking or job is lost, and the API, the worker and realtime come back by themselves", async () => {
  // A staff member of the hotel watches its reservations live, through HAProxy, with the official client.
  const { rows } = await owner.query<{ id: string }>("insert into app_private.sessions (user_id) values ($1) returning id", [hotel.frontDesk]);
  realtime = new RealtimeClient(`${cluster.url.replace(/^http/, "ws")}/realtime/v1`, { params: { apikey: anonKey(cluster.jwtSecret) }, reconnectAfterMs: () => 200 });
  realtime.setAuth(userToken(cluster.jwtSecret, "keepr_staff", { sub: hotel.frontDesk, sessionId: rows[0]!.id }));
  const changes = new EventQueue<RealtimePostgresChangesPayload<Row>>();
  const statuses = new EventQueue<string>();
  const channel = realtime
    .channel("front-desk")
    .on("postgres_changes", { event: "*", schema: "app_public", table: "reservations", filter: `property_id=eq.${hotel.propertyId}` }, (payload) => changes.push(payload))
    .subscribe((status) => statuses.push(status));
  expect(await statuses.next(() => true, 30_000)).toBe("SUBSCRIBED");

  // Booking load: four guests at a time, until told to stop.
  const acknowledged: Booking[] = [];
  const after: Booking[] = [];
  let killedAt = 0;
  let promotedAt = 0;
  let firstAfter = 0;
  let running = true;
  const guest = async () => {
    while (running) {
      const startedAt = performance.now();
      const booking = await book(newOffset());
      if (!booking) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      acknowledged.push(booking);
      if (killedAt && startedAt > killedAt) {
        after.push(booking);
        firstAfter ||= performance.now();
      }
    }
  };
  const guests = Array.from({ length: 4 }, guest);
  try {
    await until("bookings before the crash", async () => acknowledged.length >= 8);
    const old = cluster.primary;
    killedAt = performance.now();
    await old.kill();
    const before = acknowledged.length;
    await cluster.failover();
    promotedAt = performance.now();
    expect(cluster.current()).toBe(cluster.standby);
    expect(await cluster.standby.inRecovery()).toBe(false);
    // The API answers again by itself, on both processes.
    await until("bookings on both API processes after the failover", async () => new Set(after.flatMap((b) => b.backends)).size === 2 && after.length >= 4, 120_000, () => ({
      after: after.length,
      backends: [...new Set(after.flatMap((b) => b.backends))],
      failures: Object.fromEntries(failures),
    }));
    console.log(
      `topology failover: ${before} bookings acknowledged before the kill; promote ${Math.round(promotedAt - killedAt)} ms after it; ` +
        `first booking acknowledged ${Math.round(firstAfter - killedAt)} ms after the kill (time without service); failed attempts meanwhile: ${JSON.stringify(Object.fromEntries(failures))}`,
    );
    // Caught in the crash, a request is told to retry (UNAVAILABLE; HAProxy's 503 while no API process is ready), never INTERNAL.
    expect([...failures.keys()].filter((key) => /: INTERNAL( |$)/.test(key))).toEqual([]);
  } finally {
    running = false;
    await Promise.all(guests);
  }

  // No process died on the way (nothing restarts them here).
  expect(cluster.processes.filter((p) => !p.running()).map((p) => `${p.name}: ${p.tail(3000)}`)).toEqual([]);

  // Every acknowledged booking is on the new primary, confirmed, with its confirmation email.
  const ids = acknowledged.map((b) => b.reservationId);
  const { rows: found } = await owner.query<{ id: string; confirmation_code: string; status: string; emails: number }>(
    `select r.id, r.confirmation_code, r.status::text,
            (select count(*)::int from app_public.notifications n
              where n.property_id = r.property_id and n.reservation_id = r.id and n.template = 'confirmation' and n.channel = 'email') as emails
       from app_public.reservations r where r.id = any($1::uuid[])`,
    [ids],
  );
  const byId = new Map(found.map((r) => [r.id, r]));
  expect(acknowledged.filter((b) => byId.get(b.reservationId)?.status !== "confirmed" || byId.get(b.reservationId)?.confirmation_code !== b.confirmationCode)).toEqual([]);
  expect(found.filter((r) => r.emails !== 1)).toEqual([]);

  // The worker runs jobs again: every one of those emails is sent, those queued before the crash
  // included (a job the crash left locked by a runner that stopped is unlocked when the runner
  // starts again: worker/runner.ts). A job is matched to its notification by payload, which
  // graphile-worker's jobs view does not show: read from its table, here only.
  const promotedWall = new Date(Date.now() - (performance.now() - promotedAt));
  const relative = (at: Date | null) => (at ? `${Math.round(at.getTime() - promotedWall.getTime())} ms from the promote` : "?");
  let unsent: Array<{ id: string; job_id: string | null; locked_by: string | null; locked_at: Date | null; attempts: number | null }> = [];
  await until("every confirmation email sent", async () => {
    unsent = (
      await owner.query(
        `select n.id, j.id::text as job_id, j.locked_by, j.locked_at, j.attempts
           from app_public.notifications n
           left join graphile_worker._private_jobs j on j.payload->>'id' = n.id::text
          where n.reservation_id = any($1::uuid[]) and n.template = 'confirmation' and n.channel = 'email' and n.status <> 'sent'`,
        [ids],
      )
    ).rows;
    return unsent.length === 0;
  }, 120_000, () => ({
    unsent: unsent.map((n) => ({ ...n, locked: relative(n.locked_at) })),
    worker: cluster.processes.find((p) => p.name === "worker")?.tail(4000),
  }));
  const { rows: sentAfter } = await owner.query<{ n: number }>(
    `select count(*)::int as n from app_public.notifications
      where reservation_id = any($1::uuid[]) and template = 'confirmation' and channel = 'email' and status = 'sent'`,
    [after.map((b) => b.reservationId)],
  );
  expect(sentAfter[0]!.n).toBe(after.length);

  // Realtime: the channel was told the change stream restarted, rejoined by itself, and sees the next booking.
  await statuses.next((s) => s === "CHANNEL_ERROR", 60_000);
  await statuses.next((s) => s === "SUBSCRIBED", 60_000);
  expect(String(channel.state)).toBe("joined");
  const next = await book(newOffset());
  expect(next).not.toBeNull();
  await changes.next((c) => (c.new as Row).id === next!.reservationId && (c.new as Row).status === "confirmed", 30_000);
}, 300_000);
