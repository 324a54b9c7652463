// The machine's floor (issue 23): two gauges of the day's machine, printed
// before a booking bench's phases, so that a booking's figures can be read
// against the machine they ran on. The issue measured its floor as "a
// plpgsql insert into a claims table with the same GiST exclusion
// constraint, about 17,000 a second on these 2 cores"; this is that
// insert, from a few clients at once, for a few seconds, on the cluster
// being measured:
//   - a table of its own, in a schema of its own (bench_floor, dropped
//     afterwards), with inventory_claims' exclusion constraint (property,
//     unit, stay; released_at is null) and its primary key;
//   - a PL/pgSQL function inserting one claim of one night (and one calling
//     it in a loop), each client on units of its own, night after night, so
//     that no insert waits for another's lock or fails;
//   - perTransaction N (500): a loop of N claims in one statement, the
//     CPU's gauge: the issue's 17,000 a second is this one's rate;
//     perTransaction 1: one claim a transaction, a round trip and a commit
//     (its WAL flush) each, the gauge of what a booking does besides
//     computing;
//   - claims a second, and the cluster's CPU per claim (/proc).
// What they showed on 2026-12-07 (docs/benchmarks.md, "The machine, not
// the code"): the loop ran at the issue's rate (13,600-17,100 a second)
// while session 37's own code booked at a quarter of session 37's rate, so
// a day's slowness need not show in the CPU's gauge; compare code against
// code on the same day (a worktree of the older commit) to tell a change
// from the machine.
import pg from "pg";
import { postgresCpuSeconds } from "../helpers/cpu.ts";

/** The issue's floor on its machine: claims a second (issue 23). */
export const issueFloorPerSecond = 17_000;

export interface FloorResult {
  clients: number;
  /** Claims a transaction: 1, or a PL/pgSQL loop of that many in one statement. */
  perTransaction: number;
  claims: number;
  seconds: number;
  perSecond: number;
  /** The cluster's CPU seconds over the run, divided by the claims. */
  cpuPerClaimMs: number;
}

const setup = `
  drop schema if exists bench_floor cascade;
  create schema bench_floor;
  create table bench_floor.claims (
    id uuid not null default gen_random_uuid(),
    property_id uuid not null,
    unit_id uuid not null,
    stay daterange not null,
    released_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (id, property_id),
    constraint claims_no_overlap exclude using gist (property_id with =, unit_id with =, stay with &&) where (released_at is null)
  );
  create function bench_floor.claim(property_id uuid, unit_id uuid, night date) returns uuid
    language plpgsql set search_path to pg_catalog, public, pg_temp
  as $$
  declare
    v_id uuid;
  begin
    insert into bench_floor.claims (property_id, unit_id, stay)
    values (claim.property_id, claim.unit_id, daterange(claim.night, claim.night + 1))
    returning id into v_id;
    return v_id;
  end;
  $$;
  create function bench_floor.claims(property_id uuid, unit_ids uuid[], first_night date, nights integer) returns integer
    language plpgsql set search_path to pg_catalog, public, pg_temp
  as $$
  declare
    u uuid;
  begin
    for n in 0 .. claims.nights - 1 loop
      foreach u in array claims.unit_ids loop
        perform bench_floor.claim(claims.property_id, u, claims.first_night + n);
      end loop;
    end loop;
    return claims.nights * pg_catalog.cardinality(claims.unit_ids);
  end;
  $$;`;

/**
 * Runs the floor for `seconds` (after a second not counted) with `clients`
 * connections of the owner at once; `postmaster` is the cluster's pid (its
 * CPU is read from /proc). Leaves nothing behind.
 */
export async function measureFloor(ownerUrl: string, postmaster: number, { clients = 4, seconds = 5, perTransaction = 1 } = {}): Promise<FloorResult> {
  const admin = new pg.Client({ connectionString: ownerUrl, application_name: "keepr-bench-floor" });
  await admin.connect();
  const conns: pg.Client[] = [];
  try {
    await admin.query(setup);
    for (let i = 0; i < clients; i++) {
      const c = new pg.Client({ connectionString: ownerUrl, application_name: "keepr-bench-floor" });
      await c.connect();
      conns.push(c);
    }
    const property = (await admin.query<{ id: string }>("select gen_random_uuid() as id")).rows[0]!.id;
    const units = (await admin.query<{ id: string }>("select gen_random_uuid() as id from generate_series(1, $1)", [clients * 50])).rows.map((r) => r.id);
    const start = new Date(Date.UTC(2000, 0, 1)).getTime();
    let counting = false;
    let stop = false;
    let claims = 0;
    const nightOf = (n: number) => new Date(start + n * 86_400_000).toISOString().slice(0, 10);
    const loop = async (c: pg.Client, i: number) => {
      const mine = units.slice(i * 50, i * 50 + 50);
      if (perTransaction === 1) {
        // Client i claims its 50 units in turn, each one night later than the last time round.
        for (let n = 0; !stop; n++) {
          await c.query({ name: "floor", text: "select bench_floor.claim($1, $2, $3)", values: [property, mine[n % 50], nightOf(Math.floor(n / 50))] });
          if (counting) claims++;
        }
      } else {
        // perTransaction claims a statement: its 50 units on perTransaction / 50 nights.
        const nights = Math.max(1, Math.round(perTransaction / 50));
        for (let n = 0; !stop; n += nights) {
          await c.query({ name: "floor-batch", text: "select bench_floor.claims($1, $2, $3, $4)", values: [property, mine, nightOf(n), nights] });
          if (counting) claims += nights * 50;
        }
      }
    };
    // A client's failure stops them all and is thrown after the wait (never an unhandled rejection meanwhile).
    let failure: unknown;
    const loops = conns.map((c, i) => loop(c, i).catch((error: unknown) => {
      stop = true;
      failure ??= error;
    }));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    counting = true;
    const cpu0 = postgresCpuSeconds(postmaster);
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const wall = (performance.now() - t0) / 1000;
    const cpu = postgresCpuSeconds(postmaster) - cpu0;
    const counted = claims;
    stop = true;
    await Promise.all(loops);
    if (failure !== undefined) throw failure;
    return { clients, perTransaction, claims: counted, seconds: wall, perSecond: counted / wall, cpuPerClaimMs: (cpu * 1000) / Math.max(1, counted) };
  } finally {
    await Promise.all(conns.map((c) => c.end().catch(() => {})));
    await admin.query("drop schema if exists bench_floor cascade").catch(() => {});
    await admin.end();
  }
}

export function formatFloor(f: FloorResult): string {
  return `machine floor (tests/bench/machine-floor.ts: a PL/pgSQL claim insert under the same GiST exclusion constraint, ${f.perTransaction === 1 ? "one a transaction" : `${f.perTransaction} a statement`}, ${f.clients} clients, ${f.seconds.toFixed(1)} s): ` +
    `**${f.perSecond.toFixed(0)} claims/s**${f.perTransaction > 1 ? ` (the issue's machine: about ${issueFloorPerSecond.toLocaleString("en")})` : ""}, the cluster's CPU ${(f.cpuPerClaimMs * 1000).toFixed(0)} µs a claim`;
}
