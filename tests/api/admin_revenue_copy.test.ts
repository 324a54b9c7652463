// The rate calendar's pure parts (issue 21): which setRates calls "Copy a
// period" makes (copyPeriod.ts), which ranges it refuses, and how the rooms
// left are counted from units and claims (revenue/data.ts). The browser test
// (tests/e2e/admin-revenue.test.ts) checks the same against the API; here
// every shape of input, including random ones (the seed is printed).
import { between, pick, seededRandom, testSeed } from "../helpers/random.ts";
import { copiedValues, copyCalls, copyRangeProblem, type CopiedValues, type CopyCall } from "../../admin/src/features/revenue/copyPeriod.ts";
import { countRoomsLeft } from "../../admin/src/features/revenue/data.ts";

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const plain: CopiedValues = { price: null, minStay: null, maxStay: null, closedToArrival: false, closedToDeparture: false, stopSell: false };
const weekend: CopiedValues = { ...plain, price: "15000" };

/** The dates a call writes, as set_rates reads its arguments. */
function datesOf(call: CopyCall): string[] {
  const out: string[] = [];
  for (let d = call.firstDate; d <= call.lastDate; d = addDays(d, 1)) {
    if (call.daysOfWeek === null || call.daysOfWeek.includes(isoWeekday(d))) out.push(d);
  }
  return out;
}

it("a fortnight of weekday and weekend prices copies in two calls, each on its weekdays", () => {
  // 2027-01-04 is a Monday.
  const values = new Map<string, CopiedValues>();
  for (let i = 0; i < 14; i++) {
    const date = addDays("2027-01-04", i);
    values.set(date, isoWeekday(date) >= 5 && isoWeekday(date) <= 6 ? weekend : plain);
  }
  const calls = copyCalls("plan", values);
  expect(calls).toEqual([
    { ratePlanId: "plan", firstDate: "2027-01-04", lastDate: "2027-01-17", daysOfWeek: [1, 2, 3, 4, 7], reset: true, ...plain },
    { ratePlanId: "plan", firstDate: "2027-01-08", lastDate: "2027-01-16", daysOfWeek: [5, 6], reset: true, ...weekend },
  ]);
});

it("values that are not some weekdays over a range go as runs of consecutive dates", () => {
  const stop: CopiedValues = { ...plain, stopSell: true };
  const values = new Map<string, CopiedValues>([
    ["2027-01-04", stop], ["2027-01-05", stop], ["2027-01-06", plain], ["2027-01-07", stop], ["2027-01-08", plain], ["2027-01-11", plain],
    ["2027-01-12", stop],
  ]);
  const calls = copyCalls("plan", values).filter((c) => c.stopSell);
  // Mon, Tue, Thu, then Tue a week on: Mon the 11th is not a stop, so no weekday pattern covers them exactly.
  expect(calls.map((c) => [c.firstDate, c.lastDate, c.daysOfWeek])).toEqual([
    ["2027-01-04", "2027-01-05", null],
    ["2027-01-07", "2027-01-07", null],
    ["2027-01-12", "2027-01-12", null],
  ]);
  // Without the plain Monday the 11th in between, the same stops are Mondays, Tuesdays and Thursdays: one call.
  values.set("2027-01-11", stop);
  expect(copyCalls("plan", values).filter((c) => c.stopSell).map((c) => [c.firstDate, c.lastDate, c.daysOfWeek])).toEqual([["2027-01-04", "2027-01-12", [1, 2, 4]]]);
});

it("random periods: the calls write every target date once, with its own values, and nothing else", () => {
  const seed = testSeed("copy calls");
  const next = seededRandom(seed);
  const choices: CopiedValues[] = [plain, weekend, { ...plain, minStay: 2 }, { ...plain, stopSell: true }, { ...plain, price: "9000", closedToArrival: true }];
  for (let round = 0; round < 300; round++) {
    const first = addDays("2027-03-01", between(next, 0, 30));
    const length = between(next, 1, 60);
    const values = new Map<string, CopiedValues>();
    for (let i = 0; i < length; i++) values.set(addDays(first, i), pick(next, choices.slice(0, between(next, 1, choices.length))));
    const written = new Map<string, CopiedValues>();
    for (const call of copyCalls("plan", values)) {
      expect(call.reset).toBe(true);
      const { ratePlanId: _p, firstDate: _f, lastDate: _l, daysOfWeek: _d, reset: _r, ...v } = call;
      for (const date of datesOf(call)) {
        expect(written.has(date)).toBe(false);
        written.set(date, v);
      }
    }
    expect(new Map([...written].sort())).toEqual(new Map([...values].sort()));
  }
});

it("a source date gives its overridden price and the limits that differ from the plan's, and its flags as they are", () => {
  const plan = { minStay: 1, maxStay: null };
  const cell = {
    ratePlanId: "p", date: "2027-01-01", price: "12000", priceIsOverride: true, minStay: 3, maxStay: null, closedToArrival: true, closedToDeparture: false, stopSell: false, isOverride: true,
    ownMinStay: 3, ownMaxStay: null, ownClosedToArrival: true, ownClosedToDeparture: false, ownStopSell: false,
  };
  expect(copiedValues(cell, plan)).toEqual({ price: "12000", minStay: 3, maxStay: null, closedToArrival: true, closedToDeparture: false, stopSell: false });
  // The plan's own price and stay: nothing overridden, the target follows the plan.
  const own = { ownMinStay: 1, ownClosedToArrival: false };
  expect(copiedValues({ ...cell, priceIsOverride: false, minStay: 1, closedToArrival: false, isOverride: false, ...own }, plan)).toEqual(plain);
  // A derived plan's date shows its parent's restrictions combined with its own (minimum 4, stop sell, closed to
  // departure from the parent); a copy writes only its own, so the parent's keep applying through the parent.
  const derived = { ...cell, priceIsOverride: false, minStay: 4, stopSell: true, closedToDeparture: true, ownMinStay: 2, ownClosedToArrival: true, ownStopSell: false, ownClosedToDeparture: false };
  expect(copiedValues(derived, plan)).toEqual({ price: null, minStay: 2, maxStay: null, closedToArrival: true, closedToDeparture: false, stopSell: false });
});

it("refuses a source ending before it starts, over 366 days, a target before today or on the source", () => {
  const today = "2027-01-10";
  expect(copyRangeProblem({ sourceFirst: "2027-01-20", sourceLast: "2027-01-19", targetFirst: "2027-02-01" }, today)).toMatch(/before its first/);
  // 2027-01-20 to 2028-01-20 is 366 dates (2027 has 365 days); a day more is too many.
  expect(copyRangeProblem({ sourceFirst: "2027-01-20", sourceLast: "2028-01-21", targetFirst: "2028-02-01" }, today)).toMatch(/at most 366 days/);
  expect(copyRangeProblem({ sourceFirst: "2027-01-20", sourceLast: "2028-01-20", targetFirst: "2028-02-01" }, today)).toBeNull();
  expect(copyRangeProblem({ sourceFirst: "2027-01-20", sourceLast: "2027-01-21", targetFirst: "2027-01-09" }, today)).toMatch(/from today/);
  expect(copyRangeProblem({ sourceFirst: "2027-01-20", sourceLast: "2027-01-21", targetFirst: "2027-01-20" }, today)).toMatch(/nothing would change/);
  expect(copyRangeProblem({ sourceFirst: "", sourceLast: "2027-01-21", targetFirst: "2027-01-25" }, today)).toMatch(/Give the source/);
  // A source in the past may be copied onto dates from today on.
  expect(copyRangeProblem({ sourceFirst: "2026-01-01", sourceLast: "2026-01-31", targetFirst: today }, today)).toBeNull();
});

it("rooms left: active units of the type less the claims on them each night; inactive units and other types left out", () => {
  const units = [
    { rowId: "a1", roomTypeId: "A", isActive: true },
    { rowId: "a2", roomTypeId: "A", isActive: true },
    { rowId: "a3", roomTypeId: "A", isActive: false },
    { rowId: "b1", roomTypeId: "B", isActive: true },
  ];
  const claims = [
    { unitId: "a1", startDate: "2027-01-01", endDate: "2027-01-03" },
    { unitId: "a2", startDate: "2027-01-02", endDate: "2027-01-04" },
    { unitId: "a3", startDate: "2027-01-01", endDate: "2027-01-05" }, // a unit out of service: not counted
    { unitId: "b1", startDate: "2026-12-30", endDate: "2027-01-02" }, // started before the window
  ];
  const left = countRoomsLeft(units, claims, ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"]);
  expect(left.get("A")).toEqual({ active: 2, left: new Map([["2027-01-01", 1], ["2027-01-02", 0], ["2027-01-03", 1], ["2027-01-04", 2]]) });
  expect(left.get("B")).toEqual({ active: 1, left: new Map([["2027-01-01", 0], ["2027-01-02", 1], ["2027-01-03", 1], ["2027-01-04", 1]]) });
});
