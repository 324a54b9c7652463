// npm run bench -- mix [--seconds 60] [--warmup 10] [--clients 32] [--pool N] [--zipf-s 1.1] [--mix-seed 1]
//                      [--look-to-book 500] [--quote-share 0.2] [--cancel-share 0.2] [--cancel-after 5]
//                      [--desk-users 2] [--poll-seconds 3] [--subscribers 100] [--honour-cache] [--no-search-cache]
//                      [--properties 50] [--units 5000] [--days 365] [--occupancy 0.6] [--seed 42]
//                      [--port P] [--pg-port P] [--realtime-process] [--data-dir DIR] [--autogroup-nice N]
//
// The realistic mixed workload (issue 23), everything at once, as its users
// send it:
//  1. starts Keepr (`node main.ts` with its worker and realtime, no demo
//     data) on a throwaway data directory and generates the scale data set
//     (db/seed-scale.ts, the booking bench's; options to shrink it), then
//     waits until the database is settled (vacuumed, realtime's slot past
//     the generated rows); with --data-dir, Keepr's data directory is that
//     one, kept afterwards, and the scale data is generated into it only
//     when it holds none yet (as the booking bench's --data-dir: a later run
//     reuses it and settles it again);
//  2. for --warmup seconds (not measured), then --seconds (measured), at once:
//     guests   --clients closed loops. A guest's key (city, arrival 1–60
//              days ahead, 2–7 nights, 1–2 adults) is drawn from a Zipf
//              distribution (exponent --zipf-s) over every key, ranked in a
//              seeded random order (--mix-seed), so the same city and dates
//              are asked again and again. Each turn is a search (GET
//              /graphql, the guest app's own Search document, no token, as
//              web/src/api.ts sends it), a quote on a bookable rate plan a
//              search of that key found (POST, share --quote-share of the
//              looks), or, once per --look-to-book looks, a booking: quote,
//              createHold, confirmBooking (the guest app's documents). A
//              share --cancel-share of the bookings is cancelled
//              --cancel-after seconds later by the guest (lookupBooking with
//              the code and email, then cancelReservation with its token).
//              By default the client ignores the HTTP cache headers (every
//              search reaches Keepr, as a metasearch crawler would);
//              --honour-cache makes it keep answers as a shared HTTP cache
//              does (fresh for max-age, then revalidated with If-None-Match).
//     staff    --desk-users front-desk users, logged in through the API,
//              each polling the Today board (frontDeskDay) and the
//              reservations list (searchReservations, first page) every
//              --poll-seconds, with the console's own documents;
//     realtime --subscribers @supabase/realtime-js clients with desk users'
//              tokens (one user per property), spread over the properties
//              of the most asked city, each listening to postgres_changes on
//              its property's reservations and inventory_claims as the
//              console does; each change is timed from its commit timestamp
//              to its arrival;
//     worker   Keepr's worker delivering the messages the bookings and
//              cancellations cause (no SMTP_URL: to the outbox directory,
//              as the booking bench runs it).
//     search cache Keepr's WAL-invalidated search cache (server/search-cache.ts)
//              is on, as npm start runs it; --no-search-cache runs Keepr with
//              SEARCH_CACHE=false (every search computed: the "before").
//     --realtime-process runs realtime (and the search cache's feed) as a
//              process of its own (`npm run realtime` beside `REALTIME=false
//              node main.ts`), the subscribers on its port.
//     --autogroup-nice N sets the scheduler autogroup's nice of Keepr's
//              session, the realtime process's and this bench's (as the
//              booking bench's option and docs/operations.md's "Keepr and
//              Postgres on the same cores"; root or CAP_SYS_NICE), and puts
//              the bench's back at the end.
//  3. prints, per path: calls, rate, p50/p95/p99, errors by code (SOLD_OUT
//     counted apart); the Zipf seed and the top keys' shares (expected and
//     seen); the CPU of the bench client, Keepr and Postgres; messages
//     delivered and their queue-to-sent time; realtime events, their
//     commit-to-receive lag and deliveries missing (a change another
//     subscriber of the same property received); the search cache's hit rate
//     (X-Keepr-Cache of each answer) and staleness (commit to invalidation
//     applied in the API, keepr_search_cache_staleness_seconds scraped from
//     /metrics before and after the window); the load average before and after; and a check
//     that no night was sold twice (live claims overlapping on a unit).
import "../../core/env.ts";
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { RealtimeClient, type RealtimePostgresChangesPayload } from "@supabase/realtime-js";
import { openDatabase } from "../../core/database.ts";
import { loadConfig } from "../../core/config.ts";
import { defaultScaleOptions, formatScaleResult, generateScaleData, scaleSlugPrefix, type ScaleOptions } from "../../db/seed-scale.ts";
import * as web from "../../web/src/documents.ts";
import * as admin from "../../admin/src/platform/documents.ts";
import { seededRandom } from "../helpers/random.ts";
import { benchDataDir, freePort, postmasterPid, startKeepr, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import { autogroupWeigher, processCpuSeconds } from "../helpers/cpu.ts";
import { anonKey } from "../../core/auth.ts";
import { spawn } from "node:child_process";
import path from "node:path";
import { disconnect } from "../realtime/harness.ts";
import { backendsCpu, backendsCpuSince, cpuSnapshot, day, formatCodes, makeApi, ms, onInterrupt, runLoops, settle, Stats, stopBenchKeepr, Zipf } from "./load.ts";
import { percentile } from "./latency.ts";
import { rankedGuestKeys, type GuestKey } from "./spike-flood.ts";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    warmup: { type: "string", default: "10" },
    clients: { type: "string", default: "32" },
    pool: { type: "string" },
    "zipf-s": { type: "string", default: "1.1" },
    "mix-seed": { type: "string", default: "1" },
    "look-to-book": { type: "string", default: "500" },
    "quote-share": { type: "string", default: "0.2" },
    "cancel-share": { type: "string", default: "0.2" },
    "cancel-after": { type: "string", default: "5" },
    "desk-users": { type: "string", default: "2" },
    "poll-seconds": { type: "string", default: "3" },
    subscribers: { type: "string", default: "100" },
    "honour-cache": { type: "boolean", default: false },
    "no-search-cache": { type: "boolean", default: false },
    properties: { type: "string", default: String(defaultScaleOptions.properties) },
    units: { type: "string", default: String(defaultScaleOptions.units) },
    days: { type: "string", default: String(defaultScaleOptions.days) },
    occupancy: { type: "string", default: String(defaultScaleOptions.occupancy) },
    seed: { type: "string", default: String(defaultScaleOptions.seed) },
    port: { type: "string" },
    "pg-port": { type: "string" },
    "realtime-process": { type: "boolean", default: false },
    "data-dir": { type: "string" },
    "autogroup-nice": { type: "string" },
  },
  strict: true,
});
const num = (name: keyof typeof args) => Number(args[name]);
const seconds = num("seconds");
const warmup = num("warmup");
const clients = num("clients");
const poolSize = Number(args.pool ?? args.clients);
const zipfS = num("zipf-s");
const mixSeed = num("mix-seed");
const lookToBook = num("look-to-book");
const quoteShare = num("quote-share");
const cancelShare = num("cancel-share");
const cancelAfter = num("cancel-after");
const deskUsers = num("desk-users");
const pollSeconds = num("poll-seconds");
const subscriberCount = num("subscribers");
const honourCache = args["honour-cache"] === true;
const searchCacheOn = args["no-search-cache"] !== true;
const realtimeApart = args["realtime-process"] === true;
/** --autogroup-nice for Keepr's process, the realtime process and this bench's own. */
const { weigh, restore: restoreAutogroup } = autogroupWeigher(args["autogroup-nice"]);
const metricsToken = `bench-mix-metrics-${randomUUID()}`;
const scale: ScaleOptions = {
  ...defaultScaleOptions, properties: num("properties"), units: num("units"), days: num("days"), occupancy: num("occupancy"), seed: num("seed"),
};
{
  const problems: string[] = [];
  for (const [name, v, min] of [
    ["seconds", seconds, 1], ["warmup", warmup, 0], ["clients", clients, 1], ["pool", poolSize, 1], ["look-to-book", lookToBook, 1],
    ["cancel-after", cancelAfter, 0], ["desk-users", deskUsers, 0], ["poll-seconds", pollSeconds, 0.1], ["subscribers", subscriberCount, 0],
    ["zipf-s", zipfS, 0],
  ] as const) if (!Number.isFinite(v) || v < min) problems.push(`--${name} must be a number ≥ ${min}`);
  for (const [name, v] of [["quote-share", quoteShare], ["cancel-share", cancelShare]] as const) if (!(v >= 0 && v <= 1)) problems.push(`--${name} must be in [0, 1]`);
  if (!Number.isInteger(mixSeed)) problems.push("--mix-seed must be a whole number");
  if (problems.length) {
    console.error(problems.join("\n"));
    process.exit(2);
  }
}

// The bench always runs its own embedded Postgres.
for (const name of ["DATABASE_URL", "AUTH_DATABASE_URL", "ROOT_DATABASE_URL", "SHADOW_DATABASE_URL"]) delete process.env[name];

const deskPassword = "bench-mix-desk-password-1";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// What is measured
// ---------------------------------------------------------------------------

/** Whether the measured window is open: calls that start inside it are recorded. */
let measuring = false;
const paths = {
  search: new Stats(),
  /** The searches above, split by what the search cache said (X-Keepr-Cache). */
  "search: cache hit": new Stats(),
  "search: computed": new Stats(),
  quote: new Stats(),
  createHold: new Stats(),
  confirmBooking: new Stats(),
  /** createHold + confirmBooking, per completed booking. */
  booking: new Stats(),
  lookupBooking: new Stats(),
  cancelReservation: new Stats(),
  "staff: Today board": new Stats(),
  "staff: reservations list": new Stats(),
};
type PathName = keyof typeof paths;
const record = (name: PathName, out: { ms: number; code?: string }, recorded: boolean) => {
  if (!recorded) return;
  out.code ? paths[name].fail(out.code) : paths[name].ok(out.ms);
};
/** What the search cache said of each search and quote answered in the window (X-Keepr-Cache). */
const cacheOutcomes = { search: new Map<string, number>(), quote: new Map<string, number>() };
const noteCache = (path: "search" | "quote", headers: Record<string, unknown> | undefined, recorded: boolean) => {
  if (!recorded) return;
  const value = headers?.["x-keepr-cache"];
  const outcome = typeof value === "string" ? value : "none";
  cacheOutcomes[path].set(outcome, (cacheOutcomes[path].get(outcome) ?? 0) + 1);
};
/**
 * Why each computed search of the window (X-Keepr-Cache miss or bypass) was
 * computed, as the client sees it: a key asked for the first time in the run
 * (warm-up included), a key whose last computed answer is at least
 * SEARCH_CACHE_TTL_SECONDS old (expired), a key computed less than that ago
 * (its answer dropped by an invalidation, refused by the generation guard or
 * evicted), or the lag guard's bypass.
 */
const computedWhy = { "first-time key": 0, "after the TTL": 0, "dropped before the TTL": 0, bypass: 0 };
const searchTtlMs = 1000 * Number(process.env.SEARCH_CACHE_TTL_SECONDS || 60);
/** Per search path: when the bench (all its clients) last received a computed answer. */
const lastComputed = new Map<string, number>();
/** Searches the client answered from its own HTTP cache (--honour-cache): never sent. */
const httpCache = { fresh: 0, revalidated: 0, sent: 0 };
/** Keys drawn while measuring (for the seen shares of the top keys). */
const keyCounts = new Map<number, number>();
const realtimeLag: number[] = [];
const realtimeEvents = { reservations: 0, inventory_claims: 0, leaked: 0 };

// ---------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------

let stopping = false;
let running: KeeprProcess | null = null;
/** --realtime-process: `node realtime/main.ts`, stopped before Keepr (whose Postgres it uses). */
let realtimeProcess: KeeprProcess | null = null;
const { dataDir, keepDataDir } = benchDataDir(args["data-dir"]);
const pools: pg.Pool[] = [];
let pgPid: number | null = null;
const realtimeClients: RealtimeClient[] = [];

async function cleanUp(): Promise<void> {
  await Promise.all(realtimeClients.splice(0).map((c) => disconnect(c).catch(() => {})));
  if (realtimeProcess) {
    const code = await stopKeepr(realtimeProcess, "SIGINT");
    if (code !== 0) console.error(`realtime exited with ${code}:\n${realtimeProcess.output().slice(-4000)}`);
    realtimeProcess = null;
  }
  await stopBenchKeepr({ running, pgPid, pools, dataDir, keepDataDir });
  restoreAutogroup();
  running = null;
}
onInterrupt(() => (stopping = true));

type Key = GuestKey;
interface Bookable {
  ratePlanId: string;
}

let exitCode = 0;
const loadBefore = loadavg().map((x) => x.toFixed(2)).join(" ");
try {
  const port = args.port ? Number(args.port) : await freePort();
  const pgPort = args["pg-port"] ? Number(args["pg-port"]) : await freePort();
  running = await startKeepr({
    dataDir, port, pgPort,
    env: {
      SEED: "false", ADMIN_BUILD: "false", API_POOL_SIZE: String(poolSize), LOG_LEVEL: "warn", WORKER: "true",
      SEARCH_CACHE: String(searchCacheOn), METRICS_TOKEN: metricsToken, REALTIME: String(!realtimeApart),
    },
  });
  pgPid = postmasterPid(dataDir);
  weigh(running.child.pid!, "Keepr");
  weigh(process.pid, "the bench");
  const url = running.url;
  console.log(`Keepr ready in ${running.readyMs} ms (${url}, Postgres pid ${pgPid} on port ${pgPort}, data ${dataDir}), worker on`);
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }), () => {});
  /** Where the subscribers connect: Keepr's own port, or the realtime process's. */
  let realtimeUrl = url;
  if (realtimeApart) {
    const realtimePort = await freePort();
    realtimeProcess = await startRealtimeProcess({ dataDir, pgPort, port: realtimePort });
    realtimeUrl = `http://127.0.0.1:${realtimePort}`;
    weigh(realtimeProcess.child.pid!, "realtime");
    console.log(`realtime ready in ${realtimeProcess.readyMs} ms (${realtimeUrl}, pid ${realtimeProcess.child.pid}): the feed and the subscribers off the API's process`);
  }
  const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  const existing = (await owner.query<{ n: number }>("select count(*)::int as n from app_public.organizations where slug like $1", [`${scaleSlugPrefix}%`])).rows[0]!.n;
  if (keepDataDir && existing > 0) {
    console.log(`reusing the scale data in ${dataDir} (${existing} generated organizations; generated with the options it was made with, not necessarily these)`);
  } else {
    console.log(`generating scale data (seed ${scale.seed})…`);
    console.log(formatScaleResult(await generateScaleData(db, scale), scale));
  }
  pools.push(owner);
  // Idle connections fail when Postgres stops at the end: expected.
  owner.on("error", () => {});
  await settle(owner);

  // The demand: every key, ranked in a seeded random order, drawn by Zipf.
  const cities = (await owner.query<{ city: string }>("select distinct city from app_public.properties where is_published order by 1")).rows.map((r) => r.city);
  const keys = rankedGuestKeys(cities, mixSeed);
  const random = seededRandom(mixSeed ^ 0x9e3779b9);
  const zipf = new Zipf(keys.length, zipfS, random);
  const keyText = (k: Key) => `${k.city}, +${k.ahead} d, ${k.nights} nights, ${k.adults} adult${k.adults > 1 ? "s" : ""}`;
  const topCity = keys[0]!.city;

  // Staff: front-desk users of the properties of the most asked city (one each, for the realtime subscribers), and --desk-users pollers at the first.
  const properties = (await owner.query<{ id: string; name: string }>("select id, name from app_public.properties where is_published and city = $1 order by id", [topCity])).rows;
  const makeDesk = async (propertyId: string, label: string) => {
    const email = `bench-mix-${label}-${randomUUID()}@example.com`;
    const userId = (await owner.query<{ id: string }>("insert into app_public.users (email, display_name) values ($1, 'Bench Desk') returning id", [email])).rows[0]!.id;
    await owner.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))", [userId, deskPassword]);
    await owner.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'front_desk')", [propertyId, userId]);
    const api = makeApi(url, 1);
    const out = await api.call(admin.login.source, { email, password: deskPassword }, (d) => d.login.result as string, admin.login.name);
    api.agent.destroy();
    if (!out.data) throw new Error(`a bench desk user could not log in: ${out.code}`);
    return out.data;
  };
  const pollProperty = properties[0]!;
  const pollTokens = await Promise.all(Array.from({ length: deskUsers }, (_, i) => makeDesk(pollProperty.id, `poll-${i}`)));
  const subscriberTokens = await Promise.all(properties.map((p, i) => makeDesk(p.id, `live-${i}`)));

  // Realtime subscribers, as the console opens them (/admin/config.json gives the path and the public key).
  const config = realtimeApart
    ? { realtime: { path: "/realtime/v1", apiKey: anonKey(db.jwtSecret) } }
    : ((await (await fetch(`${url}/admin/config.json`)).json()) as { realtime: { path: string; apiKey: string } | null });
  if (!config.realtime && subscriberCount > 0) throw new Error("this Keepr runs no realtime service (/admin/config.json says realtime: null)");
  const subscribed: Array<Promise<void>> = [];
  /** The changes each subscriber received, and every change any subscriber of a property received (what each of them should have). */
  const received = Array.from({ length: subscriberCount }, () => new Set<string>());
  const seenAt = new Map<string, Set<string>>();
  const subscriberProperty = (i: number) => properties[i % properties.length]!.id;
  for (let i = 0; i < subscriberCount; i++) {
    const property = properties[i % properties.length]!;
    const client = new RealtimeClient(`${realtimeUrl.replace(/^http/, "ws")}${config.realtime!.path}`, { params: { apikey: config.realtime!.apiKey }, timeout: 30_000 });
    client.setAuth(subscriberTokens[i % properties.length]!);
    realtimeClients.push(client);
    for (const table of ["reservations", "inventory_claims"] as const) {
      const channel = client.channel(`live:${property.id}:${table}:${i}`).on(
        "postgres_changes",
        { event: "*", schema: "app_public", table, filter: `property_id=eq.${property.id}` },
        (payload: RealtimePostgresChangesPayload<Record<string, unknown>>) => {
          const row = (payload.eventType === "DELETE" ? payload.old : payload.new) as { property_id?: string; id?: string };
          const change = `${table}:${payload.eventType}:${row.id}:${payload.commit_timestamp}`;
          received[i]!.add(change);
          const all = seenAt.get(property.id) ?? new Set<string>();
          all.add(change);
          seenAt.set(property.id, all);
          if (!measuring) return;
          if (row.property_id !== property.id) realtimeEvents.leaked++;
          realtimeEvents[table]++;
          realtimeLag.push(Date.now() - Date.parse(payload.commit_timestamp));
        },
      );
      subscribed.push(new Promise((resolve, reject) => channel.subscribe((status) => (status === "SUBSCRIBED" ? resolve() : status !== "CLOSED" && reject(new Error(`realtime channel: ${status}`))))));
    }
    if (i % 50 === 49) await sleep(20); // not every socket in one tick
  }
  await Promise.all(subscribed);

  // The guests' clients.
  const guestApi = makeApi(url, clients);
  /** Bookable rate plans a search of each key found (the guest's next step quotes one of them). */
  const found = new Map<number, Bookable[]>();
  const cached = new Map<string, { etag?: string; text: string; freshUntil: number }>();
  const stayOf = (k: Key) => ({ arrival: day(k.ahead), departure: day(k.ahead + k.nights), adults: k.adults });
  const pickSearch = (d: any) => (d.searchAvailability.nodes as Array<web.Availability | null>).filter((n): n is web.Availability => n !== null);
  const remember = (rank: number, nodes: web.Availability[]) => found.set(rank, nodes.filter((n) => n.isBookable).map((n) => ({ ratePlanId: n.ratePlanId })));

  async function search(rank: number, recorded: boolean): Promise<void> {
    const k = keys[rank]!;
    const path = guestApi.getPath(web.search.source, web.search.name, { ...stayOf(k), children: 0, city: k.city, propertyId: null });
    const copy = honourCache ? cached.get(path) : undefined;
    if (copy && copy.freshUntil > Date.now()) {
      if (recorded) httpCache.fresh++;
      return;
    }
    const out = await guestApi.get(path, pickSearch, copy?.etag);
    if (recorded) httpCache.sent++;
    noteCache("search", out.headers, recorded);
    if (out.status === 304 && copy) {
      if (recorded) httpCache.revalidated++;
      copy.freshUntil = Date.now() + maxAge(out.headers?.["cache-control"]) * 1000;
      record("search", { ms: out.ms }, recorded);
      return;
    }
    record("search", out, recorded);
    const said = out.headers?.["x-keepr-cache"];
    const fromCache = said === "hit" || said === "coalesced";
    record(fromCache ? "search: cache hit" : "search: computed", out, recorded);
    if (said === "miss" || said === "bypass") {
      const last = lastComputed.get(path);
      if (recorded && !out.code) {
        computedWhy[said === "bypass" ? "bypass" : last === undefined ? "first-time key" : Date.now() - last >= searchTtlMs ? "after the TTL" : "dropped before the TTL"]++;
      }
      lastComputed.set(path, Date.now());
    }
    if (out.data) {
      remember(rank, out.data);
      if (honourCache && out.text) {
        const etag = out.headers?.etag;
        cached.set(path, { etag: typeof etag === "string" ? etag : undefined, text: out.text, freshUntil: Date.now() + maxAge(out.headers?.["cache-control"]) * 1000 });
      }
    }
  }

  async function quote(rank: number, recorded: boolean): Promise<{ token: string; k: Key } | null> {
    const options = found.get(rank);
    if (!options?.length) {
      await search(rank, recorded); // nothing known to quote yet: the guest searches first
      return null;
    }
    const k = keys[rank]!;
    const choice = options[Math.floor(random() * options.length)]!;
    const out = await guestApi.call(web.quote.source, { ratePlanId: choice.ratePlanId, ...stayOf(k), children: 0 }, (d) => d.quote.quoteToken as string, web.quote.name);
    record("quote", out, recorded);
    noteCache("quote", out.headers, recorded);
    return out.data ? { token: out.data, k } : null;
  }

  const cancellations: Array<Promise<void>> = [];
  async function book(rank: number, recorded: boolean): Promise<void> {
    const q = await quote(rank, recorded);
    if (!q) return;
    const hold = await guestApi.call(web.createHold.source, { quoteToken: q.token, key: randomUUID() }, (d) => d.createHold.result as web.Hold, web.createHold.name);
    record("createHold", hold, recorded);
    if (!hold.data) {
      if (recorded) paths.booking.fail(hold.code!);
      return;
    }
    const email = `bench-${randomUUID()}@example.com`;
    const confirm = await guestApi.call(
      web.confirmBooking.source,
      { reservationId: hold.data.reservationId, key: randomUUID(), fullName: "Bench Guest", email, phone: "+351 912 345 678", specialRequests: null, holdToken: hold.data.holdToken },
      (d) => d.confirmBooking.result as web.Booking,
      web.confirmBooking.name,
    );
    record("confirmBooking", confirm, recorded);
    if (!confirm.data) {
      if (recorded) paths.booking.fail(confirm.code!);
      return;
    }
    if (recorded) paths.booking.ok(hold.ms + confirm.ms);
    if (random() < cancelShare) cancellations.push(cancelLater(confirm.data.reservationId, confirm.data.confirmationCode, email, recorded));
  }

  /** The guest changes their mind: after --cancel-after seconds, opens the booking with its code and email and cancels it. */
  async function cancelLater(reservationId: string, code: string, email: string, recorded: boolean): Promise<void> {
    await sleep(cancelAfter * 1000);
    const lookup = await guestApi.call(web.lookupBooking.source, { code, email }, (d) => d.lookupBooking.result as string, web.lookupBooking.name);
    record("lookupBooking", lookup, recorded);
    if (!lookup.data) return;
    const asGuest = makeApi(url, 1, lookup.data);
    const out = await asGuest.call(web.cancelReservation.source, { reservationId, key: randomUUID(), reason: "bench: changed plans" }, (d) => d.cancelReservation.result.status as string, web.cancelReservation.name);
    asGuest.agent.destroy();
    record("cancelReservation", out, recorded);
  }

  const guestTurn = async (recorded: boolean): Promise<boolean> => {
    const rank = zipf.next();
    if (recorded) keyCounts.set(rank, (keyCounts.get(rank) ?? 0) + 1);
    const r = random();
    // One booking per --look-to-book looks (a booking's own quote is a look too).
    if (r < 1 / lookToBook) await book(rank, recorded);
    else if (r < 1 / lookToBook + quoteShare) await quote(rank, recorded);
    else await search(rank, recorded);
    return true;
  };

  // Staff polling: each desk user, both screens every --poll-seconds.
  let staffStop = false;
  const staffLoops = pollTokens.map(async (token) => {
    const api = makeApi(url, 1, token);
    while (!staffStop && !stopping) {
      const began = performance.now();
      const recorded = measuring;
      const board = await api.call(admin.frontDeskDay.source, { propertyId: pollProperty.id, day: day(0) }, (d) => d.frontDeskDay.totalCount as number, admin.frontDeskDay.name);
      record("staff: Today board", board, recorded);
      const list = await api.call(
        admin.searchReservations.source,
        { propertyId: pollProperty.id, search: null, includeHolds: false, first: 25, offset: 0, orderBy: ["ARRIVAL_DESC", "PRIMARY_KEY_ASC"], condition: null },
        (d) => d.searchReservations.totalCount as number,
        admin.searchReservations.name,
      );
      record("staff: reservations list", list, recorded);
      const wait = pollSeconds * 1000 - (performance.now() - began);
      if (wait > 0) await sleep(wait);
    }
    api.agent.destroy();
  });

  console.log(
    `\nmix: ${clients} guest clients (Zipf s=${zipfS} over ${keys.length} keys: ${cities.length} cities × 60 arrivals × 6 lengths × 2 party sizes; mix seed ${mixSeed}), ` +
      `look-to-book ${lookToBook}:1, quotes ${(quoteShare * 100).toFixed(0)} % of looks, ${(cancelShare * 100).toFixed(0)} % of bookings cancelled after ${cancelAfter} s; ` +
      `search cache ${searchCacheOn ? "on (SEARCH_CACHE=true, as npm start runs it)" : "off (--no-search-cache)"}; ` +
      `HTTP cache headers ${honourCache ? "honoured (--honour-cache: a shared cache in the client, max-age then If-None-Match)" : "ignored (every search reaches Keepr, as a crawler's would)"}; ` +
      `${deskUsers} desk users polling every ${pollSeconds} s at ${pollProperty.name}; ${subscriberCount} realtime subscribers over the ${properties.length} properties of ${topCity}; ` +
      `worker on; API pool ${poolSize}`,
  );
  console.log(`warm-up ${warmup} s, then ${seconds} s measured`);

  // Warm-up, then the measured window.
  if (warmup > 0) {
    await runLoops(clients, warmup, () => guestTurn(false), false);
  }
  if (stopping) throw new Error("interrupted");
  const keeprPid = running.child.pid!;
  /** Postgres CPU by who asked (application_name): the API's pool (guests, staff, the realtime authorizer), the worker, realtime's WAL sender. */
  const backendGroups = ["keepr-api", "keepr-worker", "keepr_realtime", ...(realtimeApart ? ["keepr-realtime"] as const : [])] as const;
  const backends0 = await Promise.all(backendGroups.map((name) => backendsCpu(owner, name)));
  const metrics0 = await scrapeMetrics(url);
  const cpu0 = cpuSnapshot(keeprPid, pgPid!);
  const realtimeCpu0 = realtimeProcess ? processCpuSeconds(realtimeProcess.child.pid!) : 0;
  const windowStart = (await owner.query<{ now: Date }>("select clock_timestamp() as now")).rows[0]!.now;
  measuring = true;
  const { ms: wallMs } = await runLoops(clients, seconds, () => guestTurn(true), true);
  measuring = false;
  const cpu1 = cpuSnapshot(keeprPid, pgPid!);
  const realtimeCpu1 = realtimeProcess ? processCpuSeconds(realtimeProcess.child.pid!) : 0;
  const metrics1 = await scrapeMetrics(url);
  const backends1 = await Promise.all(backendGroups.map((name) => backendsCpu(owner, name)));
  const byBackend = backendGroups.map((name, i) => [name, backendsCpuSince(backends0[i]!, backends1[i]!)] as const);
  const windowEnd = (await owner.query<{ now: Date }>("select clock_timestamp() as now")).rows[0]!.now;
  staffStop = true;
  await Promise.all(staffLoops);
  const wall = wallMs / 1000;
  for (const s of Object.values(paths)) s.ms = wallMs;
  const loadAfterWindow = loadavg().map((x) => x.toFixed(2)).join(" ");

  // The guests' cancellations still waiting (counted if their booking was), then the worker's messages.
  const waitingCancels = cancellations.length;
  await Promise.all(cancellations);
  const messages = async () =>
    (await owner.query<{ queued: number; sent: number; failed: number; pending: number; p50: number | null; p95: number | null; max: number | null }>(
      `select count(*)::int as queued, count(*) filter (where status = 'sent')::int as sent,
              count(*) filter (where status = 'failed')::int as failed,
              count(*) filter (where status not in ('sent', 'failed'))::int as pending,
              (percentile_cont(0.5) within group (order by extract(epoch from sent_at - greatest(created_at, send_after)) * 1000))::float8 as p50,
              (percentile_cont(0.95) within group (order by extract(epoch from sent_at - greatest(created_at, send_after)) * 1000))::float8 as p95,
              (max(extract(epoch from sent_at - greatest(created_at, send_after)) * 1000))::float8 as max
         from app_public.notifications where created_at >= $1 and created_at < $2 and send_after <= $2`,
      [windowStart, windowEnd],
    )).rows[0]!;
  const sentInWindow = (await owner.query<{ n: number }>("select count(*)::int as n from app_public.notifications where sent_at >= $1 and sent_at < $2", [windowStart, windowEnd])).rows[0]!.n;
  const drainStart = performance.now();
  let m = await messages();
  while (m.pending > 0 && performance.now() - drainStart < 60_000 && !stopping) {
    await sleep(100);
    m = await messages();
  }

  // No night sold twice: live claims of one unit never overlap.
  const overlaps = (await owner.query<{ n: number }>(
    `select count(*)::int as n from app_public.inventory_claims a join app_public.inventory_claims b
         on b.property_id = a.property_id and b.unit_id = a.unit_id and b.id > a.id and b.stay && a.stay
      where a.released_at is null and b.released_at is null`,
  )).rows[0]!.n;
  const bookedInWindow = (await owner.query<{ n: number; cancelled: number }>(
    "select count(*)::int as n, count(*) filter (where status = 'cancelled')::int as cancelled from app_public.reservations where created_at >= $1 and created_at < $2 and confirmation_code is not null",
    [windowStart, windowEnd],
  )).rows[0]!;

  // ---------------------------------------------------------------------------
  // Report
  // ---------------------------------------------------------------------------
  console.log(`\nmeasured ${wall.toFixed(1)} s (results of calls that started in the window)`);
  console.log("path                        calls      /s     p50     p95     p99 ms   errors; expected");
  for (const [name, s] of Object.entries(paths)) {
    console.log(
      `${name.padEnd(26)} ${String(s.requests).padStart(6)} ${s.throughput.toFixed(1).padStart(7)} ${ms(s.percentile(50)).padStart(7)} ${ms(s.percentile(95)).padStart(7)} ${ms(s.percentile(99)).padStart(7)}` +
        `   ${formatCodes(s.errors)}; ${formatCodes(s.expected)}`,
    );
  }
  const looks = paths.search.requests + paths.quote.requests + httpCache.fresh;
  console.log(`looks (searches sent or not, quotes) per completed booking: ${(looks / Math.max(1, paths.booking.latencies.length)).toFixed(0)}:1 (asked ${lookToBook}:1; SOLD_OUT and failed holds make it higher)`);
  const s = paths.search;
  console.log(`search p95 ${ms(s.percentile(95))} ms at ${clients} clients (target ≤ 50 ms: ${s.percentile(95) <= 50 ? "met" : "MISSED"})`);
  console.log(
    honourCache
      ? `HTTP cache in the client (--honour-cache): ${httpCache.fresh} searches answered fresh without a request, ${httpCache.revalidated} of ${httpCache.sent} sent answered 304 Not Modified`
      : "HTTP cache headers: not honoured by this client (every search sent; --honour-cache to compare)",
  );
  if (!searchCacheOn) {
    console.log("search cache: off (--no-search-cache: SEARCH_CACHE=false; every search and quote computed)");
  } else {
    const rate = (m: Map<string, number>) => {
      const total = [...m.values()].reduce((a, b) => a + b, 0);
      const hits = (m.get("hit") ?? 0) + (m.get("coalesced") ?? 0);
      return `${((hits / Math.max(1, total)) * 100).toFixed(1)} % (${[...m.entries()].sort().map(([k, v]) => `${k} ${v}`).join(", ")})`;
    };
    console.log(`cache hit rate: searches ${rate(cacheOutcomes.search)}; quotes ${rate(cacheOutcomes.quote)}`);
    console.log(
      `computed searches, why (as the client sees it; TTL ${searchTtlMs / 1000} s): ` +
        Object.entries(computedWhy).map(([k, v]) => `${k} ${v}`).join(", "),
    );
    const staleness = histogramDelta(metrics0, metrics1, "keepr_search_cache_staleness_seconds");
    const invalidations = counterDelta(metrics0, metrics1, "keepr_search_cache_invalidations_total");
    const notStored = counterDelta(metrics0, metrics1, "keepr_search_cache_not_stored_total");
    const p95 = staleness.quantile(0.95) * 1000;
    console.log(
      `staleness (commit to invalidation applied in the API, keepr_search_cache_staleness_seconds over the window): ${staleness.count} invalidations, ` +
        `p50 ${ms(staleness.quantile(0.5) * 1000)}, p95 ${ms(p95)}, p99 ${ms(staleness.quantile(0.99) * 1000)} ms (histogram_quantile over the buckets), ` +
        `${(staleness.shareWithin(0.1) * 100).toFixed(1)} % within 100 ms (the bucket's count), ` +
        `max ≤ ${ms(staleness.maxBound() * 1000)} ms (the highest bucket with a count) (target p95 ≤ 100 ms: ${staleness.count === 0 ? "no invalidation seen" : p95 <= 100 ? "met" : "MISSED"}); ` +
        `feed messages applied ${invalidations}; answers not kept by the generation guard ${notStored}`,
    );
  }

  // The top keys: the share Zipf gives them and the share drawn.
  const drawn = [...keyCounts.values()].reduce((a, b) => a + b, 0);
  console.log(`top keys (Zipf s=${zipfS}, mix seed ${mixSeed}; ${drawn} guest turns drawn, ${keyCounts.size} distinct keys of ${keys.length}):`);
  for (let rank = 0; rank < 5; rank++) {
    console.log(`  #${rank + 1} ${keyText(keys[rank]!).padEnd(44)} expected ${(zipf.share(rank + 1) * 100).toFixed(1).padStart(5)} %, drawn ${(((keyCounts.get(rank) ?? 0) / Math.max(1, drawn)) * 100).toFixed(1).padStart(5)} %`);
  }
  const top = (n: number) => Array.from({ length: n }, (_, r) => zipf.share(r + 1)).reduce((a, b) => a + b, 0);
  console.log(`  the top 10 keys ${(top(10) * 100).toFixed(1)} %, top 100 ${(top(100) * 100).toFixed(1)} %, top 1000 ${(top(Math.min(1000, keys.length)) * 100).toFixed(1)} % of the demand`);

  const pct = (a: number, b: number) => `${(((b - a) / wall) * 100).toFixed(0)} %`;
  const guestCalls = paths.search.requests + paths.quote.requests + paths.createHold.requests + paths.confirmBooking.requests;
  console.log(
    `CPU (of one core, over the window): Keepr ${pct(cpu0.keepr, cpu1.keepr)} (${realtimeProcess ? `API and worker; realtime apart: ${pct(realtimeCpu0, realtimeCpu1)}` : "API, worker and realtime: one process"}), Postgres ${pct(cpu0.postgres, cpu1.postgres)} (the whole cluster), ` +
      `bench client ${pct(cpu0.client, cpu1.client)}; per guest request sent: Keepr ${(((cpu1.keepr - cpu0.keepr) * 1000) / Math.max(1, guestCalls)).toFixed(2)} ms, ` +
      `Postgres ${(((cpu1.postgres - cpu0.postgres) * 1000) / Math.max(1, guestCalls)).toFixed(2)} ms`,
  );
  const pgTotal = cpu1.postgres - cpu0.postgres;
  const named = byBackend.reduce((n, [, v]) => n + v, 0);
  console.log(
    `Postgres CPU by backend (application_name, of one core): ${byBackend.map(([name, v]) => `${name} ${((v / wall) * 100).toFixed(0)} %`).join(", ")}, ` +
      `the rest (autovacuum, checkpointer, WAL writer, the bench's own queries, backends that ended) ${((Math.max(0, pgTotal - named) / wall) * 100).toFixed(0)} %`,
  );
  console.log(
    `bookings made in the window: ${bookedInWindow.n} (${bookedInWindow.cancelled} since cancelled; ${waitingCancels} cancellations scheduled); ` +
      `messages they caused: ${m.queued} queued, ${m.sent} sent, ${m.failed} failed, ${m.pending} still pending ${((performance.now() - drainStart) / 1000).toFixed(1)} s after the window; ` +
      `${sentInWindow} sent within the window; queue to sent p50 ${ms(m.p50 ?? NaN)}, p95 ${ms(m.p95 ?? NaN)}, max ${ms(m.max ?? NaN)} ms`,
  );
  console.log(
    `realtime: ${subscriberCount} subscribers received ${realtimeEvents.reservations} reservation and ${realtimeEvents.inventory_claims} claim changes in the window ` +
      `(${(realtimeLag.length / Math.max(1, subscriberCount)).toFixed(1)} each); commit to receive p50 ${ms(percentile(realtimeLag, 50))}, p95 ${ms(percentile(realtimeLag, 95))}, ` +
      `max ${ms(realtimeLag.length ? realtimeLag.reduce((a, b) => Math.max(a, b)) : NaN)} ms (from the change's commit timestamp; ms resolution); another property's rows received: ${realtimeEvents.leaked}`,
  );
  // A change one subscriber of a property received and another did not (received in the window; a change no one received is not seen here).
  // Waits (at most 15 s) until every subscriber has every change another subscriber of its property received.
  const countMissing = () => {
    let n = 0;
    for (let i = 0; i < subscriberCount; i++) for (const change of seenAt.get(subscriberProperty(i)) ?? []) if (!received[i]!.has(change)) n++;
    return n;
  };
  const missingSince = performance.now();
  let missing = countMissing();
  while (missing > 0 && performance.now() - missingSince < 15_000) {
    await sleep(100);
    missing = countMissing();
  }
  const distinct = [...seenAt.values()].reduce((n, set) => n + set.size, 0);
  console.log(
    `realtime: ${distinct} distinct changes at the watched properties since the subscribers joined; deliveries missing after waiting up to 15 s ` +
      `(a change another subscriber of the same property received): ${missing}`,
  );
  console.log(`nights sold twice (pairs of live claims overlapping on one unit): ${overlaps} (target 0: ${overlaps === 0 ? "met" : "MISSED"})`);
  console.log(`load average before ${loadBefore}, at the end of the window ${loadAfterWindow}`);
  guestApi.agent.destroy();
  if (overlaps > 0) exitCode = 1;
} catch (error) {
  if (stopping) {
    exitCode = 130;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    if (running) console.error(`Keepr output (last lines):\n${running.output().slice(-4000)}`);
    exitCode = 1;
  }
} finally {
  await cleanUp();
  console.log(`stopped Keepr and Postgres${pgPid !== null ? ` (pid ${pgPid} gone)` : ""}; ${keepDataDir ? "kept" : "deleted"} ${dataDir}; load average after ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
}
process.exit(exitCode);

/** Keepr's /metrics (METRICS_TOKEN on the main port) as name{labels} → value. */
async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  const values = new Map<string, number>();
  if (!res.ok) return values;
  for (const line of (await res.text()).split("\n")) {
    if (!line.startsWith("keepr_search_cache_")) continue;
    const at = line.lastIndexOf(" ");
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

function counterDelta(before: Map<string, number>, after: Map<string, number>, name: string): number {
  let total = 0;
  for (const [key, value] of after) if (key === name || key.startsWith(`${name}{`)) total += value - (before.get(key) ?? 0);
  return total;
}

/** A histogram's buckets over the window, and Prometheus's histogram_quantile over them (linear within a bucket). */
function histogramDelta(before: Map<string, number>, after: Map<string, number>, name: string) {
  const buckets: Array<{ le: number; count: number }> = [];
  for (const [key, value] of after) {
    const match = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\}$`).exec(key);
    if (match) buckets.push({ le: match[1] === "+Inf" ? Infinity : Number(match[1]), count: value - (before.get(key) ?? 0) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const count = buckets.at(-1)?.count ?? 0;
  return {
    count,
    quantile(q: number): number {
      if (count === 0) return NaN;
      const rank = q * count;
      let lower = 0;
      let below = 0;
      for (const b of buckets) {
        if (b.count >= rank) {
          if (b.le === Infinity) return lower;
          return lower + (b.le - lower) * ((rank - below) / Math.max(1, b.count - below));
        }
        lower = b.le;
        below = b.count;
      }
      return lower;
    },
    /** The share of observations at or below a bucket's bound (exact, unlike a quantile's interpolation). */
    shareWithin(le: number): number {
      const bucket = buckets.find((b) => b.le === le);
      return bucket && count > 0 ? bucket.count / count : NaN;
    },
    /** The upper bound of the lowest bucket holding every observation. */
    maxBound(): number {
      for (const b of buckets) if (b.count >= count && count > 0) return b.le;
      return NaN;
    },
  };
}

/** max-age of a Cache-Control header, in seconds (0 when absent or no-store). */
function maxAge(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  if (/no-store|no-cache|private/.test(value)) return 0;
  return Number(/max-age=(\d+)/.exec(value)?.[1] ?? 0);
}

/**
 * `npm run realtime` (realtime/main.ts) on Keepr's embedded Postgres, in a
 * process (and session) of its own, ready once its /healthz says the
 * replication stream is connected.
 */
async function startRealtimeProcess(options: { dataDir: string; pgPort: number; port: number }): Promise<KeeprProcess> {
  const began = performance.now();
  let output = "";
  const child = spawn(process.execPath, ["realtime/main.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env, NODE_ENV: "development", DATA_DIR: options.dataDir, EMBEDDED_PG_PORT: String(options.pgPort),
      REALTIME_PORT: String(options.port), API_POOL_SIZE: String(poolSize), LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  while (performance.now() - began < 60_000) {
    if (child.exitCode !== null) throw new Error(`realtime exited with ${child.exitCode}:\n${output}`);
    const health = await fetch(`http://127.0.0.1:${options.port}/healthz`).then((r) => (r.ok ? (r.json() as Promise<{ replication: boolean | null }>) : null), () => null);
    if (health?.replication) return { child, url: `http://127.0.0.1:${options.port}`, readyMs: Math.round(performance.now() - began), output: () => output };
    await sleep(50);
  }
  child.kill("SIGKILL");
  throw new Error(`realtime was not ready within 60 s:\n${output}`);
}
