// Who sees and does what in Keepr's database: the one declaration that
// tests/db/access_matrix.test.ts checks against the real grants, policies and
// guards (every identity × every exposed table, view and function), and that
// docs/security.md prints ("Who sees and does what", between the
// access-table markers).
//
// Staff rights are named by staff role group (app_hidden.staff_group_roles),
// never by a list of roles: which roles a group holds is the SQL's to say,
// and the test reads it from there.
//
// To regenerate the table in docs/security.md after changing this file:
//   KEEPR_WRITE_ACCESS_TABLE=1 node --experimental-vm-modules node_modules/jest/bin/jest.js tests/db/access_matrix.test.ts
import { roles } from "../../core/roles.ts";

/** The staff role groups of app_hidden.staff_group_roles, with the job each is for. */
export const staffGroups = {
  all_staff: "everyone on the staff of the property",
  owners: "the owners: owner memberships, new properties of the organization",
  managers: "rates, rooms, channels, staff",
  front_office: "bookings, check-in/out, guests' changes",
  cashiers: "reservations, guest profiles, folios, payments, night audit",
  back_office: "the ledger, payouts, refunds, fees and taxes",
  housekeeping_ops: "the housekeeping board, tasks, unit statuses",
  housekeeping_supervisors: "assigning housekeeping tasks, their priority, inspecting clean units",
  housekeepers: "who can be given housekeeping tasks (attendants and their supervisors)",
} as const;
export type StaffGroup = keyof typeof staffGroups;
export const staffGroupNames = Object.keys(staffGroups) as StaffGroup[];

/** The staff roles of app_public.staff_role: each is an identity of its own. */
export const staffRoles = ["owner", "manager", "front_desk", "housekeeping", "housekeeping_supervisor", "accountant"] as const;
export type StaffRole = (typeof staffRoles)[number];

/** The database roles identities act as. */
const { anonymous, guest, staff, worker, analyst, realtime } = roles;
export const sqlRoles = { anonymous, guest, staff, worker, analyst, realtime } as const;
export type SqlRole = keyof typeof sqlRoles;

/**
 * Who a request or process can be. Staff identities are staff of property A
 * (the property whose rows and ids the test uses); `other_staff` is the
 * owner of property B, of another organization (tenant isolation).
 */
export const identities = {
  anonymous: { label: "anonymous", sql: "anonymous", who: "anonymous", about: "no token" },
  booking: { label: "booking token", sql: "anonymous", who: "booking", about: "lookupBooking's token: keepr_anonymous with the claim reservation_id" },
  guest: { label: "guest", sql: "guest", who: "guest", about: "a signed-in guest (keepr_guest)" },
  owner: { label: "owner", sql: "staff", who: "staff", role: "owner", about: "keepr_staff, in this role at the property" },
  manager: { label: "manager", sql: "staff", who: "staff", role: "manager", about: "keepr_staff, in this role at the property" },
  front_desk: { label: "front desk", sql: "staff", who: "staff", role: "front_desk", about: "keepr_staff, in this role at the property" },
  housekeeping: { label: "housekeeping", sql: "staff", who: "staff", role: "housekeeping", about: "keepr_staff, in this role at the property" },
  housekeeping_supervisor: { label: "housekeeping supervisor", sql: "staff", who: "staff", role: "housekeeping_supervisor", about: "keepr_staff, in this role at the property" },
  accountant: { label: "accountant", sql: "staff", who: "staff", role: "accountant", about: "keepr_staff, in this role at the property" },
  other_staff: { label: "other property's owner", sql: "staff", who: "staff", role: "owner", about: "keepr_staff, owner of another property of another organization only (checked, not a column: none of the property's rows but published ones)" },
  worker: { label: "worker", sql: "worker", who: "worker", about: "what jobs act as (keepr_worker)" },
  analyst: { label: "analyst", sql: "analyst", who: "analyst", about: "the read-only reporting login (keepr_analyst)" },
  realtime: { label: "realtime", sql: "realtime", who: "realtime", about: "the realtime server's replication login (keepr_realtime): no table rights" },
} as const satisfies Record<string, { label: string; sql: SqlRole; who: Who; role?: StaffRole; about: string }>;
export type Identity = keyof typeof identities;
export const identityNames = Object.keys(identities) as Identity[];

/** The kinds of identity a rule names; `staff` rules apply to every staff identity, by group. */
export type Who = "anonymous" | "booking" | "guest" | "staff" | "worker" | "analyst" | "realtime";

/**
 * Which rows a rule reaches:
 * - `own`: the identity's own: the booking of its token, what a signed-in
 *   user booked, their own user row, exports they asked for;
 * - `published`: of published properties (and published room types and
 *   rate plans of them);
 * - `all`: every row;
 * - a staff group: the rows of the properties where the identity's staff
 *   role is in that group;
 * - `<group>:org`: of the organizations where the identity has a role of the
 *   group at some property;
 * - `<group>:folio`: the property's rows that belong to a folio (postings);
 * - `<group>:not_owner`: the property's rows that are not an owner's
 *   (memberships of another role).
 */
export type Scope = "own" | "published" | "all" | StaffGroup | `${StaffGroup}:${"org" | "folio" | "not_owner"}`;
export type Rule = Partial<Record<Who, readonly Scope[]>>;

export interface Write {
  who: Rule;
  /** The columns the database roles of `who` may write; every other column is refused. */
  columns?: readonly string[];
  /** What else the policy asks of a row (printed, and the test's sample row obeys it). */
  note?: string;
}

export interface TableSpec {
  about?: string;
  select: Rule;
  /** Columns no API role (anonymous, booking token, guest, staff) may read. */
  hidden?: readonly string[];
  insert?: Write;
  update?: Write;
  delete?: Omit<Write, "columns">;
  /** Database roles that hold SELECT although none of their identities reads a row (a deviation only). */
  idleSelect?: readonly SqlRole[];
}

/**
 * What a call of a function with property A's ids does:
 * - `anyone`: succeeds for every identity that may execute it;
 * - `guard`: staff of the property whose role is in the group pass; other
 *   staff of the property get `refusal` (DNIED unless said otherwise), and
 *   everyone else NTFND (nothing revealed); with `own`, the guest the
 *   booking belongs to (signed in, or with its booking token) passes too;
 * - `rows`: a security-invoker read: rows for staff of the property in the
 *   group, nothing (no error) for anyone else;
 * - `guestAccount`: only a signed-in guest account (a guest session of
 *   completeGuestSignIn) acts, on its own bookings; no identity of the matrix
 *   is one, so each gets LOGIN_REQUIRED (`"LOGIN"`) or, for a read, nothing
 *   (`"none"`). The accounts' own rows: tests/db/guest_accounts.test.ts.
 */
export type Call =
  | { anyone: true }
  | { guard: StaffGroup; own?: boolean; refusal?: "DNIED" | "NTFND" }
  | { rows: StaffGroup }
  | { guestAccount: "LOGIN" | "none" };

export interface FunctionSpec {
  about?: string;
  /** The database roles that hold EXECUTE (a role inherits its parents': guest ⊃ anonymous, staff ⊃ guest). */
  execute: readonly SqlRole[];
  call: Call;
  /** Calls whose rule depends on the arguments, by name. */
  variants?: Record<string, Call>;
  /** Identities whose calls fail today with this SQLSTATE (a deviation only). */
  fails?: Partial<Record<Identity, string>>;
}

const api = ["anonymous", "guest", "staff"] as const satisfies readonly SqlRole[];
const staffOnly = ["staff"] as const satisfies readonly SqlRole[];

/** Published rows for everyone, and more for staff. */
const publicRows = (...staff: Scope[]): Rule => ({
  anonymous: ["published"], booking: ["published"], guest: ["published"], staff: ["published", ...staff],
});
/** The booking's guest's own rows (token or signed in), the staff group's, and the worker's all. */
const bookingRows = (...staff: Scope[]): Rule => ({ booking: ["own"], guest: ["own"], staff: ["own", ...staff], worker: ["all"] });
const staffRows = (group: StaffGroup, worker = true): Rule => (worker ? { staff: [group], worker: ["all"] } : { staff: [group] });
const staffWrite = (group: StaffGroup, columns?: readonly string[], note?: string): Write => ({
  who: { staff: [group] }, ...(columns ? { columns } : {}), ...(note ? { note } : {}),
});

/** Every table and view of app_public, and every view of reporting. */
export const tables = {
  "app_public.account_balances": { about: "view (security invoker) of ledger_accounts × postings", select: { staff: ["back_office"] } },
  "app_public.allocation_moves": { select: staffRows("front_office", false) },
  "app_public.cash_movements": { about: "cash into and out of shifts' drawers: written by the desk's payment functions only", select: staffRows("cashiers", false) },
  "app_public.cash_shifts": { about: "opened and closed by openCashShift and closeCashShift only", select: staffRows("cashiers", false) },
  "app_public.channel_conflicts": { select: staffRows("front_office") },
  "app_public.channel_feed_events": { select: staffRows("front_office") },
  "app_public.channel_feeds": {
    select: staffRows("front_office"),
    insert: staffWrite("managers", ["property_id", "unit_id", "source", "name", "url", "is_active", "poll_interval_minutes"]),
    update: staffWrite("managers", ["name", "url", "is_active", "poll_interval_minutes"]),
    delete: staffWrite("managers"),
  },
  "app_public.companies": {
    about: "companies billed on account, each with its city-ledger folio (made with it)",
    select: staffRows("cashiers"),
    insert: staffWrite("cashiers", ["property_id", "name", "legal_name", "address_line1", "address_line2", "postal_code", "city", "country", "tax_id", "email",
      "payment_terms_days", "is_active"]),
    update: staffWrite("cashiers", ["name", "legal_name", "address_line1", "address_line2", "postal_code", "city", "country", "tax_id", "email",
      "payment_terms_days", "is_active"]),
  },
  "app_public.exports": { select: { staff: ["own", "managers"], worker: ["all"] } },
  "app_public.fees": {
    select: publicRows("all_staff"),
    insert: staffWrite("back_office", ["property_id", "room_type_id", "name", "basis", "amount", "currency", "is_active"]),
    update: staffWrite("back_office", ["room_type_id", "name", "basis", "amount", "is_active"]),
    delete: staffWrite("back_office"),
  },
  "app_public.folio_balances": { select: bookingRows("cashiers") },
  "app_public.folio_extras": {
    about: "the extras catalogue the desk charges from",
    select: staffRows("cashiers", false),
    insert: staffWrite("managers", ["property_id", "name", "unit_price", "currency", "tax_id", "is_active", "sort_order", "is_bookable", "booking_basis", "max_quantity", "daily_limit"]),
    update: staffWrite("managers", ["name", "unit_price", "tax_id", "is_active", "sort_order", "is_bookable", "booking_basis", "max_quantity", "daily_limit"]),
    delete: staffWrite("managers"),
  },
  "app_public.folios": { select: bookingRows("cashiers") },
  "app_public.guests": {
    about: "guest profiles: a booking token reads its booking's contact (reservations.contact_*), never the profile",
    select: { guest: ["own"], staff: ["own", "cashiers"], worker: ["all"] },
    update: staffWrite("front_office", ["full_name", "phone"]),
  },
  "app_public.guest_merges": { about: "guest profiles merged into another (mergeGuests writes them)", select: staffRows("cashiers") },
  "app_public.guest_unmerges": { about: "merges of guest profiles undone (undoGuestMerge writes them)", select: staffRows("cashiers") },
  "app_public.housekeeping_tasks": {
    select: staffRows("housekeeping_ops"),
    insert: staffWrite("housekeeping_ops", ["property_id", "unit_id", "kind", "due_date", "notes"], "inspection and maintenance tasks only"),
  },
  "app_public.inventory_claims": { select: staffRows("all_staff") },
  "app_public.invoices": { select: { booking: ["own"], guest: ["own"], staff: ["own", "cashiers"] } },
  "app_public.journal_entries": { about: "the desk reads the entries that post to folios", select: { staff: ["back_office", "cashiers:folio"], worker: ["all"] } },
  "app_public.ledger_accounts": {
    select: staffRows("back_office"),
    insert: staffWrite("back_office", ["property_id", "code", "name", "kind"], "accounts without a purpose only"),
    update: staffWrite("back_office", ["name"]),
  },
  "app_public.night_audit_anomalies": { select: staffRows("cashiers", false) },
  "app_public.night_audits": { select: staffRows("cashiers", false) },
  "app_public.notification_templates": {
    select: staffRows("managers"),
    insert: staffWrite("managers", ["property_id", "template", "channel", "language", "subject", "body_text", "body_html"]),
    update: staffWrite("managers", ["subject", "body_text", "body_html"]),
    delete: staffWrite("managers"),
  },
  "app_public.notifications": { select: staffRows("front_office") },
  "app_public.property_legal_details": { select: staffRows("cashiers", false) },
  "app_public.folio_bill_to": { select: staffRows("cashiers", false) },
  "app_public.invoice_deliveries": { select: staffRows("cashiers", false) },
  "app_public.organizations": {
    select: publicRows("all_staff"),
    update: staffWrite("owners", ["name"]),
  },
  "app_public.owners": {
    about: "owners of vacation-rental units (paid out their share)",
    select: { staff: ["back_office"] },
    insert: staffWrite("managers", ["property_id", "name", "email", "commission_percent"]),
    update: staffWrite("managers", ["name", "email", "commission_percent"]),
  },
  "app_public.payment_attempts": { select: bookingRows("cashiers"), hidden: ["payment_token"] },
  "app_public.payment_intents": { select: bookingRows("cashiers"), hidden: ["payment_token"] },
  "app_public.payout_lines": { select: { staff: ["back_office"] } },
  "app_public.payouts": { select: { staff: ["back_office"] } },
  "app_public.postings": { select: bookingRows("back_office", "cashiers:folio") },
  "app_public.properties": {
    select: { ...publicRows("all_staff", "owners:org"), worker: ["all"] },
    insert: {
      who: { staff: ["owners:org"] },
      columns: ["organization_id", "name", "slug", "kind", "time_zone", "currency", "country_code", "city", "address", "description",
        "is_published", "check_in_time", "check_out_time", "photo_urls", "amenities"],
      note: "the creator becomes its owner",
    },
    update: staffWrite("managers", ["name", "slug", "time_zone", "currency", "country_code", "city", "address", "description",
      "is_published", "check_in_time", "check_out_time", "language", "pre_arrival_days", "stayover_clean_nights", "photo_urls", "amenities",
      "no_show_time", "no_show_day_offset", "contact_email", "contact_phone", "arrival_instructions", "desk_max_discount_percent", "registration_card_required"]),
  },
  "app_public.property_translations": {
    about: "the property's description and arrival instructions in another guest language (setPropertyTranslation writes them)",
    select: { ...publicRows("all_staff"), worker: ["all"] },
  },
  "app_public.room_type_translations": {
    about: "a room type's name and description in another guest language (setRoomTypeTranslation), visible with its room type",
    select: { ...publicRows("all_staff"), worker: ["all"] },
  },
  "app_public.rate_plan_translations": {
    about: "a rate plan's name and description in another guest language (setRatePlanTranslation), visible with its rate plan",
    select: { ...publicRows("cashiers"), worker: ["all"] },
  },
  "app_public.languages": {
    about: "the languages Keepr knows, guest_facing ones offered to guests: reference data, written by migrations only",
    select: { anonymous: ["all"], booking: ["all"], guest: ["all"], staff: ["all"], worker: ["all"] },
  },
  "app_public.fee_translations": {
    about: "a fee's name in another guest language (setFeeTranslation), visible with its fee",
    select: publicRows("all_staff"),
  },
  "app_public.extra_translations": {
    about: "an extra's name in another guest language (setExtraTranslation), visible with its extra; guests read it through bookableExtras",
    select: staffRows("cashiers"),
  },
  "app_public.property_memberships": {
    select: staffRows("all_staff"),
    insert: { who: { staff: ["managers:not_owner", "owners"] }, columns: ["property_id", "user_id", "role"] },
    update: { who: { staff: ["managers:not_owner", "owners"] }, columns: ["role"], note: "a property keeps an owner" },
    delete: { who: { staff: ["managers:not_owner", "owners"] }, note: "a property keeps an owner" },
  },
  "app_public.reservation_extras": { about: "a booking's extras at their booked prices: written by createHold only; the worker reads them for the guest's messages", select: staffRows("all_staff") },
  "app_public.promo_codes": { about: "promo codes: written by createPromoCode and setPromoCodeActive only", select: staffRows("managers", false) },
  "app_public.rate_calendar": {
    about: "prices and restrictions per date (what rate_grid shows)",
    select: { staff: ["cashiers"] },
    insert: staffWrite("managers", ["property_id", "rate_plan_id", "date", "price", "min_stay", "max_stay", "closed_to_arrival",
      "closed_to_departure", "stop_sell"]),
    update: staffWrite("managers", ["price", "min_stay", "max_stay", "closed_to_arrival", "closed_to_departure", "stop_sell"]),
    delete: staffWrite("managers"),
  },
  "app_public.rate_plan_los_discounts": {
    select: publicRows("cashiers"),
    insert: staffWrite("managers", ["property_id", "rate_plan_id", "min_nights", "percent_off"]),
    update: staffWrite("managers", ["min_nights", "percent_off"]),
    delete: staffWrite("managers"),
  },
  "app_public.rate_overrides": { about: "the price the desk set for a stay, why and who (createDeskHold writes them)", select: staffRows("cashiers", false) },
  "app_public.rate_plans": {
    select: { ...publicRows("cashiers"), worker: ["all"] },
    insert: staffWrite("managers", ["property_id", "room_type_id", "name", "description", "currency", "base_price", "included_guests",
      "extra_adult_fee", "extra_child_fee", "meal_plan", "min_stay", "max_stay", "is_refundable", "free_cancellation_days",
      "cancellation_penalty_kind", "cancellation_penalty_value", "is_published", "charge_posting", "guest_changes_allowed", "deposit_percent", "balance_due_days", "payment_deadline_hours",
      "parent_rate_plan_id", "adjustment_percent", "adjustment_amount", "rounding_step",
      "child_free_below_age", "child_adult_from_age", "child_supplement_amount", "child_supplement_percent"]),
    update: staffWrite("managers", ["name", "description", "base_price", "included_guests", "extra_adult_fee", "extra_child_fee", "meal_plan",
      "min_stay", "max_stay", "is_refundable", "free_cancellation_days", "cancellation_penalty_kind", "cancellation_penalty_value",
      "is_published", "charge_posting", "guest_changes_allowed", "deposit_percent", "balance_due_days", "payment_deadline_hours",
      "parent_rate_plan_id", "adjustment_percent", "adjustment_amount", "rounding_step",
      "child_free_below_age", "child_adult_from_age", "child_supplement_amount", "child_supplement_percent"]),
    delete: staffWrite("managers"),
  },
  "app_public.reconciliation_differences": {
    select: { staff: ["back_office"] },
    update: staffWrite("back_office", ["resolved_at", "resolution_note"]),
  },
  "app_public.refunds": { select: bookingRows("cashiers") },
  "app_public.registration_cards": {
    about: "the guest's identity document (recordRegistrationCard writes them); analysts read reporting.registration_cards, masked",
    select: staffRows("front_office", false),
  },
  "app_public.booking_groups": {
    about: "group and multi-room bookings, changed only through the group functions; a group's token (lookupBooking with the group code: keepr_anonymous with the claim booking_group_id) reads its group and its rooms, which tests/db/booking_groups.test.ts checks",
    select: { guest: ["own"], staff: ["own", "cashiers"], worker: ["all"] },
    idleSelect: ["anonymous"],
  },
  "app_public.reservations": {
    about: "changed only through the booking functions, but for special requests and the arrival's expected time",
    select: bookingRows("cashiers"),
    update: staffWrite("front_office", ["special_requests", "expected_arrival_time"]),
  },
  "app_public.room_types": {
    select: { ...publicRows("all_staff"), worker: ["all"] },
    insert: staffWrite("managers", ["property_id", "name", "description", "max_occupancy", "is_published", "photo_urls", "amenities", "cot_below_age"]),
    update: staffWrite("managers", ["name", "description", "max_occupancy", "is_published", "photo_urls", "amenities", "cot_below_age"]),
    delete: staffWrite("managers"),
  },
  "app_public.settlement_lines": { about: "the payment provider's settlement lines: the owner's only", select: {} },
  "app_public.settlement_reports": { select: { worker: ["all"] } },
  "app_public.taxes": {
    select: publicRows("all_staff"),
    insert: staffWrite("back_office", ["property_id", "name", "basis", "percent", "amount", "currency", "is_inclusive", "applies_to_fees", "applies_to_penalty", "is_active"]),
    update: staffWrite("back_office", ["name", "basis", "percent", "amount", "is_inclusive", "applies_to_fees", "applies_to_penalty", "is_active"]),
    delete: staffWrite("back_office"),
  },
  "app_public.trial_balance": { about: "view (security invoker) of postings per property and currency", select: { staff: ["back_office"] } },
  "app_public.units": {
    select: staffRows("all_staff"),
    insert: staffWrite("managers", ["property_id", "room_type_id", "name", "housekeeping_status", "is_active"]),
    update: staffWrite("managers", ["room_type_id", "name", "housekeeping_status", "is_active", "owner_id", "ical_token"]),
    delete: staffWrite("managers"),
  },
  "app_public.guest_accounts": {
    about: "a guest account reads its own row (current_guest_account); no identity of the matrix is a guest account",
    select: { worker: ["all"] },
    idleSelect: ["guest", "staff"],
  },
  "app_public.users": {
    about: "staff read their colleagues; a user renames only themselves",
    select: { guest: ["own"], staff: ["own", "all_staff"], worker: ["all"] },
    update: { who: { guest: ["own"], staff: ["own"] }, columns: ["display_name"] },
  },

  // reporting: owned by the owner, security_barrier, PII masked; the analyst's only reach.
  "reporting.folio_balances": { select: { analyst: ["all"] } },
  "reporting.inventory_claims": { select: { analyst: ["all"] } },
  "reporting.invoices": { select: { analyst: ["all"] } },
  "reporting.job_health": { select: { analyst: ["all"] } },
  "reporting.ledger_postings": { select: { analyst: ["all"] } },
  "reporting.occupancy": { about: "also the worker's, for occupancy exports", select: { worker: ["all"], analyst: ["all"] } },
  "reporting.payments": { select: { analyst: ["all"] } },
  "reporting.pickup": { select: { analyst: ["all"] } },
  "reporting.properties": { select: { analyst: ["all"] } },
  "reporting.rate_plans": { select: { analyst: ["all"] } },
  "reporting.reconciliation_differences": { select: { analyst: ["all"] } },
  "reporting.registration_cards": { about: "document number masked, year of birth, no name or address", select: { analyst: ["all"] } },
  "reporting.reservations": { select: { analyst: ["all"] } },
  "reporting.revenue_by_channel": { select: { analyst: ["all"] } },
  "reporting.room_nights": { select: { analyst: ["all"] } },
  "reporting.room_types": { select: { analyst: ["all"] } },
  "reporting.units": { select: { analyst: ["all"] } },
  "reporting.users": { select: { analyst: ["all"] } },
} as const satisfies Record<string, TableSpec>;
export type TableName = keyof typeof tables;

/** Every function of app_public, by its exact signature. */
export const functions = {
  // Accounts and identity.
  "app_public.register(text,text,text)": { execute: api, call: { anyone: true } },
  "app_public.login(text,text)": { execute: api, call: { anyone: true } },
  "app_public.logout()": { execute: api, call: { anyone: true } },
  'app_public."current_user"()': { about: "the signed-in user, or null", execute: api, call: { anyone: true } },
  // Guest accounts and passwordless sign-in (issue 22): docs/security.md#guest-accounts.
  "app_public.request_guest_sign_in(text,text)": { about: "the same answer for any email; throttled", execute: api, call: { anyone: true } },
  "app_public.complete_guest_sign_in(text)": { about: "with an emailed link's secret: a guest account's token", execute: api, call: { anyone: true } },
  "app_public.current_guest_account()": { about: "the signed-in guest account, or null", execute: ["guest", "staff"], call: { anyone: true } },
  "app_public.update_guest_account(text,text,text,text)": { about: "the guest account's saved details", execute: ["guest", "staff"], call: { guestAccount: "LOGIN" } },
  "app_public.attach_booking(text,text)": { about: "a booking made without the account, by its code and email", execute: ["guest", "staff"], call: { guestAccount: "LOGIN" } },
  "app_public.my_bookings()": { about: "the guest account's bookings", execute: ["guest", "staff"], call: { guestAccount: "none" } },
  "app_public.guest_booking_token(uuid)": { about: "a booking token for one of the account's bookings (Manage)", execute: ["guest", "staff"], call: { guestAccount: "LOGIN" } },
  "app_public.lookup_booking(text,text)": { execute: api, call: { anyone: true } },
  "app_public.current_booking()": { about: "the booking token's reservation (row-level security still applies), or null", execute: api, call: { anyone: true } },
  "app_public.property_by_slug(text)": { execute: api, call: { anyone: true } },
  "app_public.unit_calendar(text)": { about: "a unit's calendar by its iCal token", execute: api, call: { anyone: true } },

  // Booking.
  "app_public.search_availability(date,date,integer,integer,uuid,text,text,boolean,text,integer[])": { execute: api, call: { anyone: true } },
  "app_public.nearest_stays(uuid[],date,date,integer,integer,integer)": { execute: api, call: { anyone: true } },
  "app_public.room_type_held_until(uuid,date,date)": { execute: api, call: { anyone: true } },
  "app_public.quote(uuid,date,date,integer,integer,text,jsonb,integer[])": { execute: api, call: { anyone: true } },
  "app_public.bookable_extras(uuid,text)": { execute: api, call: { anyone: true } },
  "app_public.create_hold(text,text,integer)": { execute: api, call: { anyone: true } },
  "app_public.desk_quote(uuid,date,date,integer,integer,uuid,bigint,numeric,text,text,integer[])": { about: "the desk's quote: a unit it chose, a rate override with its reason", execute: staffOnly, call: { guard: "front_office" } },
  "app_public.create_desk_hold(text,text,integer)": { about: "holds a desk quote's stay at its price", execute: staffOnly, call: { guard: "front_office" } },
  "app_public.reservations_rate_override(app_public.reservations)": { execute: staffOnly, call: { anyone: true } },
  "app_public.confirm_booking(uuid,text,text,text,text,text,text)": {
    about: "only whoever made the hold confirms it",
    execute: api,
    call: { guard: "front_office", own: true, refusal: "NTFND" },
    variants: { "with the hold token": { anyone: true } },
  },
  // Group and multi-room bookings (issues 21 and 22).
  "app_public.quote_group(app_public.group_room[],date,date,text)": { execute: api, call: { anyone: true } },
  "app_public.create_group_hold(text,text,text,integer)": { execute: api, call: { anyone: true } },
  "app_public.confirm_group(uuid,text,text,text,text,text,text,text[])": {
    about: "only whoever made the group hold confirms it",
    execute: api,
    call: { guard: "front_office", own: true, refusal: "NTFND" },
    variants: { "with the hold token": { anyone: true } },
  },
  "app_public.cancel_group(uuid,text,text)": { about: "own: the signed-in guest who made the group, or the group's token; a room's booking token is refused (NOT_FOUND)", execute: api, call: { guard: "front_office", own: true } },
  "app_public.set_room_guest_name(uuid,text)": { about: "the rooming list", execute: api, call: { guard: "front_office", own: true } },
  "app_public.quote_group_change(uuid,date,date)": { about: "prices a group's change of dates; own: the signed-in guest who made the group, or the group's token", execute: api, call: { guard: "front_office", own: true } },
  "app_public.change_group_dates(uuid,text,date,date)": { about: "every room of the group moved, or none; own as for cancel_group", execute: api, call: { guard: "front_office", own: true } },
  "app_public.add_group_room(uuid,text,uuid,integer,integer,text,integer[])": { about: "one more room for a confirmed group's dates; own as for cancel_group", execute: api, call: { guard: "front_office", own: true } },
  "app_public.quote_group_room(uuid,uuid,integer,integer,integer[])": { about: "the price add_group_room charges, with the group's promo code; own as for add_group_room", execute: api, call: { guard: "front_office", own: true } },
  "app_public.room_combinations(uuid,date,date,integer,integer,integer,integer,integer[])": { execute: api, call: { anyone: true } },
  "app_public.quote_change(uuid,date,date,integer,integer,integer[])": { execute: api, call: { guard: "front_office", own: true, refusal: "NTFND" } },
  "app_public.modify_reservation(uuid,text,date,date,integer,integer,uuid,uuid,integer[])": { execute: api, call: { guard: "front_office", own: true } },
  "app_public.cancel_reservation(uuid,text,text)": { execute: api, call: { guard: "front_office", own: true } },
  "app_public.check_in(uuid,text,boolean,boolean)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.set_do_not_disturb(uuid,boolean)": { about: "the guest in house hung do-not-disturb today", execute: staffOnly, call: { guard: "housekeeping_ops" } },
  "app_public.update_property_content(uuid,timestamp with time zone,text,text[],text[],time without time zone,time without time zone,text,text,text,text,double precision,double precision,boolean,smallint,text,bigint,text,text,bigint,text,text,boolean,text)": {
    about: "managers save the property's guest-facing content", execute: staffOnly, call: { guard: "managers" },
  },
  "app_public.create_promo_code(uuid,text,numeric,bigint,uuid[],date,date,date,date,integer)": {
    about: "managers create the property's promo codes", execute: staffOnly, call: { guard: "managers" },
  },
  "app_public.set_promo_code_active(uuid,boolean)": {
    about: "managers deactivate (or reactivate) a promo code", execute: staffOnly, call: { guard: "managers" },
  },
  "app_public.set_property_translation(uuid,text,text,text)": {
    about: "managers translate the property's description and arrival instructions", execute: staffOnly, call: { guard: "managers" },
  },
  "app_public.set_room_type_translation(uuid,text,text,text)": {
    about: "managers translate a room type's name and description", execute: staffOnly, call: { guard: "managers" },
  },
  "app_public.set_rate_plan_translation(uuid,text,text,text)": {
    about: "managers translate a rate plan's name and description", execute: staffOnly, call: { guard: "managers" },
  },
  "app_public.set_fee_translation(uuid,text,text)": { about: "managers translate a fee's name", execute: staffOnly, call: { guard: "managers" } },
  "app_public.set_extra_translation(uuid,text,text)": { about: "managers translate an extra's name", execute: staffOnly, call: { guard: "managers" } },
  "app_public.set_reservation_language(uuid,text)": { about: "the desk records the language the guest is written to in", execute: staffOnly, call: { guard: "front_office" } },
  "app_public.room_types_name_in(app_public.room_types,text)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.room_types_description_in(app_public.room_types,text)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.rate_plans_name_in(app_public.rate_plans,text)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.rate_plans_description_in(app_public.rate_plans,text)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.fees_name_in(app_public.fees,text)": { execute: api, call: { anyone: true } },
  "app_public.properties_description_in(app_public.properties,text)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.properties_arrival_instructions_in(app_public.properties,text)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.record_registration_card(uuid,text,app_public.identity_document_type,text,text,text,date,date,date,text)": {
    about: "the desk records the guest's identity document", execute: staffOnly, call: { guard: "front_office" },
  },
  "app_public.check_out(uuid,text)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.mark_no_show(uuid,text)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.move_unit(uuid,uuid,text)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.create_block(uuid,date,date,app_public.claim_kind,text,text)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.release_block(uuid,text)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.reservation_history(uuid)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.set_rates(uuid,date,date,text,bigint,integer,integer,boolean,boolean,boolean,integer[],boolean)": { execute: staffOnly, call: { guard: "managers" } },
  "app_public.rate_grid(uuid,date,date)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.tape_chart_claims(uuid,date,date)": { execute: staffOnly, call: { rows: "all_staff" } },
  "app_public.front_desk_day(uuid,date)": { execute: staffOnly, call: { rows: "cashiers" } },
  "app_public.payment_due_reservations(uuid)": { execute: staffOnly, call: { rows: "cashiers" } },
  // The staff console's reservations list, history in words and guest details (issue 21).
  "app_public.search_reservations(uuid,text,boolean)": { about: "the reservations list, searched by guest name, email, phone or code", execute: staffOnly, call: { rows: "cashiers" } },
  "app_public.reservation_timeline(uuid)": { about: "a reservation's history in words", execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.update_reservation_guest(uuid,text,text,text)": { about: "the desk corrects the guest's name, email and phone", execute: staffOnly, call: { guard: "front_office" } },
  "app_public.search_guests(uuid,text)": { about: "the Guests list, searched by name, email, phone or a booking's code", execute: staffOnly, call: { rows: "cashiers" } },
  "app_public.update_guest(uuid,text,text,text,boolean,text,text)": { about: "the desk edits a guest profile", execute: staffOnly, call: { guard: "front_office" } },
  "app_public.merge_guests(uuid,uuid)": { about: "the desk merges two profiles of one guest", execute: staffOnly, call: { guard: "front_office" } },
  "app_public.undo_guest_merge(uuid)": { about: "the desk undoes a merge of two profiles", execute: staffOnly, call: { guard: "front_office" } },

  // Computed columns (called with a row the caller already reads).
  "app_public.reservations_arrival(app_public.reservations)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.reservations_departure(app_public.reservations)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.reservations_nights(app_public.reservations)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.reservations_change_refusal(app_public.reservations)": { execute: api, call: { anyone: true } },
  "app_public.reservations_hold_state(app_public.reservations)": { execute: api, call: { anyone: true } },
  "app_public.reservations_cancellation_penalty_now(app_public.reservations)": { execute: api, call: { anyone: true } },
  "app_public.reservations_unpaid_prepayment(app_public.reservations)": { execute: api, call: { anyone: true } },
  "app_public.reservations_no_show_from(app_public.reservations)": { execute: api, call: { anyone: true } },
  "app_public.reservations_card_on_file(app_public.reservations)": { execute: api, call: { anyone: true } },
  "app_public.inventory_claims_start_date(app_public.inventory_claims)": { execute: ["staff", "worker"], call: { anyone: true } },
  "app_public.inventory_claims_end_date(app_public.inventory_claims)": { execute: ["staff", "worker"], call: { anyone: true } },
  "app_public.booking_groups_total_amount(app_public.booking_groups)": { execute: api, call: { anyone: true } },
  "app_public.reservations_folio(app_public.reservations)": { about: "the primary folio", execute: [...api, "worker"], call: { anyone: true } },
  "app_public.guests_stays_count(app_public.guests)": { execute: staffOnly, call: { anyone: true } },
  "app_public.guests_nights_count(app_public.guests)": { execute: staffOnly, call: { anyone: true } },
  "app_public.guests_total_spend(app_public.guests)": { about: "null unless cashiers of the guest's property", execute: staffOnly, call: { anyone: true } },
  "app_public.guests_duplicates(app_public.guests)": { execute: staffOnly, call: { anyone: true } },
  "app_public.guests_merges(app_public.guests)": { execute: staffOnly, call: { anyone: true } },
  "app_public.folios_due_at_check_out(app_public.folios)": { execute: [...api, "worker"], call: { anyone: true } },
  "app_public.cash_shifts_expected_cash(app_public.cash_shifts)": { execute: staffOnly, call: { anyone: true } },
  "app_public.companies_folio(app_public.companies)": { about: "the company's city-ledger folio", execute: ["staff", "worker"], call: { anyone: true } },

  // Money.
  "app_public.pay(uuid,text,text)": { execute: api, call: { guard: "cashiers", own: true } },
  "app_public.attach_payment_method(uuid,text,text,text,text)": { execute: api, call: { guard: "cashiers", own: true } },
  "app_public.charge_card_on_file(uuid,bigint,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.extend_payment_deadline(uuid,timestamp with time zone,text,text)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.waive_payment_guarantee(uuid,text,text)": { execute: staffOnly, call: { guard: "managers" } },
  "app_public.refund_payment(uuid,bigint,text,text)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.issue_invoice(uuid,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.issue_credit_note(uuid,text,text)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.set_property_legal_details(uuid,text,text,text,text,text,text,text,text,text,text,text,text)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.set_folio_bill_to(uuid,text,text,text,text,text,text,text,text,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.folios_bill_to(app_public.folios)": { about: "null unless the caller is a cashier of the folio's property", execute: staffOnly, call: { anyone: true } },
  "app_public.send_invoice(uuid,text,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.folio_list(uuid,app_public.folio_status,boolean)": { execute: staffOnly, call: { rows: "cashiers" } },
  "app_public.journal_entries_between(uuid,date,date,uuid)": { execute: staffOnly, call: { rows: "back_office" } },
  "app_public.run_payouts(uuid,date,text)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.mark_payout_paid(uuid,text)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.owner_statement(uuid,date,date)": { execute: staffOnly, call: { rows: "back_office" } },
  "app_public.run_night_audit(uuid)": { execute: staffOnly, call: { guard: "managers" } },

  // At the desk (docs/ledger.md, "At the desk").
  "app_public.post_folio_charge(uuid,uuid,integer,text,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.post_folio_allowance(uuid,bigint,text,text)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.correct_folio_entry(uuid,uuid,text,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.take_folio_payment(uuid,app_public.desk_payment_method,bigint,text,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.refund_folio_payment(uuid,app_public.desk_payment_method,bigint,text,boolean,text)": {
    execute: staffOnly,
    call: { guard: "cashiers" },
    variants: { goodwill: { guard: "back_office" } },
  },
  "app_public.open_cash_shift(uuid,bigint,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.close_cash_shift(uuid,bigint,text,text)": { about: "a colleague's shift: the back office (the cashier who opened it closes their own)", execute: staffOnly, call: { guard: "back_office" } },
  "app_public.create_folio(uuid,text,uuid,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.route_folio_postings(uuid,uuid,uuid[],text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.transfer_folio_to_city_ledger(uuid,uuid,text)": { execute: staffOnly, call: { guard: "cashiers" } },
  "app_public.ar_aging(uuid,date)": { execute: staffOnly, call: { guard: "back_office" } },

  // Reports and exports.
  "app_public.occupancy_report(uuid,date,date)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.on_the_books_report(uuid,date,date,timestamp with time zone)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.pickup_report(uuid,date,date)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.city_tax_report(uuid,date,date)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.channel_revenue_report(uuid,date,date)": { execute: staffOnly, call: { guard: "back_office" } },
  "app_public.request_export(uuid,app_public.export_kind,date,date)": {
    execute: staffOnly,
    call: { guard: "cashiers" },
    variants: { guests: { guard: "managers" }, ledger: { guard: "back_office" }, occupancy: { guard: "back_office" } },
  },

  // Channels.
  "app_public.sync_channel_feed_now(uuid)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.resolve_channel_conflict(uuid,text)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.accept_channel_feed_change(uuid)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.pin_reservation_unit(uuid,boolean)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.channel_feeds_pending_change(app_public.channel_feeds)": { execute: staffOnly, call: { rows: "front_office" } },
  "app_public.channel_reconciliation(uuid)": { execute: staffOnly, call: { guard: "front_office" } },
  "app_public.open_channel_conflicts(uuid)": { execute: staffOnly, call: { rows: "front_office" } },

  // Housekeeping.
  "app_public.housekeeping_board(uuid,date)": { execute: staffOnly, call: { rows: "housekeeping_ops" } },
  "app_public.housekeeping_stays(uuid,date)": { about: "the day's stays without names or money", execute: staffOnly, call: { guard: "housekeeping_ops" } },
  "app_public.set_unit_status(uuid,app_public.housekeeping_status,text)": { execute: staffOnly, call: { guard: "housekeeping_ops" } },
  "app_public.assign_housekeeping_task(uuid,uuid)": { about: "a supervisor gives a task to an attendant", execute: staffOnly, call: { guard: "housekeeping_supervisors" } },
  "app_public.assign_housekeeping_tasks(uuid[],uuid)": { about: "a supervisor gives several tasks to an attendant, all or none", execute: staffOnly, call: { guard: "housekeeping_supervisors" } },
  "app_public.set_housekeeping_task_priority(uuid,app_public.housekeeping_priority)": { about: "normal, high or urgent", execute: staffOnly, call: { guard: "housekeeping_supervisors" } },
  "app_public.update_housekeeping_task(uuid,app_public.housekeeping_task_status,text)": {
    execute: staffOnly,
    call: { guard: "housekeeping_ops" },
    variants: { cancelled: { guard: "managers" } },
  },
} as const satisfies Record<string, FunctionSpec>;
export type FunctionName = keyof typeof functions;

/**
 * Where the database does not do yet what the declaration above says: what
 * it does today (the same fields, as they are today), why that is wrong and
 * the SQL that fixes it. The test expects today's behaviour for these (and
 * fails once the SQL is fixed: then delete the entry); docs/security.md
 * marks the cells with ‡.
 */
export interface Deviation {
  object: TableName | FunctionName;
  today: Partial<TableSpec> | Partial<FunctionSpec>;
  why: string;
  fix: string;
}

export const deviations: readonly Deviation[] = [];

// ---------------------------------------------------------------------------
// The table docs/security.md prints.
// ---------------------------------------------------------------------------

export const accessTableStart = "<!-- access-table:start -->";
export const accessTableEnd = "<!-- access-table:end -->";

type Roles = Record<StaffGroup, readonly StaffRole[]>;

const columnIdentities = ["anonymous", "booking", "guest", "owner", "manager", "front_desk", "housekeeping", "housekeeping_supervisor", "accountant", "worker", "analyst", "realtime"] as const satisfies readonly Identity[];

/** The scopes a rule gives an identity of property A (groups resolved to whether its role is in them). */
function scopesFor(rule: Rule | undefined, identity: Identity, groups: Roles): string[] {
  const id: { who: Who; role?: StaffRole } = identities[identity];
  const scopes = rule?.[id.who] ?? [];
  const out: string[] = [];
  for (const scope of scopes) {
    if (scope === "own" || scope === "published" || scope === "all") out.push(scope);
    else {
      const [group, suffix] = scope.split(":") as [StaffGroup, string | undefined];
      if (id.role && groups[group].includes(id.role)) out.push(suffix ?? "property");
    }
  }
  // The property's rows cover its folio and non-owner rows.
  return [...new Set(out.includes("property") ? out.filter((s) => s !== "folio" && s !== "not_owner") : out)];
}

const scopeLabel: Record<string, string> = { own: "own", published: "pub", all: "all", property: "prop", org: "org", folio: "folio", not_owner: "non-owner" };

function ruleCell(letter: string, scopes: string[]): string {
  if (scopes.length === 0) return "";
  const words = scopes.map((s) => scopeLabel[s] ?? s);
  return words.length === 1 && words[0] === "prop" ? letter : `${letter} ${words.join("+")}`;
}

/** A rule's scopes for staff, groups by name. */
function staffRule(rule: Rule | undefined): string {
  return (rule?.staff ?? []).map((s) => (s === "published" ? "pub" : s)).join(", ");
}

function tableCells(spec: TableSpec, identity: Identity, groups: Roles): string {
  const parts = [
    ruleCell("S", scopesFor(spec.select, identity, groups)),
    ruleCell("I", scopesFor(spec.insert?.who, identity, groups)),
    ruleCell("U", scopesFor(spec.update?.who, identity, groups)),
    ruleCell("D", scopesFor(spec.delete?.who, identity, groups)),
  ].filter(Boolean);
  return mergeLetters(parts);
}

/** "S", "U", "D" with the same scope read as "SUD". */
function mergeLetters(parts: string[]): string {
  const byScope = new Map<string, string>();
  for (const part of parts) {
    const [letter, rest = ""] = [part[0]!, part.slice(2)];
    byScope.set(rest, (byScope.get(rest) ?? "") + letter);
  }
  return [...byScope].map(([scope, letters]) => (scope ? `${letters} ${scope}` : letters)).join("; ");
}

function staffCell(spec: TableSpec): string {
  const parts: string[] = [];
  const ops: Array<[string, Rule | undefined]> = [["S", spec.select], ["I", spec.insert?.who], ["U", spec.update?.who], ["D", spec.delete?.who]];
  const byGroups = new Map<string, string>();
  for (const [letter, rule] of ops) {
    const named = staffRule(rule);
    if (named) byGroups.set(named, (byGroups.get(named) ?? "") + letter);
  }
  for (const [named, letters] of byGroups) parts.push(`${letters} ${named}`);
  return parts.join("; ");
}

function callOutcome(call: Call, fn: FunctionSpec, identity: Identity, groups: Roles): string {
  const id: { sql: SqlRole; role?: StaffRole } = identities[identity];
  if (!fn.execute.includes(id.sql)) return "";
  if ("anyone" in call) return "X";
  if ("guestAccount" in call) return call.guestAccount === "LOGIN" ? "(LOGIN)" : "X (no rows)";
  if ("rows" in call) return id.role && groups[call.rows].includes(id.role) ? "X" : "X (no rows)";
  if (id.role && groups[call.guard].includes(id.role)) return "X";
  if (call.own && (identity === "booking" || identity === "guest")) return "X own";
  return id.role ? `(${call.refusal ?? "DNIED"})` : "(NTFND)";
}

function functionCells(fn: FunctionSpec, identity: Identity, groups: Roles): string {
  const main = callOutcome(fn.call, fn, identity, groups);
  const variants = Object.entries(fn.variants ?? {}).map(([name, call]) => {
    const outcome = callOutcome(call, fn, identity, groups);
    return outcome === main ? "" : `${name}: ${outcome || "—"}`;
  }).filter(Boolean);
  return [main, ...variants].filter(Boolean).join("; ");
}

function functionStaffCell(fn: FunctionSpec): string {
  const describe = (call: Call) =>
    "anyone" in call ? "anyone" : "guestAccount" in call ? "guest account" : "rows" in call ? `rows: ${call.rows}` : `${call.guard}${call.own ? " + own" : ""}`;
  const main = describe(fn.call);
  const variants = Object.entries(fn.variants ?? {}).map(([name, call]) => `${name}: ${describe(call)}`);
  return [main, ...variants].join("; ");
}

const cell = (text: string) => (text ? text.replace(/\|/g, "\\|") : "—");

/**
 * The Markdown docs/security.md holds between the access-table markers:
 * the staff role groups (roles from the SQL), then every table, view and
 * function × every identity, with a legend and the known deviations.
 */
export function renderAccessTable(groups: Roles, spec = { tables, functions, deviations }): string {
  const lines: string[] = [];
  const deviating = new Set(spec.deviations.map((d) => d.object as string));
  lines.push("Staff role groups (`app_hidden.staff_group_roles`; policies, guards and the console's menus name these):", "");
  lines.push(`| group | ${staffRoles.map((r) => r.replace("_", " ")).join(" | ")} | for |`);
  lines.push(`|---|${staffRoles.map(() => ":-:").join("|")}|---|`);
  for (const group of staffGroupNames) {
    lines.push(`| \`${group}\` | ${staffRoles.map((r) => (groups[group].includes(r) ? "✓" : "")).join(" | ")} | ${staffGroups[group]} |`);
  }
  lines.push("");
  lines.push(
    "Cells: **S** select, **I** insert, **U** update, **D** delete, of the rows: *own* the identity's own (its booking, " +
      "what it booked signed in, its user row, exports it asked for), *pub* of published properties (and their published " +
      "room types and rate plans), *prop* the property's (no word: the property's only), *org* the organization's, *folio* " +
      "the property's postings to folios, *non-owner* the property's memberships but owners', *all* every row. **X** " +
      "execute: *own* for the guest's own booking (signed in or by its token), *(DNIED)* or *(NTFND)* refused, " +
      "*(no rows)* runs and finds nothing. — nothing at all (42501 for what it holds no grant on). The *staff* column " +
      "is the rule, by group; the role columns are its effect for staff of the property. Staff of another property get " +
      "none of its rows but published ones. ‡ The database differs today: see below.",
  );
  lines.push("");
  const abouts = new Map<string, string[]>();
  for (const i of identityNames) abouts.set(identities[i].about, [...(abouts.get(identities[i].about) ?? []), `*${identities[i].label}*`]);
  lines.push(`Identities: ${[...abouts].map(([about, names]) => `${names.join(", ")}: ${about}`).join("; ")}.`);
  lines.push("");
  const labels = columnIdentities.map((i) => identities[i].label);
  const header = ["table / view", ...labels.slice(0, 3), "staff", ...labels.slice(3)];
  lines.push(`| ${header.join(" | ")} |`);
  lines.push(`|${header.map(() => "---").join("|")}|`);
  for (const [name, t] of Object.entries(spec.tables) as Array<[string, TableSpec]>) {
    const hidden = t.hidden?.length ? ` (${t.hidden.map((c) => `\`${c}\``).join(", ")}: worker only)` : "";
    const notes = [t.insert?.note, t.update?.note, t.delete?.note].filter((n): n is string => !!n);
    const name_ = `\`${name.replace(/^app_public\./, "")}\`${hidden}${deviating.has(name) ? " ‡" : ""}`;
    const cells = columnIdentities.map((i) => tableCells(t, i, groups));
    const staff = staffCell(t) + (notes.length ? ` (${[...new Set(notes)].join("; ")})` : "");
    lines.push(`| ${[name_, ...cells.slice(0, 3), staff, ...cells.slice(3)].map(cell).join(" | ")} |`);
  }
  lines.push("");
  const fheader = ["function", ...labels.slice(0, 3), "staff", ...labels.slice(3)];
  lines.push(`| ${fheader.join(" | ")} |`);
  lines.push(`|${fheader.map(() => "---").join("|")}|`);
  for (const [name, f] of Object.entries(spec.functions) as Array<[string, FunctionSpec]>) {
    const short = name.replace(/^app_public\./, "").replace(/\(.*\)$/, "").replace(/"/g, "");
    const cells = columnIdentities.map((i) => functionCells(f, i, groups));
    lines.push(`| ${[`\`${short}\`${deviating.has(name) ? " ‡" : ""}`, ...cells.slice(0, 3), functionStaffCell(f), ...cells.slice(3)].map(cell).join(" | ")} |`);
  }
  if (spec.deviations.length) {
    lines.push("", "‡ Deviations: what the database does today, and the fix.", "");
    for (const d of spec.deviations) lines.push(`- \`${d.object}\`: ${d.why} Fix: \`${d.fix}\``);
  }
  return lines.join("\n");
}
