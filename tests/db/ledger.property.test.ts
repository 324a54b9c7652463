// A property-based (model-based) test of the ledger with fast-check: random
// sequences of bookings, changes, cancellations, no-shows, check-ins and
// check-outs, payments, refunds and owner payouts on several properties
// (EUR, USD and JPY, with and without fees and taxes, random deposits and
// cancellation terms; the vacation rental's unit and one of the New York
// hotel's two units belong to owners, at 20 % and 12.5 % commission). The
// provider's part is played by the app_private.record_* functions the
// worker and the webhooks call (as the DB owner). After every step:
//   1. the books balance: trial_balance difference 0 for every property and
//      currency, every journal entry sums to zero per currency (with at least
//      two postings), and the deferred UNBAL check passes as at commit;
//   2. every folio's balance equals charges minus payments plus refunds,
//      computed independently from postings, attempts and refunds, and the
//      charges equal what the model expects (the total while booked, checked
//      in or out, the penalty once cancelled or a no-show, both priced by the
//      model); a folio is closed exactly when its stay is checked out; where
//      no tax is included in the prices (the owners' properties), the room
//      and cancellation revenue posted for a reservation are the model's;
//   3. postings are append-only: every posting seen in the sequence is still
//      there unchanged, and their count only grows;
//   4. payment intents never refund more than they captured; money captured
//      per reservation less refunds never goes negative; attempts, refunds
//      and intents agree with the model; a booked reservation's payment
//      schedule (collected + being collected + open) covers its total;
//   5. owner payouts: the payouts and their lines are exactly the model's
//      (so a stay is never paid twice, and nothing is paid that no run
//      paid); per stay, what its lines paid never exceeds the room and
//      cancellation revenue its entries posted, their commission is
//      round(paid revenue × commission % / 100) and their owner share the
//      rest; each payout is the sum of its lines, every line is for a stay
//      on a unit of the payout's owner; per property, owner payable =
//      −(owner share of unpaid payouts), payouts = −(owner share of paid
//      payouts), commission revenue = −(all commission), and the payout
//      entries debit room / cancellation revenue by the payouts' totals.
//      Right after a payout run for a property, every ended stay on an
//      owner's unit (departed by the period end, or checked out by its
//      end) is paid in full: lines = posted revenue, less commission; a
//      second run with a new key pays nothing, the same key replays; a
//      payout marked paid twice is refused (TRANS) the second time;
//   6. housekeeping: the units made dirty by check-outs are exactly the
//      dirty ones; a check-in on a dirty unit needs force (UNRDY);
//   7. the desk (docs/ledger.md, "At the desk"): extras charged, allowances,
//      corrections, cash and bank payments and refunds (goodwill ones too),
//      second folios, charges routed between folios and to a company's city
//      ledger, transfers of a folio's balance to the city ledger, cash shifts
//      opened and closed with a counted difference; check-out settles every
//      guest folio first (bank transfer or refund of a credit), as a desk
//      would. Every folio (the second ones and the companies' too) has the
//      balance the model computes on its own (its share of the stay's charges
//      and card payments, plus what the desk did to it), equal to the sum of
//      its postings and to folio_balances; the desk's part of its postings is
//      the model's; a guest folio is closed exactly when its stay is checked
//      out and it is at zero; per property, cash, bank, city ledger, extras
//      revenue, allowances and cash over/short hold what the model says; every
//      closed shift expected float + cash in − cash out and posted the
//      difference; a booked stay's card schedule never asks for more than the
//      folios owe (it shrinks by what the desk took).
//
// A stay through to its payout (book today, check in, maybe change it, check
// out, run payouts) is too rare to come up by chance, so sequences now and then
// get it as a block of those commands. The summary printed at the end counts,
// per command, what succeeded, what was refused (by SQLSTATE) and what was
// skipped for want of a candidate, and how many payout runs paid something.
//
// One sequence = one transaction, rolled back ("today" is the property's
// date at the transaction's now(), as the SQL sees it). Environment:
//   KEEPR_TEST_SEED      replay a seed (printed at the start of every run)
//   KEEPR_PROPERTY_RUNS  number of random sequences (default 250: about 15 s on 2 cores when it passes)
//   KEEPR_PROPERTY_PATH  fast-check replay path (printed with a counterexample)
import fc from "fast-check";
import type pg from "pg";
import { createTestDatabase, inRollback, type TestDatabase } from "../helpers/db.ts";
import { addDays, confirm, createHotel, hold, newKey, quote, type Hotel } from "../helpers/booking.ts";

const DEFAULT_RUNS = 250;
const numRuns = Number(process.env.KEEPR_PROPERTY_RUNS ?? DEFAULT_RUNS);
const seed = process.env.KEEPR_TEST_SEED !== undefined ? Number(process.env.KEEPR_TEST_SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const replayPath = process.env.KEEPR_PROPERTY_PATH;

// ---------------------------------------------------------------------------
// The properties (created once, committed) and their prices
// ---------------------------------------------------------------------------

type FeeSpec = { name: string; basis: "per_stay" | "per_night" | "per_guest_night"; amount: number };
type TaxSpec =
  | { name: string; basis: "percent_of_room"; percent: string; inclusive: boolean; appliesToFees: boolean }
  | { name: string; basis: "per_night" | "per_person_night"; amount: number; inclusive: boolean };

interface PropertySpec {
  label: string;
  currency: string;
  timeZone: string;
  kind: "hotel" | "vacation_rental";
  units: number;
  maxOccupancy: number;
  basePrice: number;
  includedGuests: number;
  extraAdultFee: number;
  extraChildFee: number;
  fees: FeeSpec[];
  taxes: TaxSpec[];
  /** An owner of some of the units (by index), and the commission the property keeps on their rental revenue. */
  owner?: { name: string; commissionPercent: string; units: number[] };
}

const specs: PropertySpec[] = [
  {
    label: "lisbon-EUR", currency: "EUR", timeZone: "Europe/Lisbon", kind: "hotel", units: 2, maxOccupancy: 3,
    basePrice: 10000, includedGuests: 2, extraAdultFee: 2500, extraChildFee: 1000,
    fees: [{ name: "Cleaning", basis: "per_stay", amount: 3000 }],
    taxes: [
      { name: "VAT", basis: "percent_of_room", percent: "6", inclusive: true, appliesToFees: true },
      { name: "City tax", basis: "per_person_night", amount: 200, inclusive: false },
    ],
  },
  {
    label: "nyc-USD", currency: "USD", timeZone: "America/New_York", kind: "hotel", units: 2, maxOccupancy: 3,
    basePrice: 18999, includedGuests: 1, extraAdultFee: 1750, extraChildFee: 0,
    fees: [{ name: "Resort fee", basis: "per_night", amount: 2495 }],
    taxes: [
      { name: "Sales tax", basis: "percent_of_room", percent: "8.875", inclusive: false, appliesToFees: true },
      { name: "Occupancy tax", basis: "per_night", amount: 200, inclusive: false },
    ],
    owner: { name: "Hudson Holdings", commissionPercent: "12.5", units: [0] },
  },
  {
    label: "tokyo-JPY", currency: "JPY", timeZone: "Asia/Tokyo", kind: "hotel", units: 2, maxOccupancy: 3,
    basePrice: 12345, includedGuests: 2, extraAdultFee: 3000, extraChildFee: 1500,
    fees: [{ name: "Service", basis: "per_guest_night", amount: 550 }],
    taxes: [
      { name: "Consumption tax", basis: "percent_of_room", percent: "10", inclusive: true, appliesToFees: true },
      { name: "Accommodation tax", basis: "per_person_night", amount: 200, inclusive: false },
    ],
  },
  {
    label: "algarve-EUR-rental", currency: "EUR", timeZone: "Europe/Lisbon", kind: "vacation_rental", units: 1, maxOccupancy: 4,
    basePrice: 15050, includedGuests: 4, extraAdultFee: 0, extraChildFee: 0, fees: [], taxes: [],
    owner: { name: "Maria Algarve", commissionPercent: "20", units: [0] },
  },
];

/** round(num / den) half away from zero, for num >= 0 and den > 0, as Postgres numeric round() does. */
const roundDiv = (num: bigint, den: bigint): bigint => (2n * num + den) / (2n * den);
/** A percent with up to three decimals, in thousandths. */
const milli = (percent: string | number): bigint => BigInt(Math.round(Number(percent) * 1000));

/** The room part of a stay's price: nights + extra guests. */
function roomOf(spec: PropertySpec, nights: number, adults: number, children: number): bigint {
  const extraAdults = Math.max(adults - spec.includedGuests, 0);
  const extraChildren = Math.max(children - Math.max(spec.includedGuests - adults, 0), 0);
  return BigInt(nights * (spec.basePrice + extraAdults * spec.extraAdultFee + extraChildren * spec.extraChildFee));
}

/** The total the model expects for a stay: nights + extra guests, fees, taxes not included in the prices. */
function priceOf(spec: PropertySpec, nights: number, adults: number, children: number): number {
  const room = roomOf(spec, nights, adults, children);
  const guests = adults + children;
  let fees = 0n;
  for (const f of spec.fees) fees += BigInt(f.amount * (f.basis === "per_stay" ? 1 : f.basis === "per_night" ? nights : nights * guests));
  let taxes = 0n;
  for (const t of spec.taxes) {
    if (t.inclusive) continue;
    if (t.basis === "percent_of_room") taxes += roundDiv((room + (t.appliesToFees ? fees : 0n)) * milli(t.percent), 100_000n);
    else taxes += BigInt(t.amount * (t.basis === "per_night" ? nights : nights * guests));
  }
  return Number(room + fees + taxes);
}

// ---------------------------------------------------------------------------
// Per sequence: the rate plans' payment and cancellation terms
// ---------------------------------------------------------------------------

interface Terms {
  depositPercent: number;
  balanceDueDays: number;
  isRefundable: boolean;
  freeCancellationDays: number;
  penaltyKind: "nights" | "percent";
  penaltyValue: number;
  /** Whether a penalty carries the taxes per night and per person-night too (taxes.applies_to_penalty; by default it does not). */
  perNightTaxesCarried: boolean;
}

const termsArb: fc.Arbitrary<Terms> = fc
  .record({
    depositPercent: fc.constantFrom(0, 15, 25, 33.33, 50, 100),
    balanceDueDays: fc.integer({ min: 0, max: 14 }),
    isRefundable: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    freeCancellationDays: fc.integer({ min: 0, max: 30 }),
    penalty: fc.oneof(
      fc.record({ kind: fc.constant("nights" as const), value: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant("percent" as const), value: fc.integer({ min: 0, max: 100 }) }),
    ),
    perNightTaxesCarried: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map(({ penalty, ...t }) => ({ ...t, penaltyKind: penalty.kind, penaltyValue: penalty.value }));

/** Minutes since local midnight in a time zone, now. */
function localMinutes(timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date());
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get("hour") * 60 + get("minute");
}

const CHECK_IN_MINUTES = 15 * 60; // properties.check_in_time defaults to 15:00

/**
 * The penalties the model accepts for cancelling (or not showing up for) a
 * reservation now, by the terms locked at its last pricing: two only when the
 * free-cancellation deadline is within two minutes of now.
 */
/** A per-night or per-person-night tax's amount for a stay. */
const perNightTaxOf = (t: TaxSpec & { basis: "per_night" | "per_person_night" }, nights: number, guests: number) =>
  t.amount * (t.basis === "per_night" ? nights : nights * guests);

/** The taxes a penalty does not carry (per night, per person-night: owed only for nights stayed, unless the terms say they are carried). */
function penaltyFreeTaxesOf(spec: PropertySpec, terms: Terms, nights: number, guests: number): number {
  let amount = 0;
  if (terms.perNightTaxesCarried) return 0;
  for (const t of spec.taxes) if (t.basis !== "percent_of_room") amount += perNightTaxOf(t, nights, guests);
  return amount;
}

function penaltyCandidates(spec: PropertySpec, terms: Terms, res: ResModel, today: string): number[] {
  const nights = nightsOf(res.arrival, res.departure);
  // A penalty is a share of the total without the taxes it does not carry.
  const total = res.total - penaltyFreeTaxesOf(spec, terms, nights, res.adults + res.children);
  if (!terms.isRefundable) return [total];
  const late = Math.min(
    Number(terms.penaltyKind === "nights"
      ? roundDiv(BigInt(total) * BigInt(Math.min(terms.penaltyValue, nights)), BigInt(nights))
      : roundDiv(BigInt(total) * BigInt(terms.penaltyValue), 100n)),
    total,
  );
  const deadlineDay = addDays(res.arrival, -terms.freeCancellationDays);
  if (deadlineDay > today) return [0];
  if (deadlineDay < today) return [late];
  const minutes = localMinutes(spec.timeZone);
  if (minutes < CHECK_IN_MINUTES - 2) return [0];
  if (minutes > CHECK_IN_MINUTES + 2) return [late];
  return [0, late];
}

const nightsOf = (arrival: string, departure: string) => Math.round((Date.parse(departure) - Date.parse(arrival)) / 86_400_000);

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

type ResStatus = "confirmed" | "checked_in" | "checked_out" | "cancelled" | "no_show";
interface ResModel {
  label: string;
  id: string;
  prop: number;
  arrival: string;
  departure: string;
  adults: number;
  children: number;
  status: ResStatus;
  total: number;
  penalty: number | null;
  /** The unit the database gave it (refreshed after every step: a change may move it). */
  unitId: string;
  /** The property's date when it was checked out. */
  checkedOutOn: string | null;
}
interface AttemptModel { label: string; id: string; intentId: string; resId: string; amount: number; status: "pending" | "authorized" | "captured" | "failed" }
interface RefundModel { label: string; id: string; intentId: string; resId: string; amount: number; status: "pending" | "succeeded" | "failed"; auto: boolean }
/** Payment intents as the database has them (refreshed after every step): what pay and refund pick from. */
interface IntentRow { id: string; reservation_id: string; kind: string; status: string; amount: string; amount_captured: string; amount_refunded: string; folio_id: string }

/** A payout as run_payouts made it (one owner, one run). */
interface PayoutModel { label: string; id: string; prop: number; ownerId: string; room: number; cancellation: number; commission: number; share: number; paid: boolean }
/** What the payout lines of one stay add up to. */
interface PaidOut { room: number; cancellation: number; commission: number; share: number }

/** A folio as the model sees it: a reservation's (the primary, or a second one), or a company's city ledger. */
interface FolioModel { label: string; id: string; prop: number; resId: string | null; primary: boolean; companyId: string | null; desk: number }
/** An extra or an allowance posted at the desk, and the folio it sits on now. */
interface DeskChargeModel { label: string; entryId: string; prop: number; folioId: string; amount: number; kind: "extra" | "allowance"; corrected: boolean }
/** The front desk's cash shift at a property. */
interface ShiftModel { label: string; id: string; prop: number; float: number; cash: number; closed: boolean; expected: number | null; difference: number | null }
/** Per property, what the desk's accounts must hold (debit positive). */
type DeskAccounts = Record<"cash_drawer" | "bank" | "extras_revenue" | "allowances" | "cash_over_short", number>;

interface Model {
  terms: Terms[];
  folios: FolioModel[];
  deskCharges: DeskChargeModel[];
  shifts: ShiftModel[];
  accounts: DeskAccounts[];
  /** Per property, its date at the sequence's now() (local_today in the SQL). */
  today: string[];
  reservations: ResModel[];
  attempts: AttemptModel[];
  refunds: RefundModel[];
  intents: IntentRow[];
  payouts: PayoutModel[];
  /** Per reservation, the sum of its payout lines. */
  paidOut: Map<string, PaidOut>;
  /** Units made dirty by check-outs. */
  dirty: Set<string>;
  trace: string[];
}

interface Real {
  c: pg.PoolClient;
  sessions: Map<string, string>;
  today: string[];
  /** Every posting seen in this sequence: id → its columns. */
  postings: Map<string, string>;
}

let hotels: Hotel[] = [];
/** Per property, the desk's catalogue extra (no tax: its price is all extras revenue) and a company with its city-ledger folio. */
let desks: Array<{ extraId: string; price: number; companyId: string; companyFolioId: string }> = [];
/** Per property, its owner (when the spec has one): id, commission in thousandths of a percent, and their units. */
interface OwnerSetup { id: string; name: string; percent: bigint; unitIds: Set<string> }
let owners: Array<OwnerSetup | null> = [];
const ownerOfUnit = (prop: number, unitId: string): OwnerSetup | null => {
  const o = owners[prop];
  return o && o.unitIds.has(unitId) ? o : null;
};

const resById = (m: Model, id: string) => m.reservations.find((r) => r.id === id);
/** Charged the total: booked, checked in or checked out (not cancelled, not a no-show). */
const charged = (r: ResModel) => r.status !== "cancelled" && r.status !== "no_show";
/** Holding its unit's nights: booked or checked in (a check-out today gives back every night from today). */
const occupies = (r: ResModel) => r.status === "confirmed" || r.status === "checked_in";
const capturedOf = (m: Model, pred: (a: AttemptModel) => boolean) => m.attempts.filter((a) => a.status === "captured" && pred(a)).reduce((s, a) => s + a.amount, 0);
const refundedOf = (m: Model, pred: (f: RefundModel) => boolean) => m.refunds.filter((f) => f.status !== "failed" && pred(f)).reduce((s, f) => s + f.amount, 0);
/** What the guest has paid, net of refunds made or under way. */
const netPaid = (m: Model, resId: string) => capturedOf(m, (a) => a.resId === resId) - refundedOf(m, (f) => f.resId === resId);
/** What the reservation costs now: the total while charged, the penalty once cancelled or a no-show. */
const dueOf = (r: ResModel) => (charged(r) ? r.total : r.penalty ?? 0);
/** A folio's balance by the model: the primary's share of the stay (due − captured + refunds) and what the desk did to it. */
const folioBalanceOf = (m: Model, f: FolioModel): number => {
  const res = f.primary && f.resId ? resById(m, f.resId)! : null;
  return (res ? dueOf(res) - capturedOf(m, (a) => a.resId === res.id) + refundedOf(m, (x) => x.resId === res.id) : 0) + f.desk;
};
/** Closed exactly when its stay is checked out and it is at zero (company folios never close). */
const folioClosed = (m: Model, f: FolioModel): boolean => !!f.resId && resById(m, f.resId)!.status === "checked_out" && folioBalanceOf(m, f) === 0;
const companyFolioOf = (m: Model, prop: number) => m.folios.find((f) => f.companyId !== null && f.prop === prop)!;
const resOfCharge = (m: Model, x: DeskChargeModel) => m.folios.find((f) => f.id === x.folioId)?.resId ?? null;
const openShiftOf = (m: Model, prop: number) => m.shifts.find((x) => x.prop === prop && !x.closed);
/**
 * The room and cancellation revenue the model expects a reservation's entries
 * to have posted, at a property where no tax is included in the prices (room
 * revenue is then the room part of the price).
 */
const rentalOf = (m: Readonly<Model>, r: ResModel): { room: number; cancellation: number } =>
  charged(r)
    ? { room: Number(roomOf(specs[r.prop]!, nightsOf(r.arrival, r.departure), r.adults, r.children)), cancellation: 0 }
    : { room: 0, cancellation: (r.penalty ?? 0) - penaltyTaxesOf(specs[r.prop]!, m.terms[r.prop]!, r) };

/**
 * The share of a penalty that stays on tax accounts: each percent tax (added;
 * percent taxes carry penalties) takes round(penalty × tax / base), where the
 * base is the total less the taxes a penalty does not carry.
 */
function penaltyTaxesOf(spec: PropertySpec, terms: Terms, r: ResModel): number {
  const penalty = BigInt(r.penalty ?? 0);
  const nights = nightsOf(r.arrival, r.departure);
  const base = BigInt(r.total - penaltyFreeTaxesOf(spec, terms, nights, r.adults + r.children));
  if (penalty === 0n || base === 0n) return 0;
  const room = roomOf(spec, nights, r.adults, r.children);
  const guests = r.adults + r.children;
  let fees = 0n;
  for (const f of spec.fees) fees += BigInt(f.amount * (f.basis === "per_stay" ? 1 : f.basis === "per_night" ? nights : nights * guests));
  let kept = 0n;
  for (const t of spec.taxes) {
    if (t.inclusive) continue;
    if (t.basis === "percent_of_room") kept += roundDiv(penalty * roundDiv((room + (t.appliesToFees ? fees : 0n)) * milli(t.percent), 100_000n), base);
    else if (terms.perNightTaxesCarried) kept += roundDiv(penalty * BigInt(perNightTaxOf(t, nights, guests)), base);
  }
  return Number(kept);
}
const hasInclusiveTax = (spec: PropertySpec) => spec.taxes.some((t) => t.inclusive);
/** round(revenue × percent / 100) as Postgres rounds numerics (half away from zero); percent in thousandths. */
const commissionOf = (revenue: number, percent: bigint): number => {
  const n = BigInt(revenue) * percent;
  return Number(n < 0n ? -roundDiv(-n, 100_000n) : roundDiv(n, 100_000n));
};
/** Whether a stay has ended for a payout period ending on periodEnd: departed by then, or checked out by its end. */
const endedBy = (r: ResModel, periodEnd: string) => r.departure <= periodEnd || (r.status === "checked_out" && r.checkedOutOn! <= periodEnd);
const refundableOf = (m: Model, intentId: string) => capturedOf(m, (a) => a.intentId === intentId) - refundedOf(m, (f) => f.intentId === intentId);

function fail(m: Model, message: string): never {
  throw new Error(`${message}\n  sequence so far:\n    ${m.trace.join("\n    ")}`);
}

/** Picks the (index mod n)-th candidate; LATEST (-1): the newest. */
const pick = <T>(list: T[], index: number): T => (index === LATEST ? list[list.length - 1]! : list[index % list.length]!);
const LATEST = -1;

// ---------------------------------------------------------------------------
// Statistics over the whole test (all runs, shrinking included)
// ---------------------------------------------------------------------------

interface Stat { ok: number; refused: Map<string, number>; skipped: number }
const stats = new Map<string, Stat>();
const stat = (name: string): Stat => {
  let s = stats.get(name);
  if (!s) stats.set(name, (s = { ok: 0, refused: new Map(), skipped: 0 }));
  return s;
};
let sequences = 0;
let stepsRun = 0;
/** Payouts made (non-empty) and their lines, over all runs. */
let payoutsMade = 0;
let payoutLinesMade = 0;

// ---------------------------------------------------------------------------
// Running a step: as staff or as the owner, in a savepoint
// ---------------------------------------------------------------------------

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

async function become(r: Real, userId: string | null): Promise<void> {
  if (userId === null) {
    await r.c.query("reset role");
    return;
  }
  const session = r.sessions.get(userId)!;
  await r.c.query(
    `reset role; select set_config('jwt.claims.session_id', '${session}', true), set_config('keepr.request_id', 'ledger-property-test', true); set local role keepr_staff`,
  );
}

/** Runs fn as userId (null: the owner) in a savepoint; an error rolls back to it and is returned. */
async function exec<T>(r: Real, userId: string | null, fn: () => Promise<T>): Promise<Outcome<T>> {
  await r.c.query("savepoint step");
  try {
    await become(r, userId);
    const value = await fn();
    await r.c.query("release savepoint step");
    return { ok: true, value };
  } catch (error) {
    await r.c.query("rollback to savepoint step");
    const e = error as { code?: string; message?: string };
    return { ok: false, code: e.code ?? "unknown", message: e.message ?? String(error) };
  }
}

/** A refusal is fine when its SQLSTATE is one the model allows for this step; anything else fails the property. */
function refused(m: Model, name: string, outcome: { code: string; message: string }, allowed: string[]): void {
  if (!allowed.includes(outcome.code)) fail(m, `${name} failed with ${outcome.code}: ${outcome.message} (the model allows ${allowed.join(", ") || "no error"} here)`);
  const s = stat(name);
  s.refused.set(outcome.code, (s.refused.get(outcome.code) ?? 0) + 1);
  m.trace.push(`  → refused ${outcome.code}`);
}

const succeeded = (name: string) => stat(name).ok++;

// ---------------------------------------------------------------------------
// After every step: the invariants
// ---------------------------------------------------------------------------

const invariantSql = `
reset role;
set constraints all immediate;
set constraints all deferred;
select property_id, currency, difference::text as difference from app_public.trial_balance where difference <> 0;
select entry_id, currency, sum(amount)::text as total from app_public.postings group by entry_id, currency having sum(amount) <> 0;
select e.id, count(p.id)::int as postings from app_public.journal_entries e left join app_public.postings p on p.entry_id = e.id group by e.id having count(p.id) < 2;
select id, entry_id, account_id, amount::text as amount, currency, folio_id from app_public.postings;
with rev as (
  select e.cause_id as reservation_id,
         -sum(p.amount) filter (where a.purpose = 'room_revenue') as room_revenue,
         -sum(p.amount) filter (where a.purpose = 'cancellation_revenue') as cancellation_revenue
    from app_public.journal_entries e
    join app_public.postings p on p.entry_id = e.id
    join app_public.ledger_accounts a on a.id = p.account_id
   where e.cause_type = 'reservation' and a.purpose in ('room_revenue', 'cancellation_revenue')
   group by e.cause_id
), pl as (
  select l.reservation_id, count(*) as lines, sum(l.room_revenue) as room, sum(l.cancellation_revenue) as cancellation,
         sum(l.commission) as commission, sum(l.owner_share) as share
    from app_public.payout_lines l group by l.reservation_id
)
select r.id, r.status, r.currency, r.total_amount::text as total, r.penalty_amount::text as penalty, f.id as folio_id,
       f.status as folio_status, r.unit_id,
       coalesce(rev.room_revenue, 0)::text as room_revenue, coalesce(rev.cancellation_revenue, 0)::text as cancellation_revenue,
       coalesce(pl.lines, 0)::text as lines, coalesce(pl.room, 0)::text as paid_room, coalesce(pl.cancellation, 0)::text as paid_cancellation,
       coalesce(pl.commission, 0)::text as paid_commission, coalesce(pl.share, 0)::text as paid_share,
       (select coalesce(json_agg(json_build_object('currency', b.currency, 'balance', b.balance::text)), '[]')
          from app_public.folio_balances b where b.folio_id = f.id) as balances,
       (select coalesce(sum(p.amount), 0)::text from app_public.postings p where p.folio_id = f.id) as posted,
       (select coalesce(sum(p.amount), 0)::text from app_public.postings p join app_public.journal_entries e on e.id = p.entry_id
         where p.folio_id = f.id and e.cause_type = 'reservation') as charges,
       (select coalesce(sum(a.amount), 0)::text from app_public.payment_attempts a join app_public.payment_intents i on i.id = a.intent_id
         where i.folio_id = f.id and a.status = 'captured') as captured,
       (select coalesce(sum(x.amount), 0)::text from app_public.refunds x join app_public.payment_intents i on i.id = x.intent_id
         where i.folio_id = f.id and x.status in ('pending', 'succeeded')) as refunds
  from app_public.reservations r
  left join app_public.folios f on f.reservation_id = r.id and f.is_primary
  left join rev on rev.reservation_id = r.id
  left join pl on pl.reservation_id = r.id;
select id, reservation_id, kind, status, amount::text as amount, amount_captured::text as amount_captured,
       amount_refunded::text as amount_refunded, folio_id
  from app_public.payment_intents order by created_at, id;
select id, intent_id, status, amount::text as amount from app_public.payment_attempts;
select x.id, x.intent_id, i.reservation_id, x.status, x.amount::text as amount
  from app_public.refunds x join app_public.payment_intents i on i.id = x.intent_id order by x.created_at, x.id;
select id, property_id, owner_id, period_end::text as period_end, currency, room_revenue::text as room, cancellation_revenue::text as cancellation,
       commission::text as commission, owner_share::text as share, (paid_at is not null)::text as paid
  from app_public.payouts order by created_at, id;
select p.id, p.room_revenue::text as room, p.cancellation_revenue::text as cancellation, p.commission::text as commission, p.owner_share::text as share,
       coalesce(sum(l.room_revenue), 0)::text as lines_room, coalesce(sum(l.cancellation_revenue), 0)::text as lines_cancellation,
       coalesce(sum(l.commission), 0)::text as lines_commission, coalesce(sum(l.owner_share), 0)::text as lines_share, count(l.*)::text as lines
  from app_public.payouts p left join app_public.payout_lines l on l.payout_id = p.id
 group by p.id, p.property_id
having count(l.*) = 0 or p.room_revenue <> coalesce(sum(l.room_revenue), 0) or p.cancellation_revenue <> coalesce(sum(l.cancellation_revenue), 0)
    or p.commission <> coalesce(sum(l.commission), 0) or p.owner_share <> coalesce(sum(l.owner_share), 0)
    or p.owner_share <> p.room_revenue + p.cancellation_revenue - p.commission;
select l.payout_id, l.reservation_id, l.owner_id, p.owner_id as payout_owner, u.owner_id as unit_owner, l.property_id, r.property_id as reservation_property
  from app_public.payout_lines l
  join app_public.payouts p on p.id = l.payout_id
  join app_public.reservations r on r.id = l.reservation_id
  left join app_public.units u on u.id = r.unit_id
 where l.owner_id <> p.owner_id or u.owner_id is distinct from l.owner_id or l.property_id <> p.property_id or r.property_id <> l.property_id
    or l.owner_share <> l.room_revenue + l.cancellation_revenue - l.commission;
select p.property_id, a.purpose, (e.cause_type = 'payout')::text as by_payout, sum(p.amount)::text as amount
  from app_public.postings p
  join app_public.ledger_accounts a on a.id = p.account_id
  join app_public.journal_entries e on e.id = p.entry_id
 where a.purpose in ('owner_payable', 'payouts', 'commission_revenue', 'room_revenue', 'cancellation_revenue',
                     'cash_drawer', 'bank', 'extras_revenue', 'allowances', 'cash_over_short', 'city_ledger')
 group by p.property_id, a.purpose, e.cause_type = 'payout';
select id, housekeeping_status::text as status from app_public.units where housekeeping_status <> 'clean';
select f.id, f.property_id, f.reservation_id, f.is_primary::text as is_primary, f.kind, f.status, f.company_id,
       (select coalesce(sum(b.balance), 0)::text from app_public.folio_balances b where b.folio_id = f.id) as balance,
       (select coalesce(sum(p.amount), 0)::text from app_public.postings p where p.folio_id = f.id) as posted,
       (select coalesce(sum(p.amount), 0)::text from app_public.postings p join app_public.journal_entries e on e.id = p.entry_id
         where p.folio_id = f.id and (e.cause_type like 'folio\_%' or e.cause_type = 'city_ledger_transfer')) as desk
  from app_public.folios f;
select id, (closed_at is not null)::text as closed, expected_amount::text as expected, difference::text as difference from app_public.cash_shifts;
`;

type Row = Record<string, string>;

/**
 * Checks every invariant after a step. autoRefunds: per reservation, the
 * amount the step was expected to refund on its own (refund_overpayment);
 * new refunds found anywhere else fail the property. payoutRun: the step ran
 * payouts for this property and period, so every ended stay on an owner's
 * unit there must now be paid in full.
 */
async function verify(
  m: Model, r: Real, autoRefunds: Map<string, number> = new Map(), requestedRefund?: string, payoutRun?: { prop: number; periodEnd: string },
): Promise<void> {
  const results = (await r.c.query(invariantSql)) as unknown as pg.QueryResult<Row>[];
  const [trial, unbalanced, thin, postings, folios, intents, attempts, refunds, payouts, badPayouts, badLines, accounts, dirtyUnits, allFolios, shifts] =
    results.slice(3).map((x) => x.rows) as Row[][];

  // (1) The books balance.
  if (trial!.length) fail(m, `trial balance off: ${JSON.stringify(trial)}`);
  if (unbalanced!.length) fail(m, `journal entries that do not sum to zero per currency: ${JSON.stringify(unbalanced)}`);
  if (thin!.length) fail(m, `journal entries with fewer than two postings: ${JSON.stringify(thin)}`);

  // (3) Postings are append-only.
  const before = r.postings.size;
  const now = new Map(postings!.map((p) => [p.id!, `${p.entry_id} ${p.account_id} ${p.amount} ${p.currency} ${p.folio_id}`]));
  for (const [id, was] of r.postings) {
    const is = now.get(id);
    if (is === undefined) fail(m, `posting ${id} (${was}) was deleted`);
    if (is !== was) fail(m, `posting ${id} changed from (${was}) to (${is})`);
  }
  if (now.size < before) fail(m, `the number of postings went down from ${before} to ${now.size}`);
  r.postings = now;

  // New refunds: requested by this step, or made by refund_overpayment as expected.
  const known = new Set(m.refunds.map((f) => f.id));
  const fresh = refunds!.filter((f) => !known.has(f.id!));
  const freshByRes = new Map<string, number>();
  for (const f of fresh) {
    if (f.id === requestedRefund) continue;
    freshByRes.set(f.reservation_id!, (freshByRes.get(f.reservation_id!) ?? 0) + Number(f.amount));
  }
  for (const resId of new Set([...freshByRes.keys(), ...autoRefunds.keys()])) {
    const got = freshByRes.get(resId) ?? 0;
    const expected = autoRefunds.get(resId) ?? 0;
    if (got !== expected) fail(m, `${resById(m, resId)?.label ?? resId}: refunds made on their own ${got}, the model expected ${expected} (what was paid beyond what it costs)`);
  }
  for (const f of fresh) {
    const auto = f.id !== requestedRefund;
    if (!auto) continue; // the refund command adds its own
    m.refunds.push({ label: `F${m.refunds.length + 1}`, id: f.id!, intentId: f.intent_id!, resId: f.reservation_id!, amount: Number(f.amount), status: "pending", auto });
    m.trace.push(`  → auto refund F${m.refunds.length} of ${f.amount} on ${resById(m, f.reservation_id!)?.label}`);
  }

  // Attempts and refunds as the model says.
  const attemptRows = new Map(attempts!.map((a) => [a.id!, a]));
  if (attemptRows.size !== m.attempts.length) fail(m, `${attemptRows.size} payment attempts in the database, ${m.attempts.length} in the model`);
  for (const a of m.attempts) {
    const row = attemptRows.get(a.id);
    if (!row || row.status !== a.status || Number(row.amount) !== a.amount) fail(m, `attempt ${a.label}: database ${JSON.stringify(row)}, model ${a.status} ${a.amount}`);
  }
  const refundRows = new Map(refunds!.map((f) => [f.id!, f]));
  for (const f of m.refunds) {
    const row = refundRows.get(f.id);
    if (!row || row.status !== f.status || Number(row.amount) !== f.amount) fail(m, `refund ${f.label}: database ${JSON.stringify(row)}, model ${f.status} ${f.amount}`);
  }
  if (refundRows.size !== m.refunds.length + (requestedRefund && !known.has(requestedRefund) ? 1 : 0)) {
    fail(m, `${refundRows.size} refunds in the database, ${m.refunds.length} in the model`);
  }

  // (4) Intents: never more refunded than captured; captured and refunded as the attempts and refunds say.
  m.intents = intents! as unknown as IntentRow[];
  const netByRes = new Map<string, number>();
  for (const i of intents!) {
    const captured = Number(i.amount_captured), refunded = Number(i.amount_refunded);
    if (refunded > captured) fail(m, `intent ${i.id} refunded ${refunded} > captured ${captured}`);
    const modelCaptured = capturedOf(m, (a) => a.intentId === i.id);
    const modelRefunded = m.refunds.filter((f) => f.intentId === i.id && f.status === "succeeded").reduce((s, f) => s + f.amount, 0);
    if (captured !== modelCaptured || refunded !== modelRefunded) {
      fail(m, `intent ${i.id} (${i.kind}, ${i.status}) captured ${captured}/refunded ${refunded}; its attempts and refunds say ${modelCaptured}/${modelRefunded}`);
    }
    const outstanding = refunds!.filter((f) => f.intent_id === i.id && f.status !== "failed").reduce((s, f) => s + Number(f.amount), 0);
    if (captured - outstanding < 0) fail(m, `intent ${i.id}: refunds made or under way ${outstanding} exceed captured ${captured}`);
    netByRes.set(i.reservation_id!, (netByRes.get(i.reservation_id!) ?? 0) + captured - outstanding);
  }
  for (const [resId, net] of netByRes) if (net < 0) fail(m, `${resById(m, resId)?.label}: captured less refunds is ${net}`);
  for (const res of m.reservations.filter(charged)) {
    // The payment schedule: collected + being collected + still open covers the total, while the desk has not
    // touched the stay's folios (what it takes in cash, by bank or moves to a company shrinks the card's share).
    if (m.folios.some((f) => f.resId === res.id && f.desk !== 0) || m.deskCharges.some((x) => resOfCharge(m, x) === res.id)) continue;
    const mine = intents!.filter((i) => i.reservation_id === res.id && i.status !== "cancelled");
    const coverage = mine.reduce((s, i) => s + (["captured", "partially_refunded", "refunded"].includes(i.status!) ? Number(i.amount_captured) : Number(i.amount)), 0);
    if (coverage < res.total) {
      fail(m, `${res.label}: its payment intents cover ${coverage} of the total ${res.total} (${mine.map((i) => `${i.kind} ${i.status} amount ${i.amount} captured ${i.amount_captured}`).join("; ")})`);
    }
  }


  // (2) Folios: balance = charges − captured + refunds not failed; charges as the model says.
  const folioRows = new Map(folios!.map((f) => [f.id!, f]));
  if (folioRows.size !== m.reservations.length) fail(m, `${folioRows.size} reservations in the database, ${m.reservations.length} in the model`);
  for (const res of m.reservations) {
    const f = folioRows.get(res.id);
    if (!f || !f.folio_id) fail(m, `${res.label} has no folio`);
    if (!m.folios.some((x) => x.id === f.folio_id)) {
      m.folios.push({ label: `${res.label}/1`, id: f.folio_id!, prop: res.prop, resId: res.id, primary: true, companyId: null, desk: 0 });
    }
  }
  // (7) Every folio: balance = its postings = the model's; the desk's part as the model says; closed exactly when checked out at zero.
  const dbFolios = new Map(allFolios!.map((f) => [f.id!, f]));
  for (const f of m.folios) {
    const row = dbFolios.get(f.id);
    if (!row) fail(m, `folio ${f.label} is not in the database`);
    const balance = Number(row.balance), want = folioBalanceOf(m, f);
    if (balance !== Number(row.posted)) fail(m, `folio ${f.label}: folio_balances ${balance} ≠ the sum of its postings ${row.posted}`);
    if (balance !== want) fail(m, `folio ${f.label}: balance ${balance}, the model expects ${want} (desk ${f.desk}, of which the database posted ${row.desk})`);
    if (Number(row.desk) !== f.desk) fail(m, `folio ${f.label}: the desk's postings add up to ${row.desk}, the model did ${f.desk}`);
    const status = folioClosed(m, f) ? "closed" : "open";
    if (row.status !== status) fail(m, `folio ${f.label}: ${row.status}, the model expects ${status} (balance ${balance})`);
  }
  const foreign = allFolios!.filter((row) => hotels.some((h) => h.propertyId === row.property_id) && !m.folios.some((f) => f.id === row.id));
  if (foreign.length) fail(m, `folios the model does not know: ${JSON.stringify(foreign)}`);
  for (const res of m.reservations) {
    const f = folioRows.get(res.id)!;
    if (f.status !== res.status) fail(m, `${res.label} is ${f.status} in the database, ${res.status} in the model`);
    res.unitId = f.unit_id!;
    const primary = m.folios.find((x) => x.id === f.folio_id)!;
    const balances = f.balances as unknown as Array<{ currency: string; balance: string }>;
    if (balances.some((b) => b.currency !== f.currency)) fail(m, `${res.label}: folio balances in a foreign currency ${JSON.stringify(balances)}`);
    const balance = balances.reduce((s, b) => s + Number(b.balance), 0);
    const charges = Number(f.charges), captured = Number(f.captured), refundsOut = Number(f.refunds);
    const desk = Number(dbFolios.get(primary.id)!.desk);
    const independent = charges - captured + refundsOut + desk;
    if (balance !== independent) {
      fail(m, `${res.label}: folio balance ${balance} ≠ charges ${charges} − captured ${captured} + refunds ${refundsOut} + the desk's ${desk} = ${independent}`);
    }
    if (balance !== Number(f.posted)) fail(m, `${res.label}: folio balance ${balance} ≠ the sum of its postings ${f.posted}`);
    const dbDue = charged(res) ? Number(f.total) : Number(f.penalty);
    if (charges !== dbDue) fail(m, `${res.label} (${res.status}): charges on the folio ${charges} ≠ ${charged(res) ? "total_amount" : "penalty_amount"} ${dbDue}`);
    if (Number(f.total) !== res.total) fail(m, `${res.label}: total_amount ${f.total}, the model priced ${res.total}`);
    if (!charged(res) && Number(f.penalty) !== res.penalty) fail(m, `${res.label}: penalty_amount ${f.penalty}, the model expects ${res.penalty}`);
    const modelBalance = folioBalanceOf(m, primary);
    if (balance !== modelBalance) fail(m, `${res.label}: folio balance ${balance}, the model expects ${modelBalance}`);
    // Rental revenue as the model prices it, where no tax is included in the prices.
    if (!hasInclusiveTax(specs[res.prop]!)) {
      const want = rentalOf(m, res);
      if (Number(f.room_revenue) !== want.room || Number(f.cancellation_revenue) !== want.cancellation) {
        fail(m, `${res.label} (${res.status}): room / cancellation revenue posted ${f.room_revenue} / ${f.cancellation_revenue}, the model expects ${want.room} / ${want.cancellation}`);
      }
    }
  }

  // (5) Owner payouts. Payouts as the model has them (amounts, paid or not), each the sum of its lines.
  if (badPayouts!.length) fail(m, `payouts that are not the sum of their lines (or have none): ${JSON.stringify(badPayouts)}`);
  if (badLines!.length) fail(m, `payout lines for another owner's unit, another property, or not adding up: ${JSON.stringify(badLines)}`);
  if (payouts!.length !== m.payouts.length) fail(m, `${payouts!.length} payouts in the database, ${m.payouts.length} in the model`);
  const payoutRows = new Map(payouts!.map((p) => [p.id!, p]));
  for (const p of m.payouts) {
    const row = payoutRows.get(p.id);
    const want = `${p.ownerId} ${p.room} ${p.cancellation} ${p.commission} ${p.share} ${p.paid}`;
    const got = row && `${row.owner_id} ${row.room} ${row.cancellation} ${row.commission} ${row.share} ${row.paid}`;
    if (got !== want) fail(m, `payout ${p.label}: database (owner room cancellation commission share paid) ${got}, model ${want}`);
  }
  // Per stay: the lines are the model's (never paid twice, nothing unpaid-for), within what was posted, commission rounded once on the total.
  for (const res of m.reservations) {
    const f = folioRows.get(res.id)!;
    const paid = m.paidOut.get(res.id) ?? { room: 0, cancellation: 0, commission: 0, share: 0 };
    const got = { room: Number(f.paid_room), cancellation: Number(f.paid_cancellation), commission: Number(f.paid_commission), share: Number(f.paid_share) };
    if (JSON.stringify(got) !== JSON.stringify(paid)) fail(m, `${res.label}: its payout lines add up to ${JSON.stringify(got)}, the model paid ${JSON.stringify(paid)}`);
    if (Number(f.lines) === 0) continue;
    const owner = ownerOfUnit(res.prop, res.unitId);
    if (!owner) fail(m, `${res.label} has payout lines but its unit has no owner`);
    const posted = Number(f.room_revenue) + Number(f.cancellation_revenue);
    const paidRevenue = got.room + got.cancellation;
    if (got.room > Number(f.room_revenue) || got.cancellation > Number(f.cancellation_revenue)) {
      fail(m, `${res.label}: payouts included room / cancellation revenue ${got.room} / ${got.cancellation}, more than posted ${f.room_revenue} / ${f.cancellation_revenue}`);
    }
    if (got.commission !== commissionOf(paidRevenue, owner.percent) || got.share !== paidRevenue - got.commission) {
      fail(m, `${res.label}: payouts paid revenue ${paidRevenue} with commission ${got.commission} and owner share ${got.share}; ` +
        `at ${Number(owner.percent) / 1000} % that is ${commissionOf(paidRevenue, owner.percent)} and ${paidRevenue - commissionOf(paidRevenue, owner.percent)} (posted now: ${posted})`);
    }
  }
  // Right after a run: every ended stay on an owner's unit is paid in full.
  if (payoutRun) {
    for (const res of m.reservations.filter((x) => x.prop === payoutRun.prop && endedBy(x, payoutRun.periodEnd))) {
      const owner = ownerOfUnit(res.prop, res.unitId);
      if (!owner) continue;
      const f = folioRows.get(res.id)!;
      const revenue = Number(f.room_revenue) + Number(f.cancellation_revenue);
      const commission = commissionOf(revenue, owner.percent);
      if (Number(f.paid_room) + Number(f.paid_cancellation) !== revenue || Number(f.paid_commission) !== commission || Number(f.paid_share) !== revenue - commission) {
        fail(m, `${res.label} (${res.status}, ended by ${payoutRun.periodEnd}): after the payout run its lines paid revenue ${Number(f.paid_room) + Number(f.paid_cancellation)}, ` +
          `commission ${f.paid_commission}, owner share ${f.paid_share}; posted revenue ${revenue} is due as commission ${commission}, owner share ${revenue - commission}`);
      }
    }
  }
  // The accounts: owner payable holds the unpaid owner shares, payouts the paid ones, commission revenue every commission;
  // the payout entries took the payouts' revenue off room and cancellation revenue.
  for (const [prop, h] of hotels.entries()) {
    const mine = payouts!.filter((p) => p.property_id === h.propertyId);
    const sum = (rows: Row[], col: string) => rows.reduce((s, p) => s + Number(p[col]), 0);
    const balanceOf = (purpose: string) => sum(accounts!.filter((a) => a.property_id === h.propertyId && a.purpose === purpose), "amount");
    const entriesOn = (purpose: string) => sum(accounts!.filter((a) => a.property_id === h.propertyId && a.purpose === purpose && a.by_payout === "true"), "amount");
    const unpaid = sum(mine.filter((p) => p.paid === "false"), "share");
    const paidShare = sum(mine.filter((p) => p.paid === "true"), "share");
    const checks: Array<[string, number, number]> = [
      ["owner payable balance", balanceOf("owner_payable"), -unpaid],
      ["payouts balance", balanceOf("payouts"), -paidShare],
      ["commission revenue balance", balanceOf("commission_revenue"), -sum(mine, "commission")],
      ["room revenue debited by payouts", entriesOn("room_revenue"), sum(mine, "room")],
      ["cancellation revenue debited by payouts", entriesOn("cancellation_revenue"), sum(mine, "cancellation")],
    ];
    for (const [what, got, want] of checks) if (got !== want) fail(m, `${specs[prop]!.label}: ${what} ${got}, the payouts say ${want}`);
    // The desk's accounts; the city ledger is what the company's folio holds.
    const desk = m.accounts[prop]!;
    const deskChecks: Array<[string, number, number]> = [
      ...(["cash_drawer", "bank", "extras_revenue", "allowances", "cash_over_short"] as const).map((p): [string, number, number] => [p, balanceOf(p), desk[p]]),
      ["city_ledger", balanceOf("city_ledger"), folioBalanceOf(m, companyFolioOf(m, prop))],
    ];
    for (const [what, got, want] of deskChecks) if (got !== want) fail(m, `${specs[prop]!.label}: ${what} balance ${got}, the model's desk says ${want}`);
  }
  // Cash shifts: closed ones expected float + cash in − cash out and recorded the counted difference.
  const shiftRows = new Map(shifts!.map((x) => [x.id!, x]));
  for (const x of m.shifts) {
    const row = shiftRows.get(x.id);
    const want = `${x.closed} ${x.closed ? x.expected : null} ${x.closed ? x.difference : null}`;
    const got = row && `${row.closed} ${row.expected === null ? null : Number(row.expected)} ${row.difference === null ? null : Number(row.difference)}`;
    if (got !== want) fail(m, `cash shift ${x.label}: database (closed expected difference) ${got}, model ${want}`);
  }

  // (6) Housekeeping: dirty exactly where a guest checked out.
  const dirtyNow = dirtyUnits!.map((u) => `${u.id} ${u.status}`).sort().join(", ");
  const dirtyModel = [...m.dirty].map((id) => `${id} dirty`).sort().join(", ");
  if (dirtyNow !== dirtyModel) fail(m, `units not clean: ${dirtyNow || "none"}; the model expects ${dirtyModel || "none"}`);
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

type Cmd = fc.AsyncCommand<Model, Real>;

/** Reservations at a property (other than one) that occupy a night. */
const occupying = (m: Model, prop: number, night: string, except?: string) =>
  m.reservations.filter((x) => occupies(x) && x.prop === prop && x.id !== except && x.arrival <= night && night < x.departure).length;

/** Whether a stay must be sold out (some night has every unit taken), or must be free (no night is taken at all). */
function availability(m: Model, prop: number, arrival: string, departure: string, except?: string) {
  let most = 0;
  for (let night = arrival; night < departure; night = addDays(night, 1)) most = Math.max(most, occupying(m, prop, night, except));
  return { mustBeSoldOut: most >= specs[prop]!.units, mustBeFree: most === 0 };
}

class Book implements Cmd {
  readonly prop: number;
  readonly offset: number;
  readonly nights: number;
  readonly adults: number;
  readonly children: number;
  constructor(v: { prop: number; offset: number; nights: number; adults: number; children: number }) {
    this.prop = v.prop; this.offset = v.offset; this.nights = v.nights; this.adults = v.adults; this.children = v.children;
  }
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const spec = specs[this.prop]!;
    const hotel = hotels[this.prop]!;
    const arrival = addDays(r.today[this.prop]!, this.offset);
    const departure = addDays(arrival, this.nights);
    const label = `R${m.reservations.length + 1}`;
    m.trace.push(`book ${label}: ${spec.label} ${arrival} +${this.nights}n ${this.adults}a${this.children}c`);
    const tooMany = this.adults + this.children > spec.maxOccupancy;
    const { mustBeSoldOut, mustBeFree } = availability(m, this.prop, arrival, departure);
    const outcome = await exec(r, hotel.frontDesk, async () => {
      const q = await quote(r.c, hotel.ratePlanId, arrival, departure, this.adults, this.children);
      const h = await hold(r.c, q.quote_token, newKey());
      return confirm(r.c, h, newKey());
    });
    if (!outcome.ok) {
      refused(m, "book", outcome, tooMany ? ["RSTRC"] : mustBeFree ? [] : ["SOLDO"]);
      return verify(m, r);
    }
    if (tooMany) fail(m, `${label} was booked for ${this.adults + this.children} guests in a room for ${spec.maxOccupancy}`);
    if (mustBeSoldOut) fail(m, `${label} was booked although every unit is taken on some night`);
    const total = priceOf(spec, this.nights, this.adults, this.children);
    if (Number(outcome.value.total_amount) !== total) fail(m, `${label}: total ${outcome.value.total_amount}, the model priced ${total}`);
    m.reservations.push({
      label, id: outcome.value.reservation_id, prop: this.prop, arrival, departure, adults: this.adults, children: this.children,
      status: "confirmed", total, penalty: null, unitId: "", checkedOutOn: null,
    });
    succeeded("book");
    m.trace.push(`  → ${label} total ${total} ${spec.currency}`);
    return verify(m, r);
  }
  toString() {
    return `book(${specs[this.prop]!.label}, +${this.offset}d, ${this.nights}n, ${this.adults}a${this.children}c)`;
  }
}



class Modify implements Cmd {
  readonly index: number;
  readonly offset: number | null;
  readonly nights: number | null;
  readonly adults: number | null;
  readonly children: number | null;
  constructor(v: { index: number; offset: number | null; nights: number | null; adults: number | null; children: number | null }) {
    this.index = v.index; this.offset = v.offset; this.nights = v.nights; this.adults = v.adults; this.children = v.children;
  }
  check(m: Readonly<Model>): boolean {
    if (m.reservations.some(charged)) return true;
    stat("modify").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    // Booked, checked-in and (refused: TRANS) checked-out stays.
    const res = pick(m.reservations.filter(charged), this.index);
    const spec = specs[res.prop]!;
    const arrival = this.offset === null ? res.arrival : addDays(r.today[res.prop]!, this.offset);
    const departure = this.nights === null ? addDays(arrival, nightsOf(res.arrival, res.departure)) : addDays(arrival, this.nights);
    const adults = this.adults ?? res.adults;
    const children = this.children ?? res.children;
    m.trace.push(`modify ${res.label} (${res.status}): ${arrival} +${nightsOf(arrival, departure)}n ${adults}a${children}c (was ${res.arrival} +${nightsOf(res.arrival, res.departure)}n ${res.adults}a${res.children}c)`);
    const tooMany = adults + children > spec.maxOccupancy;
    // What may refuse the change (allowed), and why it must be refused (mustFail: null when it may succeed).
    let allowed: string[];
    let mustFail: string | null;
    if (res.status === "checked_out") {
      allowed = ["TRANS"];
      mustFail = "a checked-out stay was changed";
    } else if (res.status === "checked_in" && arrival !== res.arrival) {
      allowed = ["TRANS"];
      mustFail = "a checked-in stay's arrival was moved";
    } else if (tooMany) {
      allowed = ["RSTRC"];
      mustFail = `${res.label} was changed to ${adults + children} guests in a room for ${spec.maxOccupancy}`;
    } else if (res.status === "checked_in") {
      // The guest stays in their unit: only its claim's end moves, so it is sold out exactly when another stay holds that unit on an added night.
      const clash = m.reservations.find((x) => x.id !== res.id && occupies(x) && x.prop === res.prop && x.unitId === res.unitId &&
        x.arrival < departure && x.departure > res.departure);
      allowed = clash ? ["SOLDO"] : [];
      mustFail = clash ? `${res.label} was extended into ${clash.label}'s nights on its unit` : null;
    } else {
      const { mustBeSoldOut, mustBeFree } = availability(m, res.prop, arrival, departure, res.id);
      allowed = mustBeFree ? [] : ["SOLDO"];
      mustFail = mustBeSoldOut ? `${res.label} was moved to nights on which every unit is taken` : null;
    }
    const outcome = await exec(r, hotels[res.prop]!.frontDesk, async () =>
      (await r.c.query<{ total_amount: string }>(
        "select * from app_public.modify_reservation($1, $2, arrival => $3::date, departure => $4::date, adults => $5::int, children => $6::int)",
        [res.id, newKey(), this.offset === null ? null : arrival, departure === res.departure ? null : departure, this.adults, this.children],
      )).rows[0]!);
    if (!outcome.ok) {
      refused(m, "modify", outcome, allowed);
      return verify(m, r);
    }
    if (mustFail) fail(m, mustFail);
    const total = priceOf(spec, nightsOf(arrival, departure), adults, children);
    if (Number(outcome.value.total_amount) !== total) fail(m, `${res.label}: total ${outcome.value.total_amount} after the change, the model priced ${total}`);
    Object.assign(res, { arrival, departure, adults, children, total });
    succeeded("modify");
    m.trace.push(`  → total ${total}`);
    return verify(m, r);
  }
  toString() {
    const parts = [this.offset === null ? null : `arrival +${this.offset}d`, this.nights === null ? null : `${this.nights}n`,
      this.adults === null ? null : `${this.adults}a`, this.children === null ? null : `${this.children}c`].filter(Boolean);
    return `modify(${this.index === LATEST ? "latest" : `#${this.index}`}${parts.length ? ", " + parts.join(" ") : ", unchanged"})`;
  }
}

/** Cancel, or record a no-show (from the arrival date): the folio keeps the penalty, overpayment is refunded. */
class Close implements Cmd {
  readonly kind: "cancel" | "no_show";
  readonly index: number;
  constructor(v: { kind: "cancel" | "no_show"; index: number }) {
    this.kind = v.kind; this.index = v.index;
  }
  /** Booked stays (from the arrival date for a no-show), and checked-in or checked-out ones (refused: TRANS). */
  candidates(m: Readonly<Model>) {
    return m.reservations.filter((x) => charged(x) && (this.kind === "cancel" || x.arrival <= m.today[x.prop]!));
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat(this.kind).skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const res = pick(this.candidates(m), this.index);
    const candidates = penaltyCandidates(specs[res.prop]!, m.terms[res.prop]!, res, r.today[res.prop]!);
    m.trace.push(`${this.kind} ${res.label} (${res.status}, ${res.arrival}, total ${res.total}, paid ${netPaid(m, res.id)})`);
    const outcome = await exec(r, hotels[res.prop]!.frontDesk, async () =>
      (await r.c.query<{ status: string; penalty_amount: string }>(
        this.kind === "cancel" ? "select * from app_public.cancel_reservation($1, $2, 'property test')" : "select * from app_public.mark_no_show($1, $2)",
        [res.id, newKey()],
      )).rows[0]!);
    if (!outcome.ok) {
      refused(m, this.kind, outcome, res.status === "confirmed" ? [] : ["TRANS"]);
      return verify(m, r);
    }
    if (res.status !== "confirmed") fail(m, `a ${res.status} stay was ${this.kind === "cancel" ? "cancelled" : "marked as a no-show"}`);
    const penalty = Number(outcome.value.penalty_amount);
    if (!candidates.includes(penalty)) fail(m, `${res.label}: penalty ${penalty}, the model expects ${candidates.join(" or ")}`);
    res.status = this.kind === "cancel" ? "cancelled" : "no_show";
    res.penalty = penalty;
    succeeded(this.kind);
    const excess = netPaid(m, res.id) - penalty;
    m.trace.push(`  → penalty ${penalty}${excess > 0 ? `, refund of ${excess} expected` : ""}`);
    return verify(m, r, new Map([[res.id, Math.max(excess, 0)]]));
  }
  toString() {
    return `${this.kind}(#${this.index})`;
  }
}

class Pay implements Cmd {
  readonly index: number;
  readonly replay: boolean;
  constructor(v: { index: number; replay: boolean }) {
    this.index = v.index; this.replay = v.replay;
  }
  candidates(m: Readonly<Model>) {
    return m.intents.filter((i) => ["requires_payment", "failed"].includes(i.status!) && charged(resById(m as Model, i.reservation_id!)!));
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("pay").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const intent = pick(this.candidates(m), this.index);
    const res = resById(m, intent.reservation_id)!;
    const label = `A${m.attempts.length + 1}`;
    m.trace.push(`pay ${label}: ${res.label} ${intent.kind} ${intent.amount} (${intent.status})${this.replay ? ", sent twice" : ""}`);
    const key = newKey();
    const payOnce = async () => (await r.c.query<{ id: string; amount: string; status: string }>("select * from app_public.pay($1, 'tok_test_visa', $2)", [intent.id, key])).rows[0]!;
    const outcome = await exec(r, hotels[res.prop]!.frontDesk, async () => {
      const first = await payOnce();
      if (this.replay && (await payOnce()).id !== first.id) throw new Error("pay with the same key started a second attempt");
      return first;
    });
    if (!outcome.ok) {
      refused(m, "pay", outcome, []);
      return verify(m, r);
    }
    if (Number(outcome.value.amount) !== Number(intent.amount) || outcome.value.status !== "pending") fail(m, `attempt ${JSON.stringify(outcome.value)} for intent of ${intent.amount}`);
    m.attempts.push({ label, id: outcome.value.id, intentId: intent.id, resId: res.id, amount: Number(intent.amount), status: "pending" });
    succeeded("pay");
    return verify(m, r);
  }
  toString() {
    return `pay(#${this.index}${this.replay ? ", replayed" : ""})`;
  }
}

/** The provider's answer on an attempt: capture (possibly authorized first, recorded twice, or with a late failure after it), or failure. */
class ProviderAnswer implements Cmd {
  readonly kind: "capture" | "fail" | "late_capture";
  readonly index: number;
  readonly authorizeFirst: boolean;
  readonly twice: boolean;
  readonly failAfter: boolean;
  constructor(v: { kind: "capture" | "fail" | "late_capture"; index: number; authorizeFirst: boolean; twice: boolean; failAfter: boolean }) {
    this.kind = v.kind; this.index = v.index; this.authorizeFirst = v.authorizeFirst; this.twice = v.twice; this.failAfter = v.failAfter;
  }
  candidates(m: Readonly<Model>) {
    return m.attempts.filter((a) => (this.kind === "late_capture" ? a.status === "failed" : a.status === "pending" || a.status === "authorized"));
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat(this.kind).skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const attempt = pick(this.candidates(m), this.index);
    const res = resById(m, attempt.resId)!;
    const capture = this.kind !== "fail";
    m.trace.push(`${this.kind} ${attempt.label} (${attempt.status}, ${attempt.amount}, ${res.label} ${res.status})` +
      `${this.authorizeFirst ? ", authorized first" : ""}${this.twice ? ", recorded twice" : ""}${this.failAfter && capture ? ", then a late failure" : ""}`);
    const outcome = await exec(r, null, async () => {
      if (this.authorizeFirst && this.kind !== "late_capture") await r.c.query("select app_private.record_authorization($1, $2)", [attempt.id, `ch_${attempt.id.slice(0, 8)}`]);
      for (let i = 0; i < (this.twice ? 2 : 1); i++) {
        if (capture) await r.c.query("select app_private.record_capture($1, $2, now())", [attempt.id, `ch_${attempt.id.slice(0, 8)}`]);
        else await r.c.query("select app_private.record_payment_failure($1, 'card_declined', 'Your card was declined.')", [attempt.id]);
      }
      if (capture && this.failAfter) await r.c.query("select app_private.record_payment_failure($1, 'late_news', 'after the capture')", [attempt.id]);
    });
    if (!outcome.ok) {
      refused(m, this.kind, outcome, []);
      return verify(m, r);
    }
    attempt.status = capture ? "captured" : "failed";
    succeeded(this.kind);
    if (!capture) return verify(m, r);
    const excess = netPaid(m, res.id) - dueOf(res);
    if (excess > 0) m.trace.push(`  → refund of ${excess} expected (paid beyond ${dueOf(res)})`);
    return verify(m, r, new Map([[res.id, Math.max(excess, 0)]]));
  }
  toString() {
    return `${this.kind}(#${this.index}${this.authorizeFirst ? ", authorized" : ""}${this.twice ? ", twice" : ""}${this.failAfter ? ", late failure" : ""})`;
  }
}

class Refund implements Cmd {
  readonly index: number;
  readonly fraction: number;
  readonly tooMuch: boolean;
  constructor(v: { index: number; fraction: number; tooMuch: boolean }) {
    this.index = v.index; this.fraction = v.fraction; this.tooMuch = v.tooMuch;
  }
  candidates(m: Readonly<Model>) {
    return m.intents.filter((i) => refundableOf(m as Model, i.id) > 0);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("refund").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const intent = pick(this.candidates(m), this.index);
    const res = resById(m, intent.reservation_id)!;
    const refundable = refundableOf(m, intent.id);
    const amount = this.tooMuch ? refundable + 1 : Math.max(1, Math.round(refundable * this.fraction));
    const label = `F${m.refunds.length + 1}`;
    m.trace.push(`refund ${label}: ${amount} of ${refundable} refundable on ${res.label} ${intent.kind}`);
    const outcome = await exec(r, hotels[res.prop]!.manager, async () =>
      (await r.c.query<{ id: string; amount: string; status: string }>("select * from app_public.refund_payment($1, $2, 'goodwill', $3)", [intent.id, amount, newKey()])).rows[0]!);
    if (!outcome.ok) {
      refused(m, "refund", outcome, this.tooMuch ? ["INVLD"] : []);
      return verify(m, r);
    }
    if (this.tooMuch) fail(m, `a refund of ${amount} was accepted with only ${refundable} refundable`);
    if (Number(outcome.value.amount) !== amount || outcome.value.status !== "pending") fail(m, `refund ${JSON.stringify(outcome.value)}, expected ${amount} pending`);
    m.refunds.push({ label, id: outcome.value.id, intentId: intent.id, resId: res.id, amount, status: "pending", auto: false });
    succeeded("refund");
    return verify(m, r, new Map(), outcome.value.id);
  }
  toString() {
    return `refund(#${this.index}, ${this.tooMuch ? "too much" : `${Math.round(this.fraction * 100)}%`})`;
  }
}

/** The provider's answer on a refund. */
class RefundOutcome implements Cmd {
  readonly kind: "refund_succeeds" | "refund_fails";
  readonly index: number;
  readonly twice: boolean;
  constructor(v: { kind: "refund_succeeds" | "refund_fails"; index: number; twice: boolean }) {
    this.kind = v.kind; this.index = v.index; this.twice = v.twice;
  }
  check(m: Readonly<Model>): boolean {
    if (m.refunds.some((f) => f.status === "pending")) return true;
    stat(this.kind).skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const refund = pick(m.refunds.filter((f) => f.status === "pending"), this.index);
    m.trace.push(`${this.kind} ${refund.label} (${refund.amount} on ${resById(m, refund.resId)?.label})${this.twice ? ", recorded twice" : ""}`);
    const outcome = await exec(r, null, async () => {
      for (let i = 0; i < (this.twice ? 2 : 1); i++) {
        if (this.kind === "refund_succeeds") await r.c.query("select app_private.record_refund($1, $2, now())", [refund.id, `re_${refund.id.slice(0, 8)}`]);
        else await r.c.query("select app_private.record_refund_failure($1, 'charge_disputed', 'The charge is disputed.')", [refund.id]);
      }
    });
    if (!outcome.ok) {
      refused(m, this.kind, outcome, []);
      return verify(m, r);
    }
    refund.status = this.kind === "refund_succeeds" ? "succeeded" : "failed";
    succeeded(this.kind);
    return verify(m, r);
  }
  toString() {
    return `${this.kind}(#${this.index}${this.twice ? ", twice" : ""})`;
  }
}

/**
 * Check-in (from the arrival date, until the last night): TRANS unless the
 * stay is booked and arrives today or earlier; UNRDY on a unit a check-out
 * left dirty, unless forced. Picks a booked stay arriving today ("due"), one
 * arriving later ("early": TRANS) or one that is not booked ("wrong": TRANS).
 */
class CheckIn implements Cmd {
  readonly index: number;
  readonly force: boolean;
  readonly pickFrom: "due" | "early" | "wrong";
  constructor(v: { index: number; force: boolean; pickFrom: "due" | "early" | "wrong" }) {
    this.index = v.index; this.force = v.force; this.pickFrom = v.pickFrom;
  }
  candidates(m: Readonly<Model>) {
    return m.reservations.filter((x) =>
      this.pickFrom === "early" ? x.arrival > m.today[x.prop]! : x.arrival <= m.today[x.prop]! && (x.status === "confirmed") === (this.pickFrom === "due"));
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("check_in").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const res = pick(this.candidates(m), this.index);
    const today = m.today[res.prop]!;
    const dirty = m.dirty.has(res.unitId);
    m.trace.push(`check_in ${res.label} (${res.status}, ${res.arrival}–${res.departure}${dirty ? ", unit dirty" : ""})${this.force ? " with force" : ""}`);
    const expected = res.status !== "confirmed" || res.arrival > today || res.departure <= today ? "TRANS" : dirty && !this.force ? "UNRDY" : null;
    const outcome = await exec(r, hotels[res.prop]!.frontDesk, async () =>
      // The model keeps no prepayment rule: the desk acknowledges unpaid prepayments (PAYMENT_DUE is tested in payment_guarantee.test.ts).
      (await r.c.query<{ status: string }>("select * from app_public.check_in($1, $2, $3, acknowledge_unpaid => true)", [res.id, newKey(), this.force])).rows[0]!);
    if (!outcome.ok) {
      refused(m, "check_in", outcome, expected ? [expected] : []);
      return verify(m, r);
    }
    if (expected) fail(m, `${res.label} (${res.status}, arriving ${res.arrival}, today ${today}${dirty ? ", unit dirty" : ""}) was checked in; the model expects ${expected}`);
    if (outcome.value.status !== "checked_in") fail(m, `check_in returned ${JSON.stringify(outcome.value)}`);
    res.status = "checked_in";
    succeeded("check_in");
    return verify(m, r);
  }
  toString() {
    return `check_in(${this.index === LATEST ? "latest" : `#${this.index}`}, ${this.pickFrom}${this.force ? ", force" : ""})`;
  }
}

/**
 * Check-out of a checked-in stay (any other: TRANS): the folio closes, the
 * unit becomes dirty, the nights from today on are given back (all of them:
 * every stay arrives today or later) and the stay has ended for payouts.
 * wrong: try a stay that is not checked in (TRANS).
 */
class CheckOut implements Cmd {
  readonly index: number;
  readonly wrong: boolean;
  constructor(v: { index: number; wrong: boolean }) {
    this.index = v.index; this.wrong = v.wrong;
  }
  candidates(m: Readonly<Model>) {
    return m.reservations.filter((x) => (x.status === "checked_in") !== this.wrong);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("check_out").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const res = pick(this.candidates(m), this.index);
    m.trace.push(`check_out ${res.label} (${res.status}, ${res.arrival}–${res.departure}, total ${res.total}, paid ${netPaid(m, res.id)})`);
    // The desk settles every guest folio first (as check-out asks): what each owes by bank transfer, a credit paid back.
    const settle = res.status === "checked_in" ? m.folios.filter((f) => f.resId === res.id).map((f) => ({ f, due: folioBalanceOf(m, f) })).filter((x) => x.due !== 0) : [];
    for (const { f, due } of settle) m.trace.push(`  settles ${f.label}: ${due > 0 ? `takes ${due} by bank` : `refunds ${-due} by bank`}`);
    const outcome = await exec(r, hotels[res.prop]!.frontDesk, async () => {
      for (const { f, due } of settle) {
        if (due > 0) await r.c.query("select app_public.take_folio_payment($1, 'bank_transfer', $2, null, $3)", [f.id, due, newKey()]);
        else await r.c.query("select app_public.refund_folio_payment($1, 'bank_transfer', $2, 'Credit at check-out', false, $3)", [f.id, -due, newKey()]);
      }
      return (await r.c.query<{ status: string }>("select * from app_public.check_out($1, $2)", [res.id, newKey()])).rows[0]!;
    });
    if (!outcome.ok) {
      refused(m, "check_out", outcome, res.status === "checked_in" ? [] : ["TRANS"]);
      return verify(m, r);
    }
    if (res.status !== "checked_in") fail(m, `a ${res.status} stay was checked out`);
    if (outcome.value.status !== "checked_out") fail(m, `check_out returned ${JSON.stringify(outcome.value)}`);
    for (const { f, due } of settle) {
      f.desk -= due;
      m.accounts[res.prop]!.bank += due;
    }
    res.status = "checked_out";
    res.checkedOutOn = m.today[res.prop]!;
    m.dirty.add(res.unitId);
    succeeded("check_out");
    return verify(m, r);
  }
  toString() {
    return `check_out(${this.index === LATEST ? "latest" : `#${this.index}`}${this.wrong ? ", not checked in" : ""})`;
  }
}

interface PayoutRow { id: string; owner_id: string; period_end: string; currency: string; room_revenue: string; cancellation_revenue: string; commission: string; owner_share: string; paid_at: Date | null }
const payoutColumns = "id, owner_id, period_end::text as period_end, currency, room_revenue, cancellation_revenue, commission, owner_share, paid_at";

/**
 * A payout run for a property, as its manager, for the period ending today
 * (or yesterday: stays checked out today are not in it; or tomorrow: DATES).
 * The model computes each owner's payout from its own prices: per ended stay
 * on the owner's units, room + cancellation revenue less round(× commission
 * %), less what earlier lines paid. The same key again replays the run; a
 * new key right after pays nothing.
 */
class Payout implements Cmd {
  readonly prop: number;
  readonly period: "today" | "yesterday" | "tomorrow";
  readonly replay: boolean;
  constructor(v: { prop: number; period: "today" | "yesterday" | "tomorrow"; replay: boolean }) {
    this.prop = v.prop; this.period = v.period; this.replay = v.replay;
  }
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const spec = specs[this.prop]!;
    const owner = owners[this.prop] ?? null;
    const periodEnd = addDays(m.today[this.prop]!, this.period === "today" ? 0 : this.period === "yesterday" ? -1 : 1);
    // What the model says is due, per stay (the lines) and in all (the payout): at most one owner per property here.
    const lines = new Map<string, PaidOut>();
    if (owner) {
      for (const res of m.reservations.filter((x) => x.prop === this.prop && ownerOfUnit(x.prop, x.unitId) === owner && endedBy(x, periodEnd))) {
        const { room, cancellation } = rentalOf(m, res);
        const commission = commissionOf(room + cancellation, owner.percent);
        const before = m.paidOut.get(res.id) ?? { room: 0, cancellation: 0, commission: 0, share: 0 };
        const line = { room: room - before.room, cancellation: cancellation - before.cancellation, commission: commission - before.commission,
          share: room + cancellation - commission - before.share };
        if (line.room !== 0 || line.cancellation !== 0 || line.commission !== 0) lines.set(res.id, line);
      }
    }
    const total = [...lines.values()].reduce((t, l) => ({ room: t.room + l.room, cancellation: t.cancellation + l.cancellation,
      commission: t.commission + l.commission, share: t.share + l.share }), { room: 0, cancellation: 0, commission: 0, share: 0 });
    const label = `P${m.payouts.length + 1}`;
    m.trace.push(`payout ${spec.label} until ${periodEnd}${this.replay ? ", replayed" : ""}: the model expects ` +
      (lines.size ? `${label} for ${[...lines.keys()].map((id) => resById(m, id)!.label).join(" ")}: ${JSON.stringify(total)}` : "nothing"));
    const key = newKey();
    const run = async (k: string) =>
      (await r.c.query<PayoutRow>(`select ${payoutColumns} from app_public.run_payouts($1, $2::date, $3)`, [hotels[this.prop]!.propertyId, periodEnd, k])).rows;
    const outcome = await exec(r, hotels[this.prop]!.manager, async () => {
      const first = await run(key);
      const replayed = this.replay ? await run(key) : first;
      const again = await run(newKey());
      return { first, replayed, again };
    });
    if (!outcome.ok) {
      refused(m, "payout", outcome, this.period === "tomorrow" ? ["DATES"] : []);
      return verify(m, r);
    }
    if (this.period === "tomorrow") fail(m, `a payout run for a period ending tomorrow (${periodEnd}) was accepted`);
    const { first, replayed, again } = outcome.value;
    if (again.length) fail(m, `a second payout run right after paid again: ${JSON.stringify(again)}`);
    if (JSON.stringify(replayed.map((p) => p.id).sort()) !== JSON.stringify(first.map((p) => p.id).sort())) {
      fail(m, `the payout run replayed with its key returned ${JSON.stringify(replayed)}, the first time ${JSON.stringify(first)}`);
    }
    if (first.length !== (lines.size ? 1 : 0)) fail(m, `the payout run made ${first.length} payouts: ${JSON.stringify(first)}; the model expects ${lines.size ? 1 : 0}`);
    succeeded("payout");
    if (!lines.size) return verify(m, r, new Map(), undefined, { prop: this.prop, periodEnd });
    const p = first[0]!;
    const got = { room: Number(p.room_revenue), cancellation: Number(p.cancellation_revenue), commission: Number(p.commission), share: Number(p.owner_share) };
    if (p.owner_id !== owner!.id || p.period_end !== periodEnd || p.currency.trim() !== spec.currency || p.paid_at !== null || JSON.stringify(got) !== JSON.stringify(total)) {
      fail(m, `payout ${JSON.stringify(p)}; the model expects owner ${owner!.id} until ${periodEnd} in ${spec.currency}, unpaid, ${JSON.stringify(total)}`);
    }
    m.payouts.push({ label, id: p.id, prop: this.prop, ownerId: owner!.id, ...total, paid: false });
    for (const [resId, l] of lines) {
      const before = m.paidOut.get(resId) ?? { room: 0, cancellation: 0, commission: 0, share: 0 };
      m.paidOut.set(resId, { room: before.room + l.room, cancellation: before.cancellation + l.cancellation, commission: before.commission + l.commission, share: before.share + l.share });
    }
    payoutsMade++;
    payoutLinesMade += lines.size;
    m.trace.push(`  → ${label}: owner share ${total.share}, commission ${total.commission}`);
    return verify(m, r, new Map(), undefined, { prop: this.prop, periodEnd });
  }
  toString() {
    return `payout(${specs[this.prop]!.label}, ${this.period}${this.replay ? ", replayed" : ""})`;
  }
}

/** Marks an unpaid payout paid (Dr owner payable / Cr payouts); the same key replays; twice (a new key): TRANS the second time. */
class PayoutPaid implements Cmd {
  readonly index: number;
  readonly replay: boolean;
  readonly twice: boolean;
  constructor(v: { index: number; replay: boolean; twice: boolean }) {
    this.index = v.index; this.replay = v.replay; this.twice = v.twice;
  }
  check(m: Readonly<Model>): boolean {
    if (m.payouts.some((p) => !p.paid)) return true;
    stat("payout_paid").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const payout = pick(m.payouts.filter((p) => !p.paid), this.index);
    const manager = hotels[payout.prop]!.manager;
    m.trace.push(`payout_paid ${payout.label} (${specs[payout.prop]!.label}, owner share ${payout.share})${this.replay ? ", replayed" : ""}${this.twice ? ", then again" : ""}`);
    const key = newKey();
    const mark = async (k: string) => (await r.c.query<PayoutRow>(`select ${payoutColumns} from app_public.mark_payout_paid($1, $2)`, [payout.id, k])).rows[0]!;
    const outcome = await exec(r, manager, async () => {
      const first = await mark(key);
      const replayed = this.replay ? await mark(key) : first;
      return { first, replayed };
    });
    if (!outcome.ok) {
      refused(m, "payout_paid", outcome, []);
      return verify(m, r);
    }
    const { first, replayed } = outcome.value;
    if (first.id !== payout.id || first.paid_at === null || Number(first.owner_share) !== payout.share) fail(m, `mark_payout_paid returned ${JSON.stringify(first)}`);
    if (replayed.id !== first.id || replayed.paid_at === null) fail(m, `mark_payout_paid replayed with its key returned ${JSON.stringify(replayed)}`);
    payout.paid = true;
    succeeded("payout_paid");
    m.trace.push(`  → ${payout.label} paid`);
    await verify(m, r);
    if (!this.twice) return;
    m.trace.push(`payout_paid ${payout.label} again, with a new key`);
    const again = await exec(r, manager, () => mark(newKey()));
    if (again.ok) fail(m, `payout ${payout.label} was marked paid a second time: ${JSON.stringify(again.value)}`);
    refused(m, "payout_paid", again, ["TRANS"]);
    return verify(m, r);
  }
  toString() {
    return `payout_paid(#${this.index}${this.replay ? ", replayed" : ""}${this.twice ? ", twice" : ""})`;
  }
}


// ---------------------------------------------------------------------------
// At the desk
// ---------------------------------------------------------------------------

const guestFolios = (m: Readonly<Model>) => m.folios.filter((f) => f.resId !== null);
const deskAmount = (fraction: number, most: number) => Math.min(most, Math.max(1, Math.floor(fraction * most)));

/** Charges an extra (the property's Minibar) to a guest folio; on a closed one (wrong): FOLCL. */
class DeskCharge implements Cmd {
  readonly index: number;
  readonly quantity: number;
  readonly wrong: boolean;
  constructor(v: { index: number; quantity: number; wrong: boolean }) {
    this.index = v.index; this.quantity = v.quantity; this.wrong = v.wrong;
  }
  candidates(m: Readonly<Model>) {
    return guestFolios(m).filter((f) => folioClosed(m as Model, f) === this.wrong);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("charge_extra").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const f = pick(this.candidates(m), this.index);
    const extra = desks[f.prop]!;
    m.trace.push(`charge_extra ${f.label}: Minibar × ${this.quantity}${this.wrong ? " (closed)" : ""}`);
    const outcome = await exec(r, hotels[f.prop]!.frontDesk, async () => {
      await r.c.query("select app_public.post_folio_charge($1, $2, $3, null, $4)", [f.id, extra.extraId, this.quantity, newKey()]);
      return (await r.c.query<{ entry_id: string }>(
        `select p.entry_id from app_public.postings p join app_public.journal_entries e on e.id = p.entry_id
          where p.folio_id = $1 and e.cause_type = 'folio_charge' order by p.id desc limit 1`, [f.id])).rows[0]!.entry_id;
    });
    if (!outcome.ok) {
      refused(m, "charge_extra", outcome, this.wrong ? ["FOLCL"] : []);
      return verify(m, r);
    }
    if (this.wrong) fail(m, `a closed folio ${f.label} took a charge`);
    const amount = extra.price * this.quantity;
    f.desk += amount;
    m.accounts[f.prop]!.extras_revenue -= amount;
    m.deskCharges.push({ label: `X${m.deskCharges.length + 1}`, entryId: outcome.value, prop: f.prop, folioId: f.id, amount, kind: "extra", corrected: false });
    succeeded("charge_extra");
    return verify(m, r);
  }
  toString() {
    return `charge_extra(#${this.index}, ×${this.quantity}${this.wrong ? ", closed" : ""})`;
  }
}

/** An allowance (manager) on a guest folio, closed or not. */
class DeskAllowance implements Cmd {
  readonly index: number;
  readonly amount: number;
  constructor(v: { index: number; amount: number }) {
    this.index = v.index; this.amount = v.amount;
  }
  check(m: Readonly<Model>): boolean {
    if (guestFolios(m).length) return true;
    stat("allowance").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const f = pick(guestFolios(m), this.index);
    m.trace.push(`allowance ${f.label}: ${this.amount}`);
    const outcome = await exec(r, hotels[f.prop]!.manager, async () => {
      await r.c.query("select app_public.post_folio_allowance($1, $2, 'Goodwill', $3)", [f.id, this.amount, newKey()]);
      return (await r.c.query<{ entry_id: string }>(
        `select p.entry_id from app_public.postings p join app_public.journal_entries e on e.id = p.entry_id
          where p.folio_id = $1 and e.cause_type = 'folio_allowance' order by p.id desc limit 1`, [f.id])).rows[0]!.entry_id;
    });
    if (!outcome.ok) {
      refused(m, "allowance", outcome, []);
      return verify(m, r);
    }
    f.desk -= this.amount;
    m.accounts[f.prop]!.allowances += this.amount;
    m.deskCharges.push({ label: `X${m.deskCharges.length + 1}`, entryId: outcome.value, prop: f.prop, folioId: f.id, amount: -this.amount, kind: "allowance", corrected: false });
    succeeded("allowance");
    return verify(m, r);
  }
  toString() {
    return `allowance(#${this.index}, ${this.amount})`;
  }
}

/** Corrects an extra or an allowance on the folio it sits on now; a second time: TRANS. */
class DeskCorrect implements Cmd {
  readonly index: number;
  readonly twice: boolean;
  constructor(v: { index: number; twice: boolean }) {
    this.index = v.index; this.twice = v.twice;
  }
  candidates(m: Readonly<Model>) {
    return m.deskCharges.filter((x) => !x.corrected);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("correction").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const x = pick(this.candidates(m), this.index);
    const f = m.folios.find((y) => y.id === x.folioId)!;
    m.trace.push(`correction of ${x.label} (${x.kind} ${x.amount}) on ${f.label}${this.twice ? ", twice" : ""}`);
    const correct = () => r.c.query("select app_public.correct_folio_entry($1, $2, 'Posted by mistake', $3)", [x.entryId, f.id, newKey()]);
    const outcome = await exec(r, hotels[x.prop]!.frontDesk, correct);
    if (!outcome.ok) {
      refused(m, "correction", outcome, []);
      return verify(m, r);
    }
    x.corrected = true;
    f.desk -= x.amount;
    if (x.kind === "extra") m.accounts[x.prop]!.extras_revenue += x.amount;
    else m.accounts[x.prop]!.allowances += x.amount;
    succeeded("correction");
    await verify(m, r);
    if (!this.twice) return;
    const again = await exec(r, hotels[x.prop]!.frontDesk, correct);
    if (again.ok) fail(m, `${x.label} was corrected twice`);
    refused(m, "correction", again, ["TRANS"]);
    return verify(m, r);
  }
  toString() {
    return `correction(#${this.index}${this.twice ? ", twice" : ""})`;
  }
}

/** A cash or bank payment on a folio that owes (a company's too): cash needs the desk's open shift (CSHRQ); more than owed: INVLD. */
class DeskPay implements Cmd {
  readonly index: number;
  readonly cash: boolean;
  readonly fraction: number;
  readonly tooMuch: boolean;
  constructor(v: { index: number; cash: boolean; fraction: number; tooMuch: boolean }) {
    this.index = v.index; this.cash = v.cash; this.fraction = v.fraction; this.tooMuch = v.tooMuch;
  }
  candidates(m: Readonly<Model>) {
    return m.folios.filter((f) => folioBalanceOf(m as Model, f) > 0);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("desk_payment").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const f = pick(this.candidates(m), this.index);
    const due = folioBalanceOf(m, f);
    const amount = this.tooMuch ? due + 1 : deskAmount(this.fraction, due);
    const shift = openShiftOf(m, f.prop);
    m.trace.push(`desk_payment ${f.label}: ${amount} of ${due} ${this.cash ? `in cash${shift ? ` (${shift.label})` : " (no shift)"}` : "by bank"}`);
    const outcome = await exec(r, hotels[f.prop]!.frontDesk, () =>
      r.c.query("select app_public.take_folio_payment($1, $2, $3, 'Desk', $4)", [f.id, this.cash ? "cash" : "bank_transfer", amount, newKey()]));
    if (!outcome.ok) {
      refused(m, "desk_payment", outcome, this.tooMuch ? ["INVLD"] : this.cash && !shift ? ["CSHRQ"] : []);
      return verify(m, r);
    }
    if (this.tooMuch) fail(m, `${f.label} took a payment of ${amount}, more than the ${due} it owes`);
    if (this.cash && !shift) fail(m, `${f.label} took cash with no open shift`);
    f.desk -= amount;
    if (this.cash) {
      shift!.cash += amount;
      m.accounts[f.prop]!.cash_drawer += amount;
    } else {
      m.accounts[f.prop]!.bank += amount;
    }
    succeeded("desk_payment");
    return verify(m, r);
  }
  toString() {
    return `desk_payment(#${this.index}, ${this.cash ? "cash" : "bank"}, ${this.fraction.toFixed(2)}${this.tooMuch ? ", too much" : ""})`;
  }
}

/** Pays back a guest folio's credit (front desk, cash or bank), or a goodwill refund by bank on any guest folio (manager). */
class DeskRefund implements Cmd {
  readonly index: number;
  readonly cash: boolean;
  readonly fraction: number;
  readonly goodwill: boolean;
  constructor(v: { index: number; cash: boolean; fraction: number; goodwill: boolean }) {
    this.index = v.index; this.cash = v.cash; this.fraction = v.fraction; this.goodwill = v.goodwill;
  }
  candidates(m: Readonly<Model>) {
    return guestFolios(m).filter((f) => this.goodwill || folioBalanceOf(m as Model, f) < 0);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("desk_refund").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const f = pick(this.candidates(m), this.index);
    const credit = -folioBalanceOf(m, f);
    const amount = this.goodwill ? deskAmount(this.fraction, 5000) : deskAmount(this.fraction, credit);
    const cash = this.cash && !this.goodwill;
    const shift = openShiftOf(m, f.prop);
    m.trace.push(`desk_refund ${f.label}: ${amount}${this.goodwill ? " goodwill" : ` of a credit of ${credit}`} ${cash ? `in cash${shift ? ` (${shift.label})` : " (no shift)"}` : "by bank"}`);
    const outcome = await exec(r, this.goodwill ? hotels[f.prop]!.manager : hotels[f.prop]!.frontDesk, () =>
      r.c.query("select app_public.refund_folio_payment($1, $2, $3, 'Paid back', $4, $5)", [f.id, cash ? "cash" : "bank_transfer", amount, this.goodwill, newKey()]));
    if (!outcome.ok) {
      refused(m, "desk_refund", outcome, cash && !shift ? ["CSHRQ"] : []);
      return verify(m, r);
    }
    if (cash && !shift) fail(m, `${f.label} paid out cash with no open shift`);
    if (this.goodwill) {
      m.accounts[f.prop]!.allowances += amount;
    } else {
      f.desk += amount;
    }
    if (cash) {
      shift!.cash -= amount;
      m.accounts[f.prop]!.cash_drawer -= amount;
    } else {
      m.accounts[f.prop]!.bank -= amount;
    }
    succeeded("desk_refund");
    return verify(m, r);
  }
  toString() {
    return `desk_refund(#${this.index}, ${this.cash ? "cash" : "bank"}, ${this.fraction.toFixed(2)}${this.goodwill ? ", goodwill" : ""})`;
  }
}

/** The front desk opens a shift with a float; a second while one is open: TRANS. */
class OpenShift implements Cmd {
  readonly prop: number;
  readonly float: number;
  constructor(v: { prop: number; float: number }) {
    this.prop = v.prop; this.float = v.float;
  }
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const open = openShiftOf(m, this.prop);
    m.trace.push(`open_shift ${specs[this.prop]!.label}: float ${this.float}${open ? ` (${open.label} open)` : ""}`);
    const outcome = await exec(r, hotels[this.prop]!.frontDesk, async () =>
      (await r.c.query<{ id: string }>("select id from app_public.open_cash_shift($1, $2, $3)", [hotels[this.prop]!.propertyId, this.float, newKey()])).rows[0]!.id);
    if (!outcome.ok) {
      refused(m, "open_shift", outcome, open ? ["TRANS"] : []);
      return verify(m, r);
    }
    if (open) fail(m, `a second shift opened while ${open.label} is open`);
    m.shifts.push({ label: `S${m.shifts.length + 1}`, id: outcome.value, prop: this.prop, float: this.float, cash: 0, closed: false, expected: null, difference: null });
    succeeded("open_shift");
    return verify(m, r);
  }
  toString() {
    return `open_shift(${specs[this.prop]!.label}, ${this.float})`;
  }
}

/** The front desk closes its shift with a count off by delta: the difference goes to cash over/short. */
class CloseShift implements Cmd {
  readonly index: number;
  readonly delta: number;
  constructor(v: { index: number; delta: number }) {
    this.index = v.index; this.delta = v.delta;
  }
  candidates(m: Readonly<Model>) {
    return m.shifts.filter((x) => !x.closed);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("close_shift").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const x = pick(this.candidates(m), this.index);
    const expected = x.float + x.cash;
    const counted = Math.max(0, expected + this.delta);
    m.trace.push(`close_shift ${x.label}: expected ${expected}, counted ${counted}`);
    const outcome = await exec(r, hotels[x.prop]!.frontDesk, () =>
      r.c.query("select * from app_public.close_cash_shift($1, $2, null, $3)", [x.id, counted, newKey()]));
    if (!outcome.ok) {
      refused(m, "close_shift", outcome, []);
      return verify(m, r);
    }
    Object.assign(x, { closed: true, expected, difference: counted - expected });
    m.accounts[x.prop]!.cash_drawer += counted - expected;
    m.accounts[x.prop]!.cash_over_short -= counted - expected;
    succeeded("close_shift");
    return verify(m, r);
  }
  toString() {
    return `close_shift(#${this.index}, ${this.delta >= 0 ? "+" : ""}${this.delta})`;
  }
}

/** A second (or third) guest folio on a booked or in-house stay. */
class NewFolio implements Cmd {
  readonly index: number;
  constructor(v: { index: number }) {
    this.index = v.index;
  }
  candidates(m: Readonly<Model>) {
    return m.reservations.filter((x) => occupies(x) && m.folios.filter((f) => f.resId === x.id).length < 3);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("new_folio").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const res = pick(this.candidates(m), this.index);
    const n = m.folios.filter((f) => f.resId === res.id).length + 1;
    m.trace.push(`new_folio ${res.label}/${n}`);
    const outcome = await exec(r, hotels[res.prop]!.frontDesk, async () =>
      (await r.c.query<{ id: string; label: string }>("select id, label from app_public.create_folio($1, null, null, $2)", [res.id, newKey()])).rows[0]!);
    if (!outcome.ok) {
      refused(m, "new_folio", outcome, []);
      return verify(m, r);
    }
    if (outcome.value.label !== `Folio ${n}`) fail(m, `the new folio of ${res.label} is called ${outcome.value.label}, not Folio ${n}`);
    m.folios.push({ label: `${res.label}/${n}`, id: outcome.value.id, prop: res.prop, resId: res.id, primary: false, companyId: null, desk: 0 });
    succeeded("new_folio");
    return verify(m, r);
  }
  toString() {
    return `new_folio(#${this.index})`;
  }
}

/** Routes an extra from the open guest folio it sits on to another open folio of its stay, or to the company's city ledger. */
class Route implements Cmd {
  readonly index: number;
  readonly toCompany: boolean;
  constructor(v: { index: number; toCompany: boolean }) {
    this.index = v.index; this.toCompany = v.toCompany;
  }
  targets(m: Readonly<Model>, x: DeskChargeModel): FolioModel[] {
    const from = m.folios.find((f) => f.id === x.folioId)!;
    if (!from.resId || folioClosed(m as Model, from)) return [];
    if (this.toCompany) return [companyFolioOf(m as Model, x.prop)];
    return m.folios.filter((f) => f.resId === from.resId && f.id !== from.id && !folioClosed(m as Model, f));
  }
  candidates(m: Readonly<Model>) {
    return m.deskCharges.filter((x) => x.kind === "extra" && !x.corrected && this.targets(m, x).length);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("route").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const x = pick(this.candidates(m), this.index);
    const from = m.folios.find((f) => f.id === x.folioId)!;
    const to = pick(this.targets(m, x), this.index);
    m.trace.push(`route ${x.label} (${x.amount}) from ${from.label} to ${to.label}`);
    const outcome = await exec(r, hotels[x.prop]!.frontDesk, () =>
      r.c.query("select app_public.route_folio_postings($1, $2, $3::uuid[], $4)", [from.id, to.id, [x.entryId], newKey()]));
    if (!outcome.ok) {
      refused(m, "route", outcome, []);
      return verify(m, r);
    }
    from.desk -= x.amount;
    to.desk += x.amount;
    x.folioId = to.id;
    succeeded("route");
    return verify(m, r);
  }
  toString() {
    return `route(#${this.index}${this.toCompany ? ", to the company" : ""})`;
  }
}

/** Moves a guest folio's whole balance to the company's city ledger. */
class ToCityLedger implements Cmd {
  readonly index: number;
  constructor(v: { index: number }) {
    this.index = v.index;
  }
  candidates(m: Readonly<Model>) {
    return guestFolios(m).filter((f) => folioBalanceOf(m as Model, f) > 0);
  }
  check(m: Readonly<Model>): boolean {
    if (this.candidates(m).length) return true;
    stat("city_ledger").skipped++;
    return false;
  }
  async run(m: Model, r: Real): Promise<void> {
    const f = pick(this.candidates(m), this.index);
    const due = folioBalanceOf(m, f);
    const company = companyFolioOf(m, f.prop);
    m.trace.push(`city_ledger ${f.label}: ${due} to ${company.label}`);
    const outcome = await exec(r, hotels[f.prop]!.frontDesk, () =>
      r.c.query("select app_public.transfer_folio_to_city_ledger($1, $2, $3)", [f.id, desks[f.prop]!.companyId, newKey()]));
    if (!outcome.ok) {
      refused(m, "city_ledger", outcome, []);
      return verify(m, r);
    }
    f.desk -= due;
    company.desk += due;
    succeeded("city_ledger");
    return verify(m, r);
  }
  toString() {
    return `city_ledger(#${this.index})`;
  }
}

const index = fc.nat({ max: 1000 });
const ownerProps = specs.flatMap((spec, i) => (spec.owner ? [i] : []));
const commandArbs: Array<fc.WeightedArbitrary<Cmd>> = [
  {
    weight: 5,
    arbitrary: fc
      .record({
        prop: fc.integer({ min: 0, max: specs.length - 1 }),
        // Arrivals today can be checked in (and out) within the sequence.
        offset: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 60 }) }),
        nights: fc.integer({ min: 1, max: 5 }),
        adults: fc.integer({ min: 1, max: 3 }),
        children: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
      })
      .map((v) => new Book(v)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        index,
        offset: fc.option(fc.integer({ min: 0, max: 60 })),
        nights: fc.option(fc.integer({ min: 1, max: 5 })),
        adults: fc.option(fc.integer({ min: 1, max: 3 })),
        children: fc.option(fc.integer({ min: 0, max: 1 }), { freq: 3 }),
      })
      .map((v) => new Modify(v)),
  },
  { weight: 2, arbitrary: index.map((i) => new Close({ kind: "cancel", index: i })) },
  { weight: 1, arbitrary: index.map((i) => new Close({ kind: "no_show", index: i })) },
  { weight: 4, arbitrary: fc.record({ index, replay: fc.boolean() }).map((v) => new Pay(v)) },
  ...(["capture", "fail", "late_capture"] as const).map((kind) => ({
    weight: kind === "capture" ? 4 : kind === "fail" ? 2 : 1,
    arbitrary: fc
      .record({ index, authorizeFirst: fc.boolean(), twice: fc.boolean(), failAfter: fc.boolean() })
      .map((v) => new ProviderAnswer({ kind, ...v })) as fc.Arbitrary<Cmd>,
  })),
  {
    weight: 2,
    arbitrary: fc
      .record({
        index,
        fraction: fc.double({ min: 0, max: 1, noNaN: true }),
        tooMuch: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }),
      })
      .map((v) => new Refund(v)),
  },
  { weight: 2, arbitrary: fc.record({ index, twice: fc.boolean() }).map((v) => new RefundOutcome({ kind: "refund_succeeds", ...v })) },
  { weight: 1, arbitrary: fc.record({ index, twice: fc.boolean() }).map((v) => new RefundOutcome({ kind: "refund_fails", ...v })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        index,
        force: fc.boolean(),
        pickFrom: fc.oneof(
          { weight: 6, arbitrary: fc.constant("due" as const) },
          { weight: 1, arbitrary: fc.constant("early" as const) },
          { weight: 1, arbitrary: fc.constant("wrong" as const) },
        ),
      })
      .map((v) => new CheckIn(v)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ index, wrong: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }) })
      .map((v) => new CheckOut(v)),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        // Mostly the properties with owners; the others pay nothing.
        prop: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ownerProps) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: specs.length - 1 }) }),
        period: fc.oneof(
          { weight: 6, arbitrary: fc.constant("today" as const) },
          { weight: 1, arbitrary: fc.constant("yesterday" as const) },
          { weight: 1, arbitrary: fc.constant("tomorrow" as const) },
        ),
        replay: fc.boolean(),
      })
      .map((v) => new Payout(v)),
  },
  { weight: 1, arbitrary: fc.record({ index, replay: fc.boolean(), twice: fc.boolean() }).map((v) => new PayoutPaid(v)) },
  // At the desk.
  {
    weight: 3,
    arbitrary: fc.record({ index, quantity: fc.integer({ min: 1, max: 3 }), wrong: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }) })
      .map((v) => new DeskCharge(v)),
  },
  { weight: 1, arbitrary: fc.record({ index, amount: fc.integer({ min: 1, max: 5000 }) }).map((v) => new DeskAllowance(v)) },
  { weight: 1, arbitrary: fc.record({ index, twice: fc.boolean() }).map((v) => new DeskCorrect(v)) },
  {
    weight: 3,
    arbitrary: fc.record({
      index, cash: fc.boolean(), fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      tooMuch: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 8, arbitrary: fc.constant(false) }),
    }).map((v) => new DeskPay(v)),
  },
  {
    weight: 2,
    arbitrary: fc.record({ index, cash: fc.boolean(), fraction: fc.double({ min: 0, max: 1, noNaN: true }), goodwill: fc.boolean() }).map((v) => new DeskRefund(v)),
  },
  { weight: 1, arbitrary: fc.record({ prop: fc.integer({ min: 0, max: specs.length - 1 }), float: fc.integer({ min: 0, max: 20000 }) }).map((v) => new OpenShift(v)) },
  { weight: 2, arbitrary: fc.record({ index, delta: fc.oneof(fc.constant(0), fc.integer({ min: -500, max: 500 })) }).map((v) => new CloseShift(v)) },
  { weight: 1, arbitrary: index.map((i) => new NewFolio({ index: i })) },
  { weight: 3, arbitrary: fc.record({ index, toCompany: fc.boolean() }).map((v) => new Route(v)) },
  { weight: 1, arbitrary: index.map((i) => new ToCityLedger({ index: i })) },
];

// A stay through to its payout is four commands in a row (book today, check in, check out, pay out), too rare
// among the rest to happen by chance: now and then a sequence gets them as a block, sometimes with a change of
// the checked-in stay, sometimes without the payout run (a later run pays both). Each is still checked against
// the model: the booking may be refused, the newest stay due may be another one.
const stayArb: fc.Arbitrary<Cmd[]> = fc
  .record({
    prop: fc.constantFrom(...ownerProps),
    nights: fc.integer({ min: 1, max: 5 }),
    adults: fc.integer({ min: 1, max: 3 }),
    children: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
    force: fc.boolean(),
    change: fc.option(fc.record({ nights: fc.option(fc.integer({ min: 1, max: 5 })), adults: fc.option(fc.integer({ min: 1, max: 3 })) }), { freq: 2 }),
    payout: fc.option(fc.boolean(), { freq: 3 }),
  })
  .map(({ prop, nights, adults, children, force, change, payout }) => [
    new Book({ prop, offset: 0, nights, adults, children }),
    new CheckIn({ index: LATEST, force, pickFrom: "due" }),
    ...(change ? [new Modify({ index: LATEST, offset: null, nights: change.nights, adults: change.adults, children: null })] : []),
    new CheckOut({ index: LATEST, wrong: false }),
    ...(payout === null ? [] : [new Payout({ prop, period: "today", replay: payout })]),
  ]);

const sequenceArb = fc
  .array(fc.oneof({ weight: 20, arbitrary: fc.oneof(...commandArbs).map((cmd) => [cmd]) }, { weight: 1, arbitrary: stayArb }), { minLength: 5, maxLength: 25, size: "max" })
  .map((groups) => groups.flat());

// ---------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  const c = await db.ownerPool.connect();
  try {
    await c.query("begin");
    for (const spec of specs) {
      const h = await createHotel(c, {
        currency: spec.currency, timeZone: spec.timeZone, kind: spec.kind, units: spec.units, maxOccupancy: spec.maxOccupancy,
        ratePlan: { base_price: spec.basePrice, included_guests: spec.includedGuests, extra_adult_fee: spec.extraAdultFee, extra_child_fee: spec.extraChildFee },
      });
      // No-shows from the arrival day's start (the model's rule; the no-show time itself is tested in payment_guarantee.test.ts).
      await c.query("update app_public.properties set no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [h.propertyId]);
      for (const f of spec.fees) {
        await c.query("insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, $2, $3, $4, $5)", [h.propertyId, f.name, f.basis, f.amount, spec.currency]);
      }
      for (const t of spec.taxes) {
        await c.query(
          `insert into app_public.taxes (property_id, name, basis, percent, amount, currency, is_inclusive, applies_to_fees)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [h.propertyId, t.name, t.basis, t.basis === "percent_of_room" ? t.percent : null, t.basis === "percent_of_room" ? null : t.amount,
            spec.currency, t.inclusive, t.basis === "percent_of_room" && t.appliesToFees],
        );
      }
      let owner: OwnerSetup | null = null;
      if (spec.owner) {
        if (hasInclusiveTax(spec)) throw new Error(`${spec.label}: the model prices owners' revenue only where no tax is included in the prices`);
        const { rows } = await c.query<{ id: string }>(
          "insert into app_public.owners (property_id, name, email, commission_percent) values ($1, $2, $3, $4) returning id",
          [h.propertyId, spec.owner.name, `owner-${hotels.length}@test.example`, spec.owner.commissionPercent]);
        const unitIds = spec.owner.units.map((u) => h.unitIds[u]!);
        await c.query("update app_public.units set owner_id = $1 where property_id = $2 and id = any ($3::uuid[])", [rows[0]!.id, h.propertyId, unitIds]);
        owner = { id: rows[0]!.id, name: spec.owner.name, percent: milli(spec.owner.commissionPercent), unitIds: new Set(unitIds) };
      }
      owners.push(owner);
      hotels.push(h);
      const price = 450;
      const extraId = (await c.query<{ id: string }>(
        "insert into app_public.folio_extras (property_id, name, unit_price, currency) values ($1, 'Minibar', $2, $3) returning id", [h.propertyId, price, spec.currency])).rows[0]!.id;
      const companyId = (await c.query<{ id: string }>("insert into app_public.companies (property_id, name) values ($1, 'Atlantic Travel') returning id", [h.propertyId])).rows[0]!.id;
      const companyFolioId = (await c.query<{ id: string }>("select id from app_public.folios where company_id = $1", [companyId])).rows[0]!.id;
      desks.push({ extraId, price, companyId, companyFolioId });
    }
    await c.query("commit");
  } finally {
    c.release();
  }
});
afterAll(async () => {
  await db.drop();
});

async function runSequence(terms: Terms[], commands: Cmd[]): Promise<void> {
  sequences++;
  await inRollback(db.ownerPool, async (c) => {
    for (const [i, t] of terms.entries()) {
      await c.query(
        `update app_public.rate_plans set deposit_percent = $2, balance_due_days = $3, is_refundable = $4, free_cancellation_days = $5,
                cancellation_penalty_kind = $6, cancellation_penalty_value = $7 where id = $1`,
        [hotels[i]!.ratePlanId, t.depositPercent, t.balanceDueDays, t.isRefundable, t.freeCancellationDays, t.penaltyKind, t.penaltyValue],
      );
      await c.query("update app_public.taxes set applies_to_penalty = $2 where property_id = $1 and basis <> 'percent_of_room'", [hotels[i]!.propertyId, t.perNightTaxesCarried]);
    }
    const users = hotels.flatMap((h) => [h.frontDesk, h.manager]);
    const { rows } = await c.query<{ id: string; user_id: string }>(
      "insert into app_private.sessions (user_id) select unnest($1::uuid[]) returning id, user_id", [users]);
    // Today at each property as the SQL sees it: the date at the transaction's now(), fixed for the whole sequence.
    const today = (await c.query<{ today: string }>(
      "select to_char((now() at time zone tz)::date, 'YYYY-MM-DD') as today from unnest($1::text[]) with ordinality as t(tz, i) order by i",
      [specs.map((spec) => spec.timeZone)])).rows.map((x) => x.today);
    const real: Real = { c, sessions: new Map(rows.map((s) => [s.user_id, s.id])), today, postings: new Map() };
    const model: Model = {
      terms, today, reservations: [], attempts: [], refunds: [], intents: [], payouts: [], paidOut: new Map(), dirty: new Set(),
      folios: desks.map((d, i) => ({ label: `${specs[i]!.label}/company`, id: d.companyFolioId, prop: i, resId: null, primary: false, companyId: d.companyId, desk: 0 })),
      deskCharges: [], shifts: [],
      accounts: specs.map(() => ({ cash_drawer: 0, bank: 0, extras_revenue: 0, allowances: 0, cash_over_short: 0 })),
      trace: terms.map((t, i) => `${specs[i]!.label}: deposit ${t.depositPercent}%, ${t.isRefundable ? `free cancellation until ${t.freeCancellationDays}d before, then ${t.penaltyValue} ${t.penaltyKind}` : "non-refundable"}${t.perNightTaxesCarried ? ", per-night taxes kept on penalties" : ""}`),
    };
    const counted = commands.map((cmd) => ({
      check: (m: Readonly<Model>) => cmd.check(m),
      run: async (m: Model, r: Real) => {
        stepsRun++;
        await cmd.run(m, r);
      },
      toString: () => cmd.toString(),
    }));
    await fc.asyncModelRun(() => ({ model, real }), counted);
  });
}

function summary(elapsedMs: number): string {
  const lines = [
    `ledger property test: seed ${seed}, ${numRuns} runs requested, ${sequences} sequences run (shrinking included), ` +
      `${stepsRun} steps, ${(elapsedMs / 1000).toFixed(1)} s (${(elapsedMs / Math.max(sequences, 1)).toFixed(0)} ms per sequence)`,
  ];
  const names = ["book", "modify", "cancel", "no_show", "check_in", "check_out", "pay", "capture", "fail", "late_capture", "refund",
    "refund_succeeds", "refund_fails", "payout", "payout_paid", "charge_extra", "allowance", "correction", "desk_payment", "desk_refund",
    "open_shift", "close_shift", "new_folio", "route", "city_ledger"];
  const refusedTexts = names.map((name) => [...stat(name).refused].map(([code, n]) => `${code}×${n}`).join(" ") || "-");
  const width = Math.max(27, ...refusedTexts.map((t) => t.length));
  lines.push(`  command          done  ${"refused".padEnd(width)} skipped (precondition)`);
  for (const [i, name] of names.entries()) {
    lines.push(`  ${name.padEnd(16)} ${String(stat(name).ok).padStart(5)}  ${refusedTexts[i]!.padEnd(width)} ${stat(name).skipped}`);
  }
  lines.push(`  payout runs that paid: ${payoutsMade}, with ${payoutLinesMade} stay lines (the other runs had nothing due)`);
  return lines.join("\n");
}

it(
  "random bookings, stays, payments, refunds and owner payouts keep the books balanced, folios = charges − payments, postings append-only, no stay paid out twice",
  async () => {
    console.log(`ledger property test: seed ${seed} (KEEPR_TEST_SEED=${seed} to replay), runs ${numRuns} (KEEPR_PROPERTY_RUNS)`);
    const started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(fc.tuple(...specs.map(() => termsArb)), sequenceArb, (terms, commands) => runSequence(terms, commands)),
        { numRuns, seed, ...(replayPath ? { path: replayPath } : {}) },
      );
    } finally {
      console.log(summary(Date.now() - started));
    }
  },
  Math.max(60_000, numRuns * 1_000),
);
