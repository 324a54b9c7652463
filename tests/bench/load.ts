// The load driver of the booking benches (`npm run bench -- booking`,
// `npm run bench -- topology`): the guest operations as GraphQL over
// keep-alive HTTP and as the same SQL functions over `pg`, the client loop,
// the measured phase (warm-up, then the measurement with the CPU of the
// processes read before and after), bookable stays found by searches, quote
// tokens made beforehand, and the statistics and their printing.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type pg from "pg";
import { classifyDatabaseError } from "../../server/errors.ts";
import { readFileSync, rmSync } from "node:fs";
import { postgresCpuSeconds, processCpuSeconds } from "../helpers/cpu.ts";
import { stillRunningAfter, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";

// ---------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------

/** Codes a guest meets in normal business (a stay sold out meanwhile): counted apart from errors. */
export const expectedCodes = new Set(["SOLD_OUT"]);

export class Stats {
  readonly latencies: number[] = [];
  readonly errors = new Map<string, number>();
  readonly expected = new Map<string, number>();
  requests = 0;
  ms = 0;
  ok(ms: number) {
    this.requests++;
    this.latencies.push(ms);
    this.sortedCache = null;
  }
  fail(code: string) {
    this.requests++;
    const bucket = expectedCodes.has(code) ? this.expected : this.errors;
    bucket.set(code, (bucket.get(code) ?? 0) + 1);
  }
  percentile(p: number): number {
    if (!this.latencies.length) return NaN;
    const sorted = this.sortedCache ?? (this.sortedCache = [...this.latencies].sort((a, b) => a - b));
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  }
  private sortedCache: number[] | null = null;
  /** Calls per second, failed ones included. */
  get throughput() {
    return this.requests / (this.ms / 1000);
  }
  /** Successful calls per second. */
  get okThroughput() {
    return this.latencies.length / (this.ms / 1000);
  }
}

export function formatCodes(m: Map<string, number>): string {
  return m.size ? [...m].map(([code, n]) => `${code} ${n}`).join(", ") : "0";
}

/** Milliseconds with one decimal, "-" for none. */
export function ms(x: number): string {
  return Number.isNaN(x) ? "-" : x.toFixed(1);
}

/** a / b with two decimals, "-" when either is missing or b is 0. */
export function ratio(a: number, b: number): string {
  return Number.isNaN(a) || Number.isNaN(b) || b === 0 ? "-" : (a / b).toFixed(2);
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

// ---------------------------------------------------------------------------
// The client loop and a measured phase
// ---------------------------------------------------------------------------

/** Set by a bench's Ctrl-C handler: every client loop ends at its next turn. */
export const interruption = { requested: false };

/**
 * Runs `op` in `clients` concurrent loops for `seconds`; op returns false
 * when it has nothing left to do (then every loop ends), and is told whether
 * it is measured (`record`). Ends early on interruption.requested.
 */
export async function runLoops(
  clients: number,
  seconds: number,
  op: (record: boolean) => Promise<boolean>,
  record: boolean,
): Promise<{ ms: number; exhausted: boolean }> {
  const began = performance.now();
  const deadline = began + seconds * 1000;
  let exhausted = false;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline && !exhausted && !interruption.requested) {
        if (!(await op(record))) exhausted = true;
      }
    }),
  );
  return { ms: performance.now() - began, exhausted };
}

export interface Measured {
  stats: Stats;
  /** Per-request stats inside the phase (booking: createHold, confirmBooking). */
  parts: Record<string, Stats>;
  /** Seconds measured. */
  wall: number;
  /** CPU seconds each process used while measured (cpu() after less before). */
  cpu: Record<string, number>;
  exhausted: boolean;
}

/**
 * A phase: `warmup` seconds not measured (at least 1 when afterWarmup is
 * given, which gets the warm-up's rate in operations per second), then
 * `seconds` measured, `cpu()` (cumulative CPU seconds by process) read just
 * before and just after. Throws when interrupted after the warm-up.
 */
export async function measurePhase(options: {
  clients: number;
  seconds: number;
  warmup: number;
  op: (stats: Stats, parts: Record<string, Stats>) => Promise<boolean>;
  partNames?: string[];
  afterWarmup?: (rate: number) => Promise<void>;
  cpu: () => Record<string, number>;
}): Promise<Measured> {
  const fresh = () => ({ stats: new Stats(), parts: Object.fromEntries((options.partNames ?? []).map((p) => [p, new Stats()])) });
  if (options.warmup > 0 || options.afterWarmup) {
    const scratch = fresh();
    const w = await runLoops(options.clients, Math.max(options.warmup, 1), () => options.op(scratch.stats, scratch.parts), false);
    await options.afterWarmup?.(scratch.stats.requests / (w.ms / 1000));
  }
  if (interruption.requested) throw new Error("interrupted");
  const measured = fresh();
  const before = options.cpu();
  const { ms, exhausted } = await runLoops(options.clients, options.seconds, () => options.op(measured.stats, measured.parts), true);
  const after = options.cpu();
  measured.stats.ms = ms;
  for (const p of Object.values(measured.parts)) p.ms = ms;
  const cpu = Object.fromEntries(Object.entries(after).map(([name, s]) => [name, s - (before[name] ?? 0)]));
  return { ...measured, wall: ms / 1000, cpu, exhausted };
}

/** CPU seconds used so far by this process, the Keepr process and Postgres. */
export function cpuSnapshot(keeprPid: number, postmaster: number): { client: number; keepr: number; postgres: number } {
  const usage = process.cpuUsage();
  return { client: (usage.user + usage.system) / 1e6, keepr: processCpuSeconds(keeprPid), postgres: postgresCpuSeconds(postmaster) };
}

/** CPU time a thread has spent on a core, in seconds (/proc/<pid>/schedstat, nanoseconds; 0 once it is gone). */
function threadCpuSeconds(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e9;
  } catch {
    return 0;
  }
}

/**
 * The CPU of the Postgres backends of one path (by application_name: the
 * API's pool, the bench's direct pool, the worker's), apart from the rest of the
 * cluster: the WAL sender feeding realtime, autovacuum, the checkpointer and
 * the other paths' backends are not in it. Read from pg_stat_activity and
 * /proc at the start and the end of a phase: a backend that started during
 * the phase counts whole; one that ended during it is missed (the pools keep
 * their connections while they are busy). The API's path is keepr-api and
 * its guest reads' keepr-api-guest.
 */
export async function backendsCpu(owner: pg.Pool, applicationName: string): Promise<Map<number, number>> {
  const { rows } = await owner.query<{ pid: number }>("select pid from pg_catalog.pg_stat_activity where application_name in ($1, $1 || '-guest')", [applicationName]);
  return new Map(rows.map((r) => [r.pid, threadCpuSeconds(r.pid)]));
}
export function backendsCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, now] of after) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}

/** This process's CPU seconds so far (the bench client). */
export function clientCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

// ---------------------------------------------------------------------------
// Clients: GraphQL over keep-alive HTTP, and SQL over pg as the API does it
// ---------------------------------------------------------------------------

export interface Outcome<T> {
  ms: number;
  data?: T;
  code?: string;
  /** Over HTTP: the response's headers (x-keepr-read-from, x-keepr-backend behind HAProxy). */
  headers?: http.IncomingHttpHeaders;
}

export type ApiClient = ReturnType<typeof makeApi>;

/** An answer to a GET: its status (304 when the If-None-Match matched) and headers, the data when it had a body. */
export interface GetOutcome<T> extends Outcome<T> {
  status: number;
  /** The body as received (what a cache keeps), when there was one. */
  text?: string;
}

/**
 * GraphQL over keep-alive HTTP to url/graphql; with a token, as that user
 * (Authorization: Bearer). `call` POSTs; `get` sends a public query as the
 * guest app does (GET /graphql?query=…&operationName=…&variables=…, no
 * token; shared/graphql-http.ts), optionally with If-None-Match.
 */
export function makeApi(url: string, maxSockets: number, token?: string) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const send = (method: "GET" | "POST", path: string, body: string | null, extra: Record<string, string>) =>
    new Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const req = http.request(
        {
          agent, host: hostname, port, path, method,
          headers: {
            accept: "application/json",
            ...(body === null ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
            ...(token && method === "POST" ? { authorization: `Bearer ${token}` } : {}),
            ...extra,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body ?? undefined);
    });
  /** The outcome of a GraphQL answer's text: its data (picked) or its first error's code. */
  const outcome = <T>(status: number, text: string, headers: http.IncomingHttpHeaders, ms: number, pick: (data: any) => T): Outcome<T> => {
    let body: { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
    try {
      body = JSON.parse(text);
    } catch {
      return { ms, code: `HTTP_${status}`, headers };
    }
    if (body.errors?.length) return { ms, code: body.errors[0]!.extensions?.code ?? "UNKNOWN", headers };
    if (status !== 200) return { ms, code: `HTTP_${status}`, headers };
    return { ms, data: pick(body.data), headers };
  };
  return {
    agent,
    async call<T>(query: string, variables: Record<string, unknown>, pick: (data: any) => T, operationName?: string): Promise<Outcome<T>> {
      const t = performance.now();
      try {
        const { status, text, headers } = await send("POST", "/graphql", JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) }), {});
        return outcome(status, text, headers, performance.now() - t, pick);
      } catch (error) {
        return { ms: performance.now() - t, code: (error as { code?: string }).code ?? "CLIENT" };
      }
    },
    /** The URL path a public query is sent to as GET (the cache key of an HTTP cache). */
    getPath(query: string, operationName: string, variables: Record<string, unknown>): string {
      return `/graphql?${new URLSearchParams({ query, operationName, variables: JSON.stringify(variables) })}`;
    },
    /** GET of a path from getPath, never with a token; `ifNoneMatch`: the ETag of the copy the client holds. */
    async get<T>(path: string, pick: (data: any) => T, ifNoneMatch?: string): Promise<GetOutcome<T>> {
      const t = performance.now();
      try {
        const { status, text, headers } = await send("GET", path, null, ifNoneMatch ? { "if-none-match": ifNoneMatch } : {});
        const ms = performance.now() - t;
        if (status === 304) return { ms, status, headers };
        return { ...outcome(status, text, headers, ms, pick), status, text };
      } catch (error) {
        return { ms: performance.now() - t, status: 0, code: (error as { code?: string }).code ?? "CLIENT" };
      }
    },
  };
}

const retryable = new Set(["40001", "40P01", "55P03"]);

export type DirectClient = ReturnType<typeof makeDirect>;

export function makeDirect(pool: pg.Pool) {
  return {
    /** One call in a transaction as keepr_anonymous, retried on serialization failures and deadlocks as the server does. */
    async call<T>(name: string, text: string, values: unknown[], pick: (rows: any[]) => T): Promise<Outcome<T>> {
      const t = performance.now();
      const client = await pool.connect();
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            await client.query(`begin; set local role keepr_anonymous; set local keepr.request_id = '${randomUUID()}'`);
            const result = await client.query({ name, text, values });
            await client.query("commit");
            return { ms: performance.now() - t, data: pick(result.rows) };
          } catch (error) {
            await client.query("rollback").catch(() => {});
            const sqlstate = (error as { code?: string }).code ?? "";
            if (retryable.has(sqlstate) && attempt < 3) {
              await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
              continue;
            }
            return { ms: performance.now() - t, code: classifyDatabaseError(error)?.code ?? (sqlstate || "ERROR") };
          }
        }
      } finally {
        client.release();
      }
    },
  };
}

// The operations, in both forms.
export const gql = {
  search: `query Search($arrival: Date!, $departure: Date!, $adults: Int!, $city: String!) {
    searchAvailability(arrival: $arrival, departure: $departure, adults: $adults, children: 0, city: $city) {
      nodes { propertyId roomTypeId ratePlanId unitsLeft totalAmount isBookable }
    }
  }`,
  quote: `query Quote($ratePlanId: UUID!, $arrival: Date!, $departure: Date!, $adults: Int!) {
    quote(ratePlanId: $ratePlanId, arrival: $arrival, departure: $departure, adults: $adults, children: 0) {
      totalAmount unitsLeft validUntil quoteToken
    }
  }`,
  hold: `mutation Hold($quoteToken: String!, $key: String!) {
    createHold(input: { quoteToken: $quoteToken, idempotencyKey: $key }) { result { reservationId expiresAt totalAmount holdToken } }
  }`,
  // The guest confirms the hold they made: its hold token is the proof.
  confirm: `mutation Confirm($id: UUID!, $key: String!, $name: String!, $email: String!, $phone: String, $holdToken: String!) {
    confirmBooking(input: { reservationId: $id, idempotencyKey: $key, fullName: $name, email: $email, phone: $phone, holdToken: $holdToken }) {
      result { confirmationCode status }
    }
  }`,
};
export const sql = {
  search: `select property_id, room_type_id, rate_plan_id, units_left, total_amount, is_bookable
             from app_public.search_availability($1::date, $2::date, $3::integer, 0, null, $4::text, null, false)`,
  quote: `select total_amount, units_left, valid_until, quote_token from app_public.quote($1::uuid, $2::date, $3::date, $4::integer, 0)`,
  hold: `select reservation_id, expires_at, total_amount, hold_token from app_public.create_hold($1::text, $2::text)`,
  confirm: `select confirmation_code, status from app_public.confirm_booking($1::uuid, $2::text, $3::text, $4::text, $5::text, hold_token => $6::text)`,
};

export type Stay = {
  city: string;
  arrival: string;
  departure: string;
  adults: number;
};
export interface Guest {
  name: string;
  email: string;
  phone: string;
}
export interface SearchRow {
  isBookable: boolean;
  ratePlanId: string;
  roomTypeId: string;
  unitsLeft: number;
}

/** The guest operations, one shape whatever carries them (the API over HTTP, or SQL). */
export interface GuestOps {
  search(s: Stay): Promise<Outcome<SearchRow[]>>;
  quote(ratePlanId: string, arrival: string, departure: string, adults: number): Promise<Outcome<string>>;
  hold(quoteToken: string): Promise<Outcome<{ id: string; token: string }>>;
  confirm(reservationId: string, holdToken: string, guest: Guest): Promise<Outcome<string>>;
}

export function apiOps(api: ApiClient): GuestOps {
  return {
    search: (s) =>
      api.call(gql.search, { ...s }, (d) =>
        (d.searchAvailability.nodes as Array<{ isBookable: boolean; ratePlanId: string; roomTypeId: string; unitsLeft: number }>).map((r) => ({
          isBookable: r.isBookable, ratePlanId: r.ratePlanId, roomTypeId: r.roomTypeId, unitsLeft: r.unitsLeft,
        })),
      ),
    quote: (ratePlanId, arrival, departure, adults) => api.call(gql.quote, { ratePlanId, arrival, departure, adults }, (d) => d.quote.quoteToken as string),
    hold: (quoteToken) =>
      api.call(gql.hold, { quoteToken, key: randomUUID() }, (d) => ({ id: d.createHold.result.reservationId as string, token: d.createHold.result.holdToken as string })),
    confirm: (id, holdToken, g) =>
      api.call(gql.confirm, { id, key: randomUUID(), ...g, holdToken }, (d) => d.confirmBooking.result.confirmationCode as string),
  };
}

export function directOps(direct: DirectClient): GuestOps {
  return {
    search: (s) =>
      direct.call("search", sql.search, [s.arrival, s.departure, s.adults, s.city], (rows) =>
        (rows as Array<{ is_bookable: boolean; rate_plan_id: string; room_type_id: string; units_left: number }>).map((r) => ({
          isBookable: r.is_bookable, ratePlanId: r.rate_plan_id, roomTypeId: r.room_type_id, unitsLeft: r.units_left,
        })),
      ),
    quote: (ratePlanId, arrival, departure, adults) =>
      direct.call("quote", sql.quote, [ratePlanId, arrival, departure, adults], (rows) => rows[0].quote_token as string),
    hold: (quoteToken) =>
      direct.call("hold", sql.hold, [quoteToken, randomUUID()], (rows) => ({ id: rows[0].reservation_id as string, token: rows[0].hold_token as string })),
    confirm: (id, holdToken, g) =>
      direct.call("confirm", sql.confirm, [id, randomUUID(), g.name, g.email, g.phone, holdToken], (rows) => rows[0].confirmation_code as string),
  };
}

export const benchGuest = (): Guest => ({ name: "Bench Guest", email: `bench-${randomUUID()}@example.com`, phone: "+351 912 345 678" });

/**
 * One booking: createHold on the quote token, then confirmBooking with the
 * hold token. Records the hold and the confirmation apart (parts.createHold,
 * parts.confirmBooking) and the whole in stats; resolves with the
 * reservation's id once the booking is acknowledged (confirmed), else null.
 */
export async function bookOnce(ops: GuestOps, quoteToken: string, stats: Stats, parts: Record<string, Stats>): Promise<string | null> {
  const hold = await ops.hold(quoteToken);
  if (!hold.data) {
    parts.createHold!.fail(hold.code!);
    stats.fail(hold.code!);
    return null;
  }
  parts.createHold!.ok(hold.ms);
  const confirm = await ops.confirm(hold.data.id, hold.data.token, benchGuest());
  if (!confirm.data) {
    parts.confirmBooking!.fail(confirm.code!);
    stats.fail(confirm.code!);
    return null;
  }
  parts.confirmBooking!.ok(confirm.ms);
  stats.ok(hold.ms + confirm.ms);
  return hold.data.id;
}

// ---------------------------------------------------------------------------
// Random stays, bookable stays and quote tokens
// ---------------------------------------------------------------------------

export const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
/** A guest's search: a city, arrival 1–60 days ahead, 2–7 nights, 1–2 adults. */
export const randomStay = (cities: string[]): Stay => {
  const ahead = 1 + Math.floor(Math.random() * 60);
  const nights = 2 + Math.floor(Math.random() * 6);
  return { city: pick(cities), arrival: day(ahead), departure: day(ahead + nights), adults: 1 + Math.floor(Math.random() * 2) };
};

export interface Candidate {
  ratePlanId: string;
  arrival: string;
  departure: string;
  adults: number;
  /** room type + dates: the rate plans of a room type share its units. */
  stayKey: string;
}

export interface Candidates {
  list: Candidate[];
  /** Units left per room type and dates when found. */
  unitsLeft: Map<string, number>;
  /** Bookings the stays have room for (half the units left of each). */
  capacity: number;
}

/**
 * Bookable stays, found by random searches (not measured) with the units left
 * for each room type and dates: bookings take at most half of them, so
 * SOLD_OUT stays occasional (overlapping dates still compete). Searches
 * until there is room for `room` bookings, or 120 s have passed, or 500
 * searches in a row found no stay not found before (a small data set has
 * no more to find).
 */
export async function findCandidates(ops: GuestOps, cities: string[], clients: number, room = 40_000): Promise<Candidates> {
  const found: Candidates = { list: [], unitsLeft: new Map(), capacity: 0 };
  let fruitless = 0;
  await runLoops(clients, 120, async () => {
    const s = randomStay(cities);
    const out = await ops.search(s);
    fruitless++;
    for (const r of out.data ?? []) {
      if (!r.isBookable) continue;
      const stayKey = `${r.roomTypeId}|${s.arrival}|${s.departure}`;
      if (found.list.length < 200_000) found.list.push({ ratePlanId: r.ratePlanId, arrival: s.arrival, departure: s.departure, adults: s.adults, stayKey });
      if (!found.unitsLeft.has(stayKey)) {
        found.unitsLeft.set(stayKey, r.unitsLeft);
        found.capacity += Math.max(1, Math.floor(r.unitsLeft / 2));
        fruitless = 0;
      }
    }
    return found.capacity < room && fruitless < 500;
  }, false);
  return found;
}

/**
 * Quote tokens for a booking phase, made beforehand (not timed) by `ops`
 * (SQL on the primary): at most half the units left of each room type and
 * dates are quoted.
 */
export class QuoteTokens {
  readonly tokens: string[] = [];
  private readonly bookable: Map<string, number>;
  private readonly ops: GuestOps;
  private readonly candidates: Candidates;
  private readonly clients: number;
  constructor(ops: GuestOps, candidates: Candidates, clients: number) {
    this.ops = ops;
    this.candidates = candidates;
    this.clients = clients;
    this.bookable = new Map([...candidates.unitsLeft].map(([key, n]) => [key, Math.max(1, Math.floor(n / 2))]));
  }
  /** Makes up to `count` more tokens; says how many it made and how long it took. */
  async make(count: number, log: (line: string) => void = console.log): Promise<void> {
    const t = performance.now();
    const before = this.tokens.length;
    const open = this.candidates.list.filter((c) => (this.bookable.get(c.stayKey) ?? 0) > 0);
    if (!open.length) return;
    await runLoops(this.clients, 600, async () => {
      let c = pick(open);
      while ((this.bookable.get(c.stayKey) ?? 0) <= 0) {
        if (!open.some((o) => (this.bookable.get(o.stayKey) ?? 0) > 0)) return false;
        c = pick(open);
      }
      this.bookable.set(c.stayKey, this.bookable.get(c.stayKey)! - 1);
      const out = await this.ops.quote(c.ratePlanId, c.arrival, c.departure, c.adults);
      if (out.data) this.tokens.push(out.data);
      return this.tokens.length - before < count;
    }, false);
    const made = this.tokens.length - before;
    log(`(${made} quote tokens made in ${((performance.now() - t) / 1000).toFixed(1)} s, not timed${made < count ? `; no room left for more than ${made}` : ""})`);
  }
  /** Drops the tokens left (a warm-up's) so the measured phase books on fresh ones. */
  clear(): void {
    this.tokens.length = 0;
  }
  take(): string | undefined {
    return this.tokens.pop();
  }
}

/**
 * Cancels the reservations made since `since` and releases their nights, so
 * the next phase sees the same inventory. Only their own claims: a claim made
 * since then for an older reservation (the allocator moved it to another
 * unit to make room) stays, else that reservation would hold no night and
 * its unit-nights could be sold again.
 */
export async function restoreInventory(owner: pg.Pool, since: Date, log: (line: string) => void = console.log): Promise<void> {
  const client = await owner.connect();
  try {
    await client.query("begin");
    const res = await client.query(
      `update app_public.reservations set status = 'cancelled', cancelled_at = now(), hold_expires_at = null, cancellation_reason = 'bench'
        where created_at >= $1 and status in ('held', 'confirmed')`,
      [since],
    );
    await client.query(
      `update app_public.inventory_claims c set released_at = now()
         from app_public.reservations r
        where r.property_id = c.property_id and r.id = c.reservation_id and r.created_at >= $1
          and c.released_at is null and c.kind in ('hold', 'reservation')`,
      [since],
    );
    await client.query("commit");
    log(`(${res.rowCount} bench reservations cancelled and their nights released)`);
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------
// Keepr on the scale data
// ---------------------------------------------------------------------------

/**
 * Waits until the database is as it would be in service, before anything is
 * measured: the generated rows vacuumed (visibility map and hint bits set,
 * as autovacuum would leave them) and analysed, and realtime's logical
 * replication slot past the generator's WAL. Measured at once, the first
 * phase ran beside autovacuum and the WAL sender decoding a million inserted
 * rows (and realtime reading them), and was charged for both.
 */
export async function settle(owner: pg.Pool, log: (line: string) => void = console.log): Promise<void> {
  const t = performance.now();
  await owner.query("vacuum (analyze)");
  const lsn = (await owner.query<{ lsn: string }>("select pg_catalog.pg_current_wal_lsn()::text as lsn")).rows[0]!.lsn;
  const deadline = performance.now() + 300_000;
  for (;;) {
    const { rows } = await owner.query<{ behind: number }>(
      "select count(*)::int as behind from pg_catalog.pg_replication_slots where slot_type = 'logical' and (confirmed_flush_lsn is null or confirmed_flush_lsn < $1::pg_lsn)",
      [lsn],
    );
    if (rows[0]!.behind === 0) break;
    if (performance.now() > deadline) {
      log(`(a logical replication slot is still behind ${lsn} after 300 s; measuring anyway)`);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`(settled in ${((performance.now() - t) / 1000).toFixed(1)} s: vacuum (analyze), realtime's slot past the generated data)`);
}

// ---------------------------------------------------------------------------
// Skewed demand
// ---------------------------------------------------------------------------

/**
 * Zipf's law over `n` ranks: rank k (1-based) is drawn with probability
 * proportional to 1 / k^s. Drawn by inverting the cumulative distribution
 * (a binary search over n sums), from a seeded random source.
 */
export class Zipf {
  private readonly cumulative: Float64Array;
  readonly n: number;
  readonly s: number;
  private readonly random: () => number;
  constructor(n: number, s: number, random: () => number) {
    this.n = n;
    this.s = s;
    this.random = random;
    if (!(Number.isInteger(n) && n >= 1) || !(s >= 0)) throw new Error("Zipf: n a whole number ≥ 1, s ≥ 0");
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let k = 1; k <= n; k++) this.cumulative[k - 1] = sum += 1 / k ** s;
    for (let i = 0; i < n; i++) this.cumulative[i]! /= sum;
  }
  /** The probability of rank k (1-based). */
  share(k: number): number {
    return this.cumulative[k - 1]! - (k > 1 ? this.cumulative[k - 2]! : 0);
  }
  /** A rank, 0-based (0 the most frequent). */
  next(): number {
    const u = this.random();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The end of a bench that ran Keepr (helpers/keepr-process.ts) on a
 * throwaway data directory: its pools ended, Keepr stopped (its output shown
 * if it did not exit cleanly), its Postgres stopped if it outlived Keepr,
 * the directory deleted (kept with `keepDataDir`: a bench's --data-dir).
 */
export async function stopBenchKeepr(state: { running: KeeprProcess | null; pgPid: number | null; pools: pg.Pool[]; dataDir: string; keepDataDir?: boolean }): Promise<void> {
  await Promise.all(state.pools.splice(0).map((p) => p.end().catch(() => {})));
  if (state.running) {
    const code = await stopKeepr(state.running, "SIGINT");
    if (code !== 0) console.error(`Keepr exited with ${code}:\n${state.running.output().slice(-4000)}`);
  }
  if (state.pgPid !== null && (await stillRunningAfter(state.pgPid, 20_000))) {
    console.error(`Postgres (pid ${state.pgPid}) is still running after Keepr stopped; stopping it`);
    process.kill(state.pgPid, "SIGQUIT");
  }
  if (!state.keepDataDir) rmSync(state.dataDir, { recursive: true, force: true });
}

/** Ctrl-C: the first asks every client loop to end (interruption.requested) and calls `then`; the second exits at once. */
export function onInterrupt(then: () => void): void {
  process.on("SIGINT", () => {
    if (interruption.requested) process.exit(130);
    interruption.requested = true;
    then();
    console.error("\ninterrupted: stopping Keepr and Postgres (Ctrl-C again to leave them running)");
  });
}
