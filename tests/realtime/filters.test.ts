// postgres_changes filter strings: the syntax realtime-js's filter builder
// writes, and typed comparisons against Postgres text output.
import { postgresChangesFilter } from "@supabase/realtime-js";
import { FilterError, matchesFilter, parseFilter } from "../../realtime/filters.ts";
import type { ChangeColumn } from "../../realtime/types.ts";

const columns: ChangeColumn[] = [
  { name: "id", type: "int8" },
  { name: "amount", type: "numeric" },
  { name: "rate", type: "float8" },
  { name: "status", type: "text" },
  { name: "paid", type: "bool" },
  { name: "guest_id", type: "uuid" },
  { name: "arrives", type: "date" },
  { name: "updated_at", type: "timestamptz" },
  { name: "starts_at", type: "timestamp" },
];

const matches = (filter: string, row: Record<string, string | null>) => matchesFilter(parseFilter(filter), row, columns);

describe("parsing", () => {
  it("reads what the client's filter builder writes: AND-ed conditions, not., quoted values and in lists", () => {
    const filter = postgresChangesFilter().eq("status", "a,b").in("id", [1, 2]).not("status", "eq", 'say "hi"').build();
    expect(parseFilter(filter)).toEqual([
      { column: "status", operator: "eq", negate: false, values: ["a,b"] },
      { column: "id", operator: "in", negate: false, values: ["1", "2"] },
      { column: "status", operator: "eq", negate: true, values: ['say "hi"'] },
    ]);
  });

  it("treats an empty or blank filter as no condition", () => {
    expect(parseFilter(undefined)).toEqual([]);
    expect(parseFilter("  ")).toEqual([]);
  });

  it.each([
    ["status=foo.x", /unknown operator "foo"/],
    ["status=like.a%", /"like" is not supported by Keepr/],
    ["id=in.1,2", /must be wrapped in parentheses/],
    ["undefined", /expected column=operator.value/],
    ["id=eq.1,,status=eq.a", /empty condition/],
    ['status=eq."open', /unterminated double quote/],
    ["paid=is.maybe", /null, true, false or unknown/],
  ])("refuses %s", (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(FilterError);
    expect(() => parseFilter(filter)).toThrow(message);
  });
});

describe("matching", () => {
  it("compares numbers as exact decimals, beyond 2^53 and whatever the trailing zeros", () => {
    expect(matches("id=gt.9007199254740992", { id: "9007199254740993" })).toBe(true);
    expect(matches("id=gt.9", { id: "10" })).toBe(true);
    expect(matches("amount=eq.1.5", { amount: "1.50" })).toBe(true);
    expect(matches("amount=lt.-0.5", { amount: "-1" })).toBe(true);
    expect(matches("amount=gte.0", { amount: "-0.00" })).toBe(true);
    expect(matches("rate=lt.1e3", { rate: "999.5" })).toBe(true);
    expect(matches("rate=gt.0", { rate: "NaN" })).toBe(false);
  });

  it("compares timestamps as instants and dates as dates, whatever the notation", () => {
    expect(matches("updated_at=eq.2026-08-21T10:00:00Z", { updated_at: "2026-08-21 12:00:00+02" })).toBe(true);
    expect(matches("updated_at=lt.2026-08-21T10:00:00.000001Z", { updated_at: "2026-08-21 10:00:00+00" })).toBe(true);
    expect(matches("updated_at=gt.2026-08-21T10:00:00Z", { updated_at: "2026-08-21 05:30:00-05:00" })).toBe(true);
    expect(matches("updated_at=lt.infinity", { updated_at: "2026-08-21 10:00:00+00" })).toBe(true);
    expect(matches("starts_at=gte.2026-08-21T09:00:00", { starts_at: "2026-08-21 09:00:00.5" })).toBe(true);
    expect(matches("arrives=lte.2026-08-21", { arrives: "2026-08-21" })).toBe(true);
    expect(matches("arrives=gt.2026-08-21", { arrives: "2026-08-20" })).toBe(false);
  });

  it("normalises booleans and uuids, and compares text as text", () => {
    expect(matches("paid=eq.true", { paid: "t" })).toBe(true);
    expect(matches("paid=eq.false", { paid: "t" })).toBe(false);
    expect(matches("guest_id=eq.8F14E45F-CEEA-467A-9575-AB1B3E5F0D0C", { guest_id: "8f14e45f-ceea-467a-9575-ab1b3e5f0d0c" })).toBe(true);
    expect(matches("status=lt.b", { status: "apple" })).toBe(true);
    expect(matches("status=in.(held,confirmed)", { status: "confirmed" })).toBe(true);
    expect(matches("status=not.in.(held,confirmed)", { status: "confirmed" })).toBe(false);
  });

  it("follows SQL's three-valued logic: comparing with NULL never matches, only is tests it", () => {
    expect(matches("status=eq.held", { status: null })).toBe(false);
    expect(matches("status=neq.held", { status: null })).toBe(false);
    expect(matches("status=not.eq.held", { status: null })).toBe(false);
    expect(matches("status=is.null", { status: null })).toBe(true);
    expect(matches("status=not.is.null", { status: null })).toBe(false);
    expect(matches("paid=not.is.true", { paid: null })).toBe(true);
    expect(matches("paid=is.false", { paid: "f" })).toBe(true);
  });

  it("never matches a row without the filtered column, or no row at all", () => {
    expect(matches("status=neq.held", { id: "1" })).toBe(false);
    expect(matchesFilter(parseFilter("id=eq.1"), null, columns)).toBe(false);
    expect(matchesFilter([], null, columns)).toBe(true);
  });
});
