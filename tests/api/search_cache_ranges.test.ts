// The search cache's invalidation by dates (issue 23), its logic alone: the
// days a transaction's changes name (realtime/search-feed.ts), how they
// travel (core/search-feed.ts) and what the store drops and its generation
// guard refuses (server/search-cache.ts). The same paths against real
// Postgres and the real feed: search_cache_dates.test.ts.
import { randomUUID } from "node:crypto";
import { mergeRanges, nextDay, overlaps, searchFeedMessage, type DayRange } from "../../core/search-feed.ts";
import { claimKeepsCounts, invalidationMessages, invalidationsOf } from "../../realtime/search-feed.ts";
import { invalidationOf } from "../../server/search-cache-feed.ts";
import { anyProperty, rangesRemembered, SearchCache } from "../../server/search-cache.ts";
import type { Change } from "../../realtime/types.ts";

const answer = { buffer: Buffer.from("{}"), headers: {} };

function change(table: string, type: Change["type"], record: Record<string, string | null> | null, oldRecord: Record<string, string | null> | null = null): Change {
  return { schema: "app_public", table, type, columns: [], record, oldRecord };
}

describe("day ranges", () => {
  it("steps over month and year ends, and overlap is of half-open ranges", () => {
    expect([nextDay("2026-02-28"), nextDay("2028-02-28"), nextDay("2026-12-31")]).toEqual(["2026-03-01", "2028-02-29", "2027-01-01"]);
    expect(overlaps(["2026-05-01", "2026-05-04"], ["2026-05-04", "2026-05-06"])).toBe(false);
    expect(overlaps(["2026-05-01", "2026-05-04"], ["2026-05-03", "2026-05-06"])).toBe(true);
  });

  it("merges touching ranges, and beyond the bound joins the closest neighbours (never fewer days)", () => {
    expect(mergeRanges([["2026-05-03", "2026-05-05"], ["2026-05-01", "2026-05-03"], ["2026-05-02", "2026-05-04"]])).toEqual([["2026-05-01", "2026-05-05"]]);
    const scattered: DayRange[] = ["01", "03", "10", "11", "20", "28"].map((d) => [`2026-06-${d}`, nextDay(`2026-06-${d}`)]);
    const merged = mergeRanges(scattered, 4);
    expect(merged).toEqual([["2026-06-01", "2026-06-04"], ["2026-06-10", "2026-06-12"], ["2026-06-20", "2026-06-21"], ["2026-06-28", "2026-06-29"]]);
    for (const r of scattered) expect(merged.some((m) => m[0] <= r[0] && r[1] <= m[1])).toBe(true);
    expect(mergeRanges(scattered, 1)).toEqual([["2026-06-01", "2026-06-29"]]);
  });
});

describe("what a transaction names (realtime/search-feed.ts)", () => {
  const p = randomUUID();
  const tag = `p:${p}`;

  it("a claim's change names its property for the union of its old and new stays; a calendar row for its date", () => {
    const moved = change("inventory_claims", "UPDATE", { property_id: p, stay: "[2026-06-10,2026-06-12)" }, { property_id: p, stay: "[2026-05-01,2026-05-04)" });
    const rate = change("rate_calendar", "INSERT", { property_id: p, date: "2026-05-04" });
    const { tags, dated } = invalidationsOf([moved, rate]);
    expect([...tags]).toEqual([tag]);
    expect(dated.get(tag)).toEqual([["2026-05-01", "2026-05-05"], ["2026-06-10", "2026-06-12"]]);
  });

  it("another table of the property, an unreadable stay or a claim update without its old row names the whole property", () => {
    const claim = change("inventory_claims", "INSERT", { property_id: p, stay: "[2026-05-01,2026-05-04)" });
    const unit = randomUUID();
    const deactivated = change("units", "UPDATE", { property_id: p, id: unit, room_type_id: "rt", is_active: "f" }, { property_id: p, id: unit, room_type_id: "rt", is_active: "t" });
    expect(invalidationsOf([claim, deactivated]).dated.has(tag)).toBe(false);
    expect(invalidationsOf([change("inventory_claims", "INSERT", { property_id: p, stay: "[2026-05-01,)" })]).dated.has(tag)).toBe(false);
    expect(invalidationsOf([change("inventory_claims", "UPDATE", { property_id: p, stay: "[2026-05-01,2026-05-04)" }, null)]).dated.has(tag)).toBe(false);
    expect(invalidationsOf([change("rate_calendar", "DELETE", null, { property_id: p, date: "infinity" })]).dated.has(tag)).toBe(false);
    // Every case still names the tag itself.
    expect([...invalidationsOf([claim]).tags]).toEqual([tag]);
  });

  it("a unit's update names its property only when it carries the old row (its room type or active flag changed); its insert and delete always", () => {
    const unit = randomUUID();
    const row = { property_id: p, id: unit, room_type_id: "rt", is_active: "t", name: "101", housekeeping_status: "clean" };
    const key = { property_id: p, id: unit, room_type_id: "rt", is_active: "t" };
    // A housekeeper's change, a new name: Postgres wrote no old row (the identity's columns kept their values).
    expect(invalidationsOf([change("units", "UPDATE", { ...row, housekeeping_status: "dirty" }, null)]).tags.size).toBe(0);
    expect([...invalidationsOf([change("units", "UPDATE", { ...row, room_type_id: "rt2" }, key)]).tags]).toEqual([tag]);
    expect([...invalidationsOf([change("units", "INSERT", row)]).tags]).toEqual([tag]);
    expect([...invalidationsOf([change("units", "DELETE", null, key)]).tags]).toEqual([tag]);
    // Other tables' updates without an old row still name their property.
    expect([...invalidationsOf([change("room_types", "UPDATE", { property_id: p, id: randomUUID() }, null)]).tags]).toEqual([tag]);
  });

  it("a claim's update names nothing when what searches count stays (a live hold confirmed, extended, a note); anything else names its days", () => {
    const at = Date.parse("2026-12-07T23:15:00.000Z");
    const hold = { property_id: p, unit_id: "u1", stay: "[2026-05-01,2026-05-04)", kind: "hold", expires_at: "2026-12-07 23:25:00.123456+00", released_at: null, note: null };
    const confirmed = { ...hold, kind: "reservation", expires_at: null };
    expect(claimKeepsCounts(hold, confirmed, at)).toBe(true);
    expect(claimKeepsCounts(hold, { ...hold, expires_at: "2026-12-08 00:25:00.123456+01" }, at)).toBe(true); // the same instant, another zone
    expect(claimKeepsCounts(hold, { ...hold, expires_at: "2026-12-07 23:20:00+00" }, at)).toBe(false); // shortened
    expect(claimKeepsCounts(confirmed, { ...confirmed, note: "late arrival" }, at)).toBe(true);
    const released = { ...confirmed, released_at: "2026-12-07 23:00:00+00" };
    expect(claimKeepsCounts(released, { ...released, note: "x" }, at)).toBe(true);
    // Expired at the commit (counted free since), moved, released, or unreadable: a change.
    expect(claimKeepsCounts({ ...hold, expires_at: "2026-12-07 23:10:00+00" }, confirmed, at)).toBe(false);
    expect(claimKeepsCounts(hold, { ...confirmed, stay: "[2026-05-01,2026-05-05)" }, at)).toBe(false);
    expect(claimKeepsCounts(hold, { ...confirmed, unit_id: "u2" }, at)).toBe(false);
    expect(claimKeepsCounts(confirmed, released, at)).toBe(false);
    expect(claimKeepsCounts({ ...hold, expires_at: "tomorrow" }, confirmed, at)).toBe(false);
    expect(claimKeepsCounts(confirmed, { ...hold }, at)).toBe(false); // a reservation made a hold again
    const { expires_at: _dropped, ...withoutExpiry } = hold;
    expect(claimKeepsCounts(withoutExpiry, confirmed, at)).toBe(false);
    // Through invalidationsOf: with the commit time the confirmation names nothing; without it, its days.
    const confirmation = change("inventory_claims", "UPDATE", confirmed, hold);
    expect(invalidationsOf([confirmation], at).tags.size).toBe(0);
    expect(invalidationsOf([confirmation]).dated.get(tag)).toEqual([["2026-05-01", "2026-05-04"]]);
  });

  it("reads inclusive bounds as the days they include; a calendar update that keeps its key dates by the new row", () => {
    const closed = change("inventory_claims", "DELETE", null, { property_id: p, stay: "(2026-04-30,2026-05-03]" });
    expect(invalidationsOf([closed]).dated.get(tag)).toEqual([["2026-05-01", "2026-05-04"]]);
    const repriced = change("rate_calendar", "UPDATE", { property_id: p, date: "2026-07-01", price: "100" }, null);
    expect(invalidationsOf([repriced]).dated.get(tag)).toEqual([["2026-07-01", "2026-07-02"]]);
  });

  it("a bulk change of many dates is merged into a few covering ranges and every tag fits a frame", () => {
    const properties = Array.from({ length: 300 }, () => randomUUID());
    const changes = properties.flatMap((id) => Array.from({ length: 40 }, (_, i) => change("rate_calendar", "INSERT", { property_id: id, date: `2026-0${1 + (i % 9)}-${String(1 + 3 * Math.floor(i / 9)).padStart(2, "0")}` })));
    const touched = invalidationsOf(changes);
    expect(touched.tags.size).toBe(300);
    for (const ranges of touched.dated.values()) expect(ranges.length).toBeLessThanOrEqual(4);
    const maxBytes = 5_938;
    const messages = invalidationMessages("0/1", Date.now(), touched, maxBytes);
    expect(messages.length).toBeGreaterThan(1);
    const seen = new Set<string>();
    for (const message of messages) {
      expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(maxBytes);
      const parsed = searchFeedMessage.parse(message);
      if (parsed.k !== "inv") throw new Error("not an inv");
      const applied = invalidationOf(parsed);
      // A tag's days travel in the message that lists it: nothing is dropped whole here, nothing lost.
      expect(applied.tags).toEqual([]);
      for (const t of applied.dated!.keys()) seen.add(t);
    }
    expect(seen).toEqual(touched.tags);
  });

  it("a message without `dated` (the old format) drops whole properties; an inverted range drops its tag whole", () => {
    expect(invalidationOf({ k: "inv", lsn: "0/1", at: 0, tags: [tag] })).toEqual({ tags: [tag], dated: new Map() });
    const odd = invalidationOf({ k: "inv", lsn: "0/1", at: 0, tags: [tag], dated: [[tag, "2026-05-01", "2026-05-03"], [tag, "2026-05-05", "2026-05-05"]] });
    expect([odd.tags, odd.dated!.size]).toEqual([[tag], 0]);
  });
});

describe("the store (server/search-cache.ts)", () => {
  const may: DayRange = ["2026-05-01", "2026-05-05"]; // arrival May 1, departure May 4
  const june: DayRange = ["2026-06-01", "2026-06-04"];
  const fresh = () => new SearchCache({ maxEntries: 100, ttlMs: 60_000 });

  it("drops only the entries whose days a dated invalidation touches; a whole one drops all; '*' follows both", () => {
    const cache = fresh();
    const since = cache.generation();
    cache.store("may", ["p:a"], answer, since, Infinity, may);
    cache.store("june", ["p:a"], answer, since, Infinity, june);
    cache.store("any-day", ["p:a"], answer, since, Infinity, null);
    cache.store("everywhere-may", [anyProperty], answer, since, Infinity, may);
    expect(cache.invalidate({ tags: [], dated: new Map([["p:a", [["2026-06-03", "2026-06-10"]]]]) })).toBe(2);
    expect(["may", "june", "any-day", "everywhere-may"].map((k) => cache.get(k) !== undefined)).toEqual([true, false, false, true]);
    // The departure day (May 4) is read: a change on it drops the May answer.
    expect(cache.invalidate({ tags: [], dated: new Map([["p:b", [["2026-05-04", "2026-05-05"]]]]) })).toBe(1); // "*" only
    expect(cache.get("everywhere-may")).toBeUndefined();
    expect(cache.invalidate({ tags: ["p:a"] })).toBe(1);
    expect(cache.size).toBe(0);
  });

  it("the guard refuses an answer only when a change since it began touched its days", () => {
    const cache = fresh();
    const since = cache.generation();
    cache.invalidate({ tags: [], dated: new Map([["p:a", [june]]]) });
    expect(cache.changedSince(["p:a"], since, may)).toBe(false);
    expect(cache.store("may", ["p:a"], answer, since, Infinity, may)).toBe(true);
    expect(cache.changedSince(["p:a"], since, june)).toBe(true);
    expect(cache.store("june", ["p:a"], answer, since, Infinity, june)).toBe(false);
    expect(cache.store("any-day", ["p:a"], answer, since, Infinity, null)).toBe(false);
    expect(cache.changedSince([anyProperty], since, may)).toBe(false);
    expect(cache.changedSince([anyProperty], since, june)).toBe(true);
    // A whole invalidation after it: every day counts.
    const later = cache.generation();
    cache.invalidate({ tags: ["p:a"] });
    expect(cache.changedSince(["p:a"], later, may)).toBe(true);
    expect(cache.changedSince(["p:b"], later, may)).toBe(false);
    expect(cache.changedSince([anyProperty], later, may)).toBe(true);
  });

  it("the guard's memory stays bounded and only errs towards refusing", () => {
    const cache = fresh();
    const since = cache.generation();
    // Many single days from June 1, one invalidation each; May is never touched.
    for (let i = 0, day = "2026-06-01"; i < 2 * rangesRemembered; i++, day = nextDay(day)) {
      cache.invalidate({ tags: [], dated: new Map([["p:a", [[day, nextDay(day)]]]]) });
    }
    expect(cache.changedSince(["p:a"], since, may)).toBe(false);
    expect(cache.changedSince(["p:a"], since, ["2026-06-07", "2026-06-08"])).toBe(true);
    expect(cache.changedSince(["p:a"], cache.generation(), june)).toBe(false);
  });

  it("evicts the least recently used, within half the capacity: an entry read is kept for at least maxEntries / 2 later stores", () => {
    const cache = new SearchCache({ maxEntries: 10, ttlMs: 60_000 });
    const since = cache.generation();
    for (let i = 0; i < 10; i++) cache.store(`k${i}`, ["p:a"], answer, since);
    // k0 is the oldest and more than half the capacity was stored after it: reading it moves it to the newest end.
    expect(cache.get("k0")).toBeDefined();
    for (let i = 10; i < 15; i++) cache.store(`k${i}`, ["p:a"], answer, since);
    // Five stores after it: k0 is kept, the five oldest that were not read are gone.
    expect(["k0", "k1", "k5", "k6"].map((k) => cache.get(k) !== undefined)).toEqual([true, false, false, true]);
    // Read just now: k0 (moved 5 stores ago, in the newer half) stays where it is; k6 (stored 10 ago) moves to the newest end.
    expect(cache.size).toBe(10);
    // Never read again: each of them goes after at most 10 more stores, and the cache never holds more than 10.
    for (let i = 15; i < 25; i++) cache.store(`k${i}`, ["p:a"], answer, since);
    expect(["k0", "k6", "k15", "k24"].map((k) => cache.get(k) !== undefined)).toEqual([false, false, true, true]);
    expect(cache.size).toBe(10);
    // The tag index forgot the evicted: invalidating the tag drops exactly what is held.
    expect(cache.invalidate({ tags: ["p:a"] })).toBe(10);
  });

  it("a reset refuses every answer computed across it", () => {
    const cache = fresh();
    const since = cache.generation();
    cache.reset();
    expect(cache.store("may", ["p:a"], answer, since, Infinity, may)).toBe(false);
  });
});
