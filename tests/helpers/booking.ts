// Fixtures for booking tests: a property with units, a rate plan and staff,
// written as the owner; dates in the property's calendar; and the guest path
// (quote → hold → confirm) called as whatever role the client has become.
import { randomBytes, randomUUID } from "node:crypto";
import type pg from "pg";
import { staff } from "./db.ts";

type Queryable = Pick<pg.ClientBase, "query">;

export interface Hotel {
  organizationId: string;
  propertyId: string;
  roomTypeId: string;
  ratePlanId: string;
  unitIds: string[];
  timeZone: string;
  frontDesk: string;
  manager: string;
  housekeeper: string;
}

export interface HotelOptions {
  units?: number;
  timeZone?: string;
  currency?: string;
  kind?: "hotel" | "vacation_rental";
  maxOccupancy?: number;
  /** Whether the property has the legal details invoices need (default true). */
  legalDetails?: boolean;
  /** Columns of the rate plan, as SQL literals are not needed: plain values. */
  ratePlan?: Partial<{
    base_price: number;
    included_guests: number;
    extra_adult_fee: number;
    extra_child_fee: number;
    min_stay: number;
    max_stay: number | null;
    is_refundable: boolean;
    free_cancellation_days: number;
    cancellation_penalty_kind: "nights" | "percent";
    cancellation_penalty_value: number;
    meal_plan: "room_only" | "breakfast" | "half_board" | "full_board" | "all_inclusive";
    /** Children by age (issue 22): the bands and one supplement. */
    child_free_below_age: number | null;
    child_adult_from_age: number | null;
    child_supplement_amount: number | null;
    child_supplement_percent: number | null;
  }>;
}

const one = async (client: Queryable, sql: string, params: unknown[]) => (await client.query<{ id: string }>(sql, params)).rows[0]!.id;

export async function createHotel(client: Queryable, options: HotelOptions = {}): Promise<Hotel> {
  const tag = randomBytes(4).toString("hex");
  const timeZone = options.timeZone ?? "Europe/Lisbon";
  const currency = options.currency ?? "EUR";
  const organizationId = await one(client, "insert into app_public.organizations (name, slug) values ($1, $2) returning id", [`Org ${tag}`, `org-${tag}`]);
  const propertyId = await one(
    client,
    `insert into app_public.properties (organization_id, name, slug, kind, time_zone, currency, country_code, city, is_published)
     values ($1, $2, $3, $4, $5, $6, 'PT', $7, true) returning id`,
    [organizationId, `Hotel ${tag}`, `hotel-${tag}`, options.kind ?? "hotel", timeZone, currency, `City ${tag}`],
  );
  if (options.legalDetails !== false) {
    await client.query(
      `insert into app_public.property_legal_details (property_id, legal_name, address_line1, postal_code, city, country_code, vat_id)
       values ($1, $2, 'Rua do Cais 12', '1100-001', 'Lisboa', 'PT', 'PT509999990')`,
      [propertyId, `Hotel ${tag} Lda`],
    );
  }
  const roomTypeId = await one(client, "insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Double', $2) returning id", [
    propertyId,
    options.maxOccupancy ?? 3,
  ]);
  const unitIds: string[] = [];
  for (let i = 1; i <= (options.units ?? 3); i++) {
    unitIds.push(await one(client, "insert into app_public.units (property_id, room_type_id, name) values ($1, $2, $3) returning id", [propertyId, roomTypeId, `${100 + i}`]));
  }
  const plan = { base_price: 10000, included_guests: 2, ...options.ratePlan };
  const columns = Object.keys(plan);
  const ratePlanId = await one(
    client,
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, ${columns.join(", ")})
     values ($1, $2, 'Flexible', $3, ${columns.map((_, i) => `$${i + 4}`).join(", ")}) returning id`,
    [propertyId, roomTypeId, currency, ...Object.values(plan)],
  );
  const user = async (name: string, role: string) => {
    const id = await one(client, "insert into app_public.users (email, display_name) values ($1, $2) returning id", [`${name}-${tag}@test.example`, name]);
    await client.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, $3)", [propertyId, id, role]);
    return id;
  };
  return {
    organizationId, propertyId, roomTypeId, ratePlanId, unitIds, timeZone,
    frontDesk: await user("desk", "front_desk"),
    manager: await user("manager", "manager"),
    housekeeper: await user("housekeeper", "housekeeping"),
  };
}

/** The date `offset` days from today in a time zone, as YYYY-MM-DD. */
export function localDate(timeZone: string, offset = 0): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  return addDays(today, offset);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const newKey = () => randomUUID();

export interface Quote {
  total_amount: string;
  quote_token: string;
  units_left: number;
}

export async function quote(client: Queryable, ratePlanId: string, arrival: string, departure: string, adults = 2, children = 0): Promise<Quote> {
  const { rows } = await client.query<Quote>("select * from app_public.quote($1, $2, $3, $4, $5)", [ratePlanId, arrival, departure, adults, children]);
  return rows[0]!;
}

export interface Hold {
  reservation_id: string;
  expires_at: Date;
  total_amount: string;
  /** Proof of having made the hold, asked for by confirm_booking. */
  hold_token: string;
}

export async function hold(client: Queryable, quoteToken: string, key = newKey(), minutes = 10): Promise<Hold> {
  const { rows } = await client.query("select * from app_public.create_hold($1, $2, $3)", [quoteToken, key, minutes]);
  return rows[0];
}

/** Confirms a hold as the one who made it (its token), or by id alone (staff, or the signed-in guest who made it). */
export async function confirm(client: Queryable, held: Pick<Hold, "reservation_id" | "hold_token"> | string, key = newKey(), email = "ada@example.com") {
  const [reservationId, holdToken] = typeof held === "string" ? [held, null] : [held.reservation_id, held.hold_token];
  const { rows } = await client.query<{ reservation_id: string; confirmation_code: string; status: string; total_amount: string }>(
    "select * from app_public.confirm_booking($1, $2, 'Ada Lovelace', $3, '+44 20 7946 0000', hold_token => $4)",
    [reservationId, key, email, holdToken],
  );
  return rows[0]!;
}

/** quote → hold → confirm; returns the booking. */
export async function book(client: Queryable, ratePlanId: string, arrival: string, departure: string, adults = 2, children = 0) {
  const q = await quote(client, ratePlanId, arrival, departure, adults, children);
  const h = await hold(client, q.quote_token);
  return confirm(client, h);
}

/**
 * A new hotel, and one night `daysAhead` days ahead booked at its front
 * desk; the client is left acting as the front desk. Returns the
 * reservation's id.
 */
export async function oneNightBooked(client: pg.PoolClient, daysAhead = 5): Promise<string> {
  const h = await createHotel(client);
  await staff(client, h.frontDesk);
  const arrival = localDate(h.timeZone, daysAhead);
  return (await book(client, h.ratePlanId, arrival, addDays(arrival, 1))).reservation_id;
}

/**
 * Moves a booked stay `days` days earlier: its dates, its price lines'
 * nights, its locked free-cancellation deadline and its claim (time cannot
 * move inside a test's transaction). The deadline moves with the stay, so a
 * test's outcome does not depend on the hour it runs at.
 */
export async function moveStayBack(c: Queryable, reservationId: string, days: number) {
  await c.query(
    `update app_public.reservations r
        set stay = daterange(lower(r.stay) - $2::int, upper(r.stay) - $2::int),
            price_lines = (select jsonb_agg(case when l ->> 'date' is not null then jsonb_set(l, '{date}', to_jsonb(((l ->> 'date')::date - $2::int)::text)) else l end order by o)
                             from jsonb_array_elements(r.price_lines) with ordinality as x(l, o)),
            cancellation_policy = case when r.cancellation_policy ->> 'free_cancellation_until' is null then r.cancellation_policy
              else jsonb_set(r.cancellation_policy, '{free_cancellation_until}',
                             to_jsonb((r.cancellation_policy ->> 'free_cancellation_until')::timestamptz - make_interval(days => $2::int))) end
      where r.id = $1`,
    [reservationId, days],
  );
  await c.query("update app_public.inventory_claims set stay = daterange(lower(stay) - $2::int, upper(stay) - $2::int) where reservation_id = $1", [reservationId, days]);
}

/** One room of a group: a rate plan, its guests and optionally who sleeps there. */
export interface GroupRoom {
  ratePlanId: string;
  adults?: number;
  children?: number;
  /** The children's ages (issue 22), one per child. */
  childAges?: number[] | null;
  guestName?: string | null;
}

/** The rooms as SQL's app_public.group_room[] literal's parameters (one row each). */
const groupRooms = (rooms: GroupRoom[]) =>
  JSON.stringify(rooms.map((r) => ({ rate_plan_id: r.ratePlanId, adults: r.adults === undefined ? 2 : r.adults, children: r.children ?? 0, child_ages: r.childAges ?? null, guest_name: r.guestName ?? null })));
const groupRoomsSql = "array(select jsonb_populate_record(null::app_public.group_room, x) from jsonb_array_elements($1::jsonb) with ordinality e(x, n) order by n)";

export interface GroupQuote {
  total_amount: string;
  quote_token: string;
  promo_code?: string | null;
  rooms: { room_no: number; guest_name: string | null; quote: { room_type_id: string; total_amount: number; lines: { kind: string; amount: number }[] } }[];
}

export async function quoteGroup(client: Queryable, rooms: GroupRoom[], arrival: string, departure: string, promoCode: string | null = null): Promise<GroupQuote> {
  const { rows } = await client.query<GroupQuote>(
    `select total_amount, quote_token, promo_code, to_jsonb(rooms) as rooms from app_public.quote_group(${groupRoomsSql}, $2, $3, $4)`,
    [groupRooms(rooms), arrival, departure, promoCode],
  );
  return rows[0]!;
}

/** The SQL of quote_group for sqlstateOf: params [rooms, arrival, departure, promo code]. */
export const quoteGroupSql = (rooms: GroupRoom[], arrival: string, departure: string, promoCode: string | null = null): [string, unknown[]] => [
  `select * from app_public.quote_group(${groupRoomsSql}, $2, $3, $4)`,
  [groupRooms(rooms), arrival, departure, promoCode],
];

export interface GroupHold {
  booking_group_id: string;
  group_code: string;
  total_amount: string;
  reservation_ids: string[];
  hold_token: string;
}

export async function holdGroup(client: Queryable, quoteToken: string, name: string | null = null, key = newKey()): Promise<GroupHold> {
  const { rows } = await client.query<GroupHold>("select * from app_public.create_group_hold($1, $2, $3)", [quoteToken, key, name]);
  return rows[0]!;
}

/** Confirms a group hold as the one who made it (its token), or by id alone (staff, or the signed-in guest who made it). */
export async function confirmGroup(client: Queryable, held: Pick<GroupHold, "booking_group_id" | "hold_token"> | string, key = newKey(), email = "ada@example.com") {
  const [groupId, holdToken] = typeof held === "string" ? [held, null] : [held.booking_group_id, held.hold_token];
  const { rows } = await client.query<{ reservation_id: string; confirmation_code: string; status: string; total_amount: string }>(
    "select * from app_public.confirm_group($1, $2, 'Ada Lovelace', $3, '+44 20 7946 0000', hold_token => $4)",
    [groupId, key, email, holdToken],
  );
  return rows;
}

/** A bookable extra of the hotel's catalogue (issue 22): guests may book it with the stay, up to `maxQuantity`. */
export async function createBookableExtra(client: Queryable, h: Pick<Hotel, "propertyId">, name: string, unitPrice: number,
                                          basis: "per_stay" | "per_night" | "per_guest_night", maxQuantity = 2): Promise<string> {
  return one(client,
    `insert into app_public.folio_extras (property_id, name, unit_price, currency, is_bookable, booking_basis, max_quantity)
     values ($1, $2, $3, 'EUR', true, $4, $5) returning id`, [h.propertyId, name, unitPrice, basis, maxQuantity]);
}
