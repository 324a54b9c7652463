// Issue 16, as a property: random channel feeds (bookings added, moved,
// removed and cancelled; broken files, empty bodies and calendars, sudden
// drops, unreachable channels) against random Keepr stays, holds and blocks,
// with staff resolving conflicts and accepting waiting changes. After every
// step:
//   - every night from today that a feed's applied calendar marks busy is
//     blocked for that feed, or held by another claim with a conflict of the
//     feed over it (open, or closed by staff while it stands);
//   - a feed holds no block outside its applied calendar;
//   - a broken or unconfirmed fetch changed none of the feed's blocks;
//   - what the feed applied is what the rules say: a fetch that would give
//     back more than half of its blocked nights waits for a second fetch
//     after the wait, or for staff (modelled here independently);
//   - every open conflict is a real overlap, and no unit-night is claimed twice.
// The seed is printed; KEEPR_TEST_SEED replays a run.
import type pg from "pg";
import { FeedError, parseFeed } from "../../channels/ical.ts";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { addDays, book, createHotel, hold, localDate, newKey, quote, type Hotel } from "../helpers/booking.ts";
import { between, pick, seededRandom, testSeed, type Random } from "../helpers/random.ts";
import { loadFixture, type IcalFixtureName } from "../fixtures/ical/index.ts";

const db = fileDatabase();

const HORIZON = 40;
const STEPS = 120;

type Booking = { uid: string; from: number; to: number; cancelled?: boolean };
/** [from, to) in days from today. */
type Range = [number, number];

/** Merged, future bookings: what the sync keeps of a fetch (cancelled, empty and past ones dropped; overlapping and touching merged). */
function normalise(bookings: Booking[]): Array<{ uids: string[]; range: Range }> {
  const valid = bookings.filter((b) => !b.cancelled && b.to > b.from && b.to > 0).sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: Array<{ uids: string[]; range: Range }> = [];
  for (const b of valid) {
    const last = merged.at(-1);
    if (last && b.from <= last.range[1]) {
      last.range[1] = Math.max(last.range[1], b.to);
      last.uids.push(b.uid);
    } else merged.push({ uids: [b.uid], range: [b.from, b.to] });
  }
  return merged;
}

const nightsOf = (ranges: Range[], from = 0) => {
  const nights = new Set<number>();
  for (const [a, b] of ranges) for (let n = Math.max(a, from); n < b; n++) nights.add(n);
  return nights;
};
const fingerprint = (bookings: Booking[]) => JSON.stringify(normalise(bookings).map((m) => [m.range, [...m.uids].sort()]));

interface FeedModel {
  id: string;
  unit: number;
  /** What the channel has now (its truth, which fetches may garble). */
  truth: Booking[];
  /** The bookings of the last applied fetch. */
  applied: Booking[];
  pending: { bookings: Booking[]; fp: string; waitPassed: boolean } | null;
  nextUid: number;
}

it("random feeds against random stays and blocks keep every busy night blocked or in conflict, and no glitch opens a night", async () => {
  const seed = testSeed("channel sync property");
  const next = seededRandom(seed);
  const h = await createHotel(db.ownerPool, { units: 2, kind: "vacation_rental", timeZone: "Europe/Lisbon" });
  const day = (n: number) => addDays(localDate(h.timeZone), n);
  const dayIndex = (date: string) => Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${day(0)}T00:00:00Z`)) / 86_400_000);
  const staff = <T>(fn: (c: pg.PoolClient) => Promise<T>) =>
    inCommit(db.ownerPool, async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      return fn(c);
    });
  /** A staff action that may be refused (dates taken, nothing to do): refusals are part of the game. */
  const attempt = async (fn: (c: pg.PoolClient) => Promise<unknown>) => {
    try {
      await staff(fn);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!["SOLDO", "UNAVL", "TRANS", "NTFND", "INVLD"].includes(code ?? "")) throw error;
    }
  };

  const feeds: FeedModel[] = [];
  for (const [unit, name] of [[0, "Airbnb"], [0, "Vrbo"], [1, "Booking.com"]] as const) {
    const id = (await db.ownerPool.query<{ id: string }>(
      "insert into app_public.channel_feeds (property_id, unit_id, source, name, url) values ($1, $2, 'other', $3, $4) returning id",
      [h.propertyId, h.unitIds[unit], name, `https://ical.example/${newKey()}.ics`],
    )).rows[0]!.id;
    feeds.push({ id, unit, truth: [], applied: [], pending: null, nextUid: 0 });
  }

  const feedClaims = async (f: FeedModel) =>
    (await db.ownerPool.query<{ id: string; s: string; e: string }>(
      "select id, lower(stay)::text as s, upper(stay)::text as e from app_public.inventory_claims where feed_id = $1 and released_at is null order by lower(stay)", [f.id],
    )).rows;

  /** A fetch reaching the sync, as the job hands it over. */
  const deliver = async (f: FeedModel, bookings: Booking[]) => {
    const events = bookings.map((b) => ({ uid: b.uid, start: day(b.from), end: day(b.to), summary: "Reserved", cancelled: b.cancelled ?? false }));
    await inCommit(db.ownerPool, (c) => c.query("select app_private.sync_channel_feed($1, $2::jsonb, 'hash')", [f.id, JSON.stringify(events)]));
    // The model: does this fetch wait?
    const appliedFuture = nightsOf(normalise(f.applied).map((m) => m.range));
    const now = nightsOf(normalise(bookings).map((m) => m.range));
    const released = [...appliedFuture].filter((n) => !now.has(n)).length;
    const fp = fingerprint(bookings);
    if (released > 0 && released * 2 > appliedFuture.size) {
      if (f.pending && f.pending.fp === fp && f.pending.waitPassed) {
        f.applied = bookings;
        f.pending = null;
        return "applied after the wait";
      }
      if (!f.pending || f.pending.fp !== fp) f.pending = { bookings, fp, waitPassed: false };
      return "waiting";
    }
    f.applied = bookings;
    f.pending = null;
    return "applied";
  };

  /** The channel's truth changes a little. */
  const evolve = (f: FeedModel, rnd: Random) => {
    const roll = rnd();
    if (roll < 0.4 || f.truth.length === 0) {
      const from = between(rnd, -3, HORIZON - 6);
      f.truth.push({ uid: `${f.id.slice(0, 8)}-${f.nextUid++}@channel`, from, to: from + between(rnd, rnd() < 0.05 ? -1 : 1, 7) });
    } else if (roll < 0.6) {
      const b = pick(rnd, f.truth);
      const shift = between(rnd, -3, 3);
      b.from += shift;
      b.to += shift + between(rnd, -1, 1);
    } else if (roll < 0.8) {
      f.truth.splice(Math.floor(rnd() * f.truth.length), 1);
    } else {
      pick(rnd, f.truth).cancelled = true;
    }
  };

  const brokenFiles: IcalFixtureName[] = ["invalid-junk-between", "invalid-bare", "invalid-html", "invalid-json", "invalid-truncated", "malformed", "invalid-no-dtstart"];
  const tally: Record<string, number> = {};
  const trace: string[] = [];
  const count = (what: string) => {
    tally[what] = (tally[what] ?? 0) + 1;
    trace.push(what);
  };

  for (let step = 0; step < STEPS; step++) {
    const roll = next();
    const f = pick(next, feeds);
    const before = await feedClaims(f);
    let unchangedExpected = false;
    if (roll < 0.35) {
      evolve(f, next);
      const outcome = await deliver(f, f.truth.map((b) => ({ ...b })));
      count(`feed ${outcome}`);
      unchangedExpected = outcome === "waiting";
    } else if (roll < 0.45) {
      // A glitch: an empty body or calendar, or most bookings missing.
      const partial = next() < 0.5 ? [] : f.truth.filter(() => next() < 0.25).map((b) => ({ ...b }));
      const outcome = await deliver(f, partial);
      count(`glitch ${outcome}`);
      unchangedExpected = outcome === "waiting";
    } else if (roll < 0.52) {
      // A broken file or a dead channel: the job records an error and stops.
      const file = pick(next, brokenFiles);
      expect(() => parseFeed(loadFixture(file, day(0)), { timeZone: h.timeZone })).toThrow(FeedError);
      await db.ownerPool.query("select app_private.record_channel_feed_error($1, $2)", [f.id, `broken: ${file}`]);
      count("broken");
      unchangedExpected = true;
    } else if (roll < 0.67) {
      const from = between(next, 0, HORIZON - 5);
      const unit = between(next, 0, 1);
      await attempt(async (c) => {
        const b = await book(c, h.ratePlanId, day(from), day(from + between(next, 1, 5)));
        await c.query("select app_public.modify_reservation($1, $2, unit_id => $3)", [b.reservation_id, newKey(), h.unitIds[unit]]);
      });
      count("stay");
    } else if (roll < 0.72) {
      const from = between(next, 0, HORIZON - 5);
      await attempt(async (c) => {
        const q = await quote(c, h.ratePlanId, day(from), day(from + between(next, 1, 3)));
        await hold(c, q.quote_token);
      });
      count("hold");
    } else if (roll < 0.8) {
      const stays = (await db.ownerPool.query<{ id: string }>(
        "select id from app_public.reservations where property_id = $1 and status = 'confirmed' order by created_at, id", [h.propertyId])).rows;
      if (stays.length) {
        const r = pick(next, stays);
        if (next() < 0.5) await attempt((c) => c.query("select app_public.cancel_reservation($1, $2, 'Guest cancelled')", [r.id, newKey()]));
        else await attempt((c) => c.query("select app_public.move_unit($1, $2, $3)", [r.id, pick(next, h.unitIds), newKey()]));
      }
      count("stay changed");
    } else if (roll < 0.86) {
      const blocks = (await db.ownerPool.query<{ id: string }>(
        "select id from app_public.inventory_claims where property_id = $1 and kind = 'owner_block' and released_at is null order by created_at, id", [h.propertyId])).rows;
      if (blocks.length && next() < 0.4) await attempt((c) => c.query("select app_public.release_block($1, $2)", [pick(next, blocks).id, newKey()]));
      else {
        const from = between(next, 0, HORIZON - 5);
        await attempt((c) => c.query("select app_public.create_block($1, $2, $3, 'owner_block', $4, 'Owner')",
          [pick(next, h.unitIds), day(from), day(from + between(next, 1, 4)), newKey()]));
      }
      count("block");
    } else if (roll < 0.9) {
      const open = (await db.ownerPool.query<{ id: string }>(
        "select id from app_public.channel_conflicts where property_id = $1 and status = 'open' order by detected_at, id", [h.propertyId])).rows;
      if (open.length) await attempt((c) => c.query("select app_public.resolve_channel_conflict($1, 'Settled with the channel')", [pick(next, open).id]));
      count("resolve");
    } else if (roll < 0.93) {
      if (f.pending) {
        await staff((c) => c.query("select app_public.accept_channel_feed_change($1)", [f.id]));
        f.applied = f.pending.bookings;
        f.pending = null;
      }
      count("accept");
    } else {
      await db.ownerPool.query("update app_private.channel_feed_pending_changes set confirm_after = now() - interval '1 second'");
      for (const g of feeds) if (g.pending) g.pending.waitPassed = true;
      count("wait passes");
    }

    const context = `seed ${seed}, step ${step} (${trace.slice(-3).join(" / ")} on ${feeds.indexOf(f)})`;
    if (unchangedExpected) expect({ context, claims: await feedClaims(f) }).toEqual({ context, claims: before });
    await checkInvariants(context);
  }
  console.log(`channel sync property: ${STEPS} steps ${JSON.stringify(tally)}`);

  async function checkInvariants(context: string) {
    const claims = (await db.ownerPool.query<{ id: string; unit_id: string; s: string; e: string; feed_id: string | null; reservation_id: string | null; kind: string; expired: boolean }>(
      `select id, unit_id, lower(stay)::text as s, upper(stay)::text as e, feed_id, reservation_id, kind,
              (kind = 'hold' and expires_at <= now()) as expired
         from app_public.inventory_claims where property_id = $1 and released_at is null`, [h.propertyId])).rows;
    const conflicts = (await db.ownerPool.query<{ feed_id: string; uid: string; s: string; e: string; side: string; status: string; closed_by: string | null; claim: string }>(
      `select feed_id, uid, start_date::text as s, end_date::text as e, coalesce(conflicting_reservation_id, conflicting_claim_id)::text as side,
              status, closed_by, conflicting_claim_id as claim from app_public.channel_conflicts where property_id = $1`, [h.propertyId])).rows;
    // No unit-night claimed twice.
    for (const unit of h.unitIds) {
      const taken = new Map<number, string>();
      for (const c of claims.filter((x) => x.unit_id === unit)) {
        for (let n = dayIndex(c.s); n < dayIndex(c.e); n++) {
          expect({ context, night: n, twice: taken.has(n) }).toEqual({ context, night: n, twice: false });
          taken.set(n, c.id);
        }
      }
    }
    for (const f of feeds) {
      const unitId = h.unitIds[f.unit]!;
      const applied = normalise(f.applied);
      // What the feed applied is what the model says.
      const events = (await db.ownerPool.query<{ s: string; e: string }>(
        "select start_date::text as s, end_date::text as e from app_public.channel_feed_events where feed_id = $1 order by start_date", [f.id])).rows;
      expect({ context, feed: f.id, events: events.map((e) => [dayIndex(e.s), dayIndex(e.e)]) })
        .toEqual({ context, feed: f.id, events: applied.map((m) => m.range) });
      const own = claims.filter((c) => c.feed_id === f.id && dayIndex(c.e) > 0);
      const busy = nightsOf(applied.map((m) => m.range));
      // No block outside the applied calendar.
      for (const c of own) for (let n = Math.max(0, dayIndex(c.s)); n < dayIndex(c.e); n++) {
        expect({ context, feed: f.id, strayNight: n, busy: busy.has(n) }).toEqual({ context, feed: f.id, strayNight: n, busy: true });
      }
      // Every busy night: blocked for the feed, or held by another claim with a conflict over it.
      for (const n of busy) {
        const holder = claims.find((c) => c.unit_id === unitId && dayIndex(c.s) <= n && n < dayIndex(c.e) && !c.expired);
        let state: string;
        if (!holder) state = "on sale";
        else if (holder.feed_id === f.id) state = "blocked";
        else {
          const side = holder.reservation_id ?? holder.id;
          const k = conflicts.find((x) => x.feed_id === f.id && x.side === side && dayIndex(x.s) <= n && n < dayIndex(x.e)
            && (x.status === "open" || x.closed_by === "staff"));
          state = k ? "in conflict" : `held by ${holder.kind} with no conflict`;
        }
        expect({ context, feed: f.id, night: n, ok: state === "blocked" || state === "in conflict" ? true : state })
          .toEqual({ context, feed: f.id, night: n, ok: true });
      }
      // Every open conflict is a real overlap with a live claim.
      for (const k of conflicts.filter((x) => x.feed_id === f.id && x.status === "open")) {
        const c = claims.find((x) => x.id === k.claim);
        const inside = c && dayIndex(c.s) <= dayIndex(k.s) && dayIndex(k.e) <= dayIndex(c.e)
          && applied.some((m) => m.range[0] <= dayIndex(k.s) && dayIndex(k.e) <= m.range[1]);
        expect({ context, conflict: k, real: Boolean(inside) }).toEqual({ context, conflict: k, real: true });
      }
    }
  }
}, 120_000);
