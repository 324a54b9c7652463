// npm run bench -- console [--rounds 5] [--per-round 40] [--properties 10] [--units 2000] [--days 180]
//                          [--occupancy 0.6] [--seed 42]
//
// What the staff console's day and search (issue 21) cost on the scale data:
//  1. starts Keepr (`node main.ts`, no demo data, no worker) on a throwaway
//     data directory and generates the scale data set into its embedded
//     Postgres (db/seed-scale.ts); picks the property with the most
//     reservations and signs in a front-desk user of it;
//  2. through the GraphQL API (one client, keep-alive HTTP), --rounds rounds
//     of --per-round calls each of: the list's first page
//     (searchReservations, newest arrival first), a search by a guest's
//     surname, a search by phone digits, a search by exact confirmation code,
//     and the Today board (frontDeskDay); the Guests list the same way
//     (searchGuests: first page, surname, phone digits, code) and a guest's
//     profile (guestByRowId with its stays, figures and duplicates); the
//     search terms are drawn from the property's own guests (seeded);
//  3. directly in SQL as that user (role keepr_staff with its session, as the
//     API sets it), the surname search of reservations and of guests with
//     the planner as it is and with index scans turned off (what the search
//     costs without its trigram indexes: every reservation and guest of the
//     property read), in alternating rounds;
//     And the tape chart and the rate calendar (issue 21, T): the tape
//     chart's one request over 30 days (with its unassigned lane), the lane's
//     query alone, the rate grid and the rooms left over 90 days (the
//     console's own documents), and, directly in SQL as the owner, what a
//     server-side rooms-left would cost: room_type_units_left for each of
//     the 90 nights;
//  4. prints p50/p95 per call, Postgres CPU per call (from /proc, the whole
//     cluster's processes: other work on the machine is not counted, other
//     processes' load is), the ratio without/with the indexes, and the
//     machine's load before and after; then stops Keepr and deletes its data.
import "../../core/env.ts";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../../core/database.ts";
import { loadConfig } from "../../core/config.ts";
import { defaultScaleOptions, formatScaleResult, generateScaleData } from "../../db/seed-scale.ts";
import { postgresCpuSeconds } from "../helpers/cpu.ts";
import { freePort, makeDataDir, postmasterPid, startKeepr, stillRunningAfter, stopKeepr, type KeeprProcess } from "../helpers/keepr-process.ts";
import { seededRandom } from "../helpers/random.ts";
import { percentile } from "./latency.ts";
import { guestProfile, searchGuests } from "../../admin/src/features/guests/documents.ts";
import { tapeChart } from "../../admin/src/features/frontdesk/documents.ts";
import { rateGrid, roomsLeft } from "../../admin/src/features/revenue/documents.ts";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    "per-round": { type: "string", default: "40" },
    properties: { type: "string", default: "10" },
    units: { type: "string", default: "2000" },
    days: { type: "string", default: "180" },
    occupancy: { type: "string", default: String(defaultScaleOptions.occupancy) },
    seed: { type: "string", default: String(defaultScaleOptions.seed) },
  },
  strict: true,
});
const rounds = Number(args.rounds);
const perRound = Number(args["per-round"]);
const scale = {
  ...defaultScaleOptions, properties: Number(args.properties), units: Number(args.units), days: Number(args.days),
  occupancy: Number(args.occupancy), seed: Number(args.seed),
};
const password = "bench-console-password-1";

const dataDir = makeDataDir();
let running: KeeprProcess | null = null;
let pgPid: number | null = null;
const pools: pg.Pool[] = [];

async function cleanUp(): Promise<void> {
  await Promise.all(pools.splice(0).map((p) => p.end().catch(() => {})));
  if (running) {
    const code = await stopKeepr(running, "SIGINT");
    if (code !== 0) console.error(`Keepr exited with ${code}:\n${running.output().slice(-4000)}`);
    running = null;
  }
  if (pgPid !== null && (await stillRunningAfter(pgPid, 20_000))) process.kill(pgPid, "SIGQUIT");
  rmSync(dataDir, { recursive: true, force: true });
}

interface Sample {
  ms: number[];
  cpu: number;
  calls: number;
}
const newSample = (): Sample => ({ ms: [], cpu: 0, calls: 0 });
const line = (name: string, s: Sample) =>
  `${name.padEnd(40)} p50 ${percentile(s.ms, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(s.ms, 95).toFixed(1).padStart(6)} ms  ` +
  `Postgres CPU ${((s.cpu / s.calls) * 1000).toFixed(2).padStart(6)} ms/call  (${s.calls} calls)`;

let exitCode = 0;
const loadBefore = loadavg().map((x) => x.toFixed(2)).join(" ");
try {
  const port = await freePort();
  const pgPort = await freePort();
  running = await startKeepr({ dataDir, port, pgPort, env: { SEED: "false", LOG_LEVEL: "warn", WORKER: "false" } });
  pgPid = postmasterPid(dataDir);
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }), () => {});
  console.log(`generating scale data (seed ${scale.seed})…`);
  console.log(formatScaleResult(await generateScaleData(db, scale), scale));
  const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  const direct = new pg.Pool({ connectionString: db.authenticatorUrl, max: 1 });
  pools.push(owner, direct);
  // Keepr stops Postgres at the end: an idle connection hears it; nothing to do then.
  for (const pool of pools) pool.on("error", () => {});
  await owner.query("analyze");

  const { rows: [property] } = await owner.query<{ id: string; name: string; n: number; guests: number }>(
    `select p.id, p.name, count(*)::int as n, (select count(*)::int from app_public.guests g where g.property_id = p.id) as guests
       from app_public.properties p join app_public.reservations r on r.property_id = p.id
      group by p.id order by n desc limit 1`,
  );
  const { rows: [user] } = await owner.query<{ id: string; email: string }>(
    "insert into app_public.users (email, display_name) values ('bench-desk@console.example', 'Bench Desk') returning id, email",
  );
  await owner.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'front_desk')", [property!.id, user!.id]);
  await owner.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))", [user!.id, password]);
  console.log(`property "${property!.name}": ${property!.n} reservations, ${property!.guests} guests`);

  // Search terms from the property's own guests and bookings.
  const { rows: samples } = await owner.query<{ surname: string; digits: string; code: string; guest: string }>(
    `select split_part(g.full_name, ' ', 2) as surname, right(regexp_replace(coalesce(g.phone, '000000'), '[^0-9]', '', 'g'), 6) as digits,
            r.confirmation_code as code, g.id as guest
       from app_public.reservations r join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
      where r.property_id = $1 and r.confirmation_code is not null order by r.id limit 200`,
    [property!.id],
  );
  const random = seededRandom(scale.seed);
  const pick = () => samples[Math.floor(random() * samples.length)]!;

  const login = await fetch(`${running.url}/graphql`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, variables: { e: user!.email, p: password } }),
  });
  const token = ((await login.json()) as { data: { login: { result: string } } }).data.login.result;
  const api = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(`${running!.url}/graphql`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: Array<{ message: string }> };
    if (body.errors) throw new Error(body.errors[0]!.message);
  };
  const list = `query($p: UUID!, $s: String) { searchReservations(propertyId: $p, search: $s, first: 25, orderBy: [ARRIVAL_DESC, PRIMARY_KEY_ASC]) {
    totalCount nodes { rowId confirmationCode status arrival departure holdState guest { fullName email phone } unit { name } } } }`;
  const day = `query($p: UUID!) { frontDeskDay(propertyId: $p) { nodes { rowId confirmationCode status arrival departure guest { fullName } } } }`;
  // The console's own Guests documents (admin/src/features/guests/documents.ts), as the screens send them.
  const guestList = searchGuests.source;
  const profile = guestProfile.source;
  const guestPage = (search: string | null) => ({ propertyId: property!.id, search, first: 25, offset: 0 });
  // The tape chart and the rate calendar from the property's today on.
  const today = (await owner.query<{ today: string }>(
    "select to_char((now() at time zone time_zone)::date, 'YYYY-MM-DD') as today from app_public.properties where id = $1",
    [property!.id],
  )).rows[0]!.today;
  const plusDays = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const lane = `query($p: UUID!) { allReservations(condition: {propertyId: $p, unitId: null}, orderBy: [PRIMARY_KEY_ASC], first: 500) { nodes { rowId status } } }`;
  const unitsLeftSql = async () => {
    await owner.query(
      `select d::date, f.room_type_id, f.units_left
         from generate_series($2::date, $2::date + 89, interval '1 day') d
        cross join lateral app_private.room_type_units_left(array[$1::uuid], daterange(d::date, d::date + 1)) f`,
      [property!.id, today],
    );
  };

  const calls: Record<string, () => Promise<void>> = {
    "list, first page (API)": () => api(list, { p: property!.id, s: null }),
    "search by surname (API)": () => api(list, { p: property!.id, s: pick().surname }),
    "search by phone digits (API)": () => api(list, { p: property!.id, s: pick().digits }),
    "search by code (API)": () => api(list, { p: property!.id, s: pick().code }),
    "Today board, frontDeskDay (API)": () => api(day, { p: property!.id }),
    "guests, first page (API)": () => api(guestList, guestPage(null)),
    "guests by surname (API)": () => api(guestList, guestPage(pick().surname)),
    "guests by phone digits (API)": () => api(guestList, guestPage(pick().digits)),
    "guests by code (API)": () => api(guestList, guestPage(pick().code)),
    "guest profile (API)": () => api(profile, { id: pick().guest }),
    "tape chart, 30 days (API)": () => api(tapeChart.source, { propertyId: property!.id, firstDate: today, endDate: plusDays(30) }),
    "tape chart's unassigned lane alone (API)": () => api(lane, { p: property!.id }),
    "rate grid, 90 days (API)": () => api(rateGrid.source, { propertyId: property!.id, fromDate: today, toDate: plusDays(89) }),
    "rooms left, 90 days (API)": () => api(roomsLeft.source, { propertyId: property!.id, firstDate: today, endDate: plusDays(90) }),
    "rooms left, 90 x room_type_units_left (SQL)": unitsLeftSql,
  };
  const results: Record<string, Sample> = {};
  for (const name of Object.keys(calls)) results[name] = newSample();
  // Direct SQL as the desk user, with and without index scans.
  const session = await (async () => {
    const c = await direct.connect();
    try {
      await c.query("begin; set local role keepr_anonymous");
      const { rows } = await c.query<{ session_id: string }>("select (app_public.login($1, $2)).session_id", [user!.email, password]);
      await c.query("commit");
      return rows[0]!.session_id;
    } finally {
      c.release();
    }
  })();
  const sqlSearch = async (indexes: boolean, what: "reservations" | "guests" = "reservations") => {
    const c = await direct.connect();
    try {
      await c.query("begin");
      await c.query(
        "select set_config('role', 'keepr_staff', true), set_config('jwt.claims.session_id', $1, true), set_config('jwt.claims.sub', $2, true)",
        [session, user!.id],
      );
      if (!indexes) await c.query("set local enable_indexscan = off; set local enable_bitmapscan = off");
      if (what === "reservations") {
        await c.query("select r.id from app_public.search_reservations($1, $2) r order by lower(r.stay) desc, r.id limit 25", [property!.id, pick().surname]);
        await c.query("select count(*) from app_public.search_reservations($1, $2)", [property!.id, pick().surname]);
      } else {
        await c.query("select g.id from app_public.search_guests($1, $2) g order by g.full_name, g.id limit 25", [property!.id, pick().surname]);
        await c.query("select count(*) from app_public.search_guests($1, $2)", [property!.id, pick().surname]);
      }
      await c.query("commit");
    } finally {
      c.release();
    }
  };
  const sqlModes = { "surname search, indexes (SQL)": true, "surname search, no index scans (SQL)": false } as const;
  const guestModes = { "guests by surname, indexes (SQL)": true, "guests by surname, no index scans (SQL)": false } as const;
  for (const name of [...Object.keys(sqlModes), ...Object.keys(guestModes)]) results[name] = newSample();

  const time = async (name: string, fn: () => Promise<void>) => {
    const sample = results[name]!;
    const cpu0 = postgresCpuSeconds(pgPid!);
    for (let i = 0; i < perRound; i++) {
      const t0 = performance.now();
      await fn();
      sample.ms.push(performance.now() - t0);
    }
    sample.cpu += postgresCpuSeconds(pgPid!) - cpu0;
    sample.calls += perRound;
  };
  // Warm-up, not measured.
  for (const fn of Object.values(calls)) for (let i = 0; i < 5; i++) await fn();
  for (const indexes of Object.values(sqlModes)) await sqlSearch(indexes);
  for (const indexes of Object.values(guestModes)) await sqlSearch(indexes, "guests");
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(calls)) await time(name, fn);
    // Alternating order, so a busy moment of the machine hits both.
    const modes = Object.entries(sqlModes);
    for (const [name, indexes] of round % 2 === 0 ? modes : modes.reverse()) await time(name, () => sqlSearch(indexes));
    const guests = Object.entries(guestModes);
    for (const [name, indexes] of round % 2 === 0 ? guests : guests.reverse()) await time(name, () => sqlSearch(indexes, "guests"));
  }
  console.log("");
  for (const [name, sample] of Object.entries(results)) console.log(line(name, sample));
  const withIdx = results["surname search, indexes (SQL)"]!;
  const without = results["surname search, no index scans (SQL)"]!;
  console.log(`\nno index scans / indexes: p50 ${(percentile(without.ms, 50) / percentile(withIdx.ms, 50)).toFixed(1)}×, ` +
    `Postgres CPU ${((without.cpu / without.calls) / (withIdx.cpu / withIdx.calls)).toFixed(1)}× (the SQL rows run two statements: a page and a count)`);
  const gWith = results["guests by surname, indexes (SQL)"]!;
  const gWithout = results["guests by surname, no index scans (SQL)"]!;
  console.log(`guests, no index scans / indexes: p50 ${(percentile(gWithout.ms, 50) / percentile(gWith.ms, 50)).toFixed(1)}×, ` +
    `Postgres CPU ${((gWithout.cpu / gWithout.calls) / (gWith.cpu / gWith.calls)).toFixed(1)}×`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await cleanUp();
  console.log(`load average before ${loadBefore}, after ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
}
process.exit(exitCode);
