// The world tests/db/access_matrix.test.ts checks access against, written once
// and committed: properties A and B (published, of two organizations), each
// with staff of every role and a row in every table, made the way the
// product makes them (the booking, money, channel and housekeeping
// functions) or, for what only jobs write, as the owner; an unpublished
// property U in A's organization and an organization Z with only an
// unpublished property. A signed-in guest booked at A (guest B's twin at B),
// and an anonymous booking at A has a booking token.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { addDays, confirm, confirmGroup, hold, holdGroup, localDate, newKey, quote, quoteGroup } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";
import { staffRoles, type StaffRole } from "./access-spec.ts";

type Client = pg.PoolClient;

export interface Place {
  label: "A" | "B";
  organizationId: string;
  propertyId: string;
  slug: string;
  timeZone: string;
  today: string;
  roomTypeId: string;
  ratePlanId: string;
  /** An unpublished rate plan, with a rate calendar date and a length-of-stay discount. */
  privatePlanId: string;
  unitIds: string[];
  staff: Record<StaffRole, string>;
  /** A user who is no one's colleague yet (for new memberships). */
  outsiderId: string;
  ownerId: string;
  feedId: string;
  conflictId: string;
  taskId: string;
  blockId: string;
  payoutId: string;
  /** Bookings: the signed-in guest's, the token's (anonymous), a walk-in arriving today, one checked in. */
  res: { guest: string; token: string; today: string; inhouse: string };
  /** Holds: the signed-in guest's, and an anonymous one with its hold token. */
  holds: { guest: string; anon: string; anonToken: string };
  /** Booking groups of two rooms: the signed-in guest's (confirmed), an anonymous one held (with its hold token), and a group quote's token. */
  groups: { guest: string; anonHeld: string; anonToken: string; quoteToken: string };
  /** Folios: the guest's booking's, the walk-in's (an extra charged and paid in cash), the token booking's (in credit). */
  folios: { guest: string; today: string; token: string };
  /** The desk: an extra of the catalogue, a company, another cashier's open cash shift, the walk-in's extra (its entry) and second folio. */
  desk: { extraId: string; companyId: string; shiftId: string; chargeEntryId: string; extraFolioId: string };
  intents: { guestDeposit: string; guestBalance: string; token: string };
  /** A promo code (WELCOME10, 10% off, unlimited). */
  promoCodeId: string;
  invoiceId: string;
  quoteToken: string;
  /** A front-desk quote (deskQuote) with a discount and its reason, for createDeskHold. */
  deskQuoteToken: string;
  token: { code: string; email: string };
  icalToken: string;
  /** Two guest profiles of one person (the desk merges dupe into keep), without bookings. */
  guests: { keep: string; dupe: string; merge: string };
  /** Rows the delete checks may remove: nothing refers to them. */
  spare: Record<string, string>;
}

export interface World {
  a: Place;
  b: Place;
  unpublished: { organizationId: string; propertyId: string };
  orphanOrganizationId: string;
  guest: { id: string; email: string };
  guestB: { id: string; email: string };
  /** Sessions (app_private.sessions) by user id. */
  sessions: Map<string, string>;
  reportId: string;
  labels: Map<string, string>;
  /** A guest account (signed in once), and the secret of an unused sign-in link of another email (completeGuestSignIn). */
  guestAccountId: string;
  guestSignInToken: string;
}

const one = async (c: Client, sql: string, params: unknown[] = []) => (await c.query<{ id: string }>(sql, params)).rows[0]!.id;

async function become(c: Client, role: string, userId?: string): Promise<void> {
  await c.query("reset role");
  const session = userId ? await one(c, "insert into app_private.sessions (user_id) values ($1) returning id", [userId]) : "";
  await c.query("select set_config('jwt.claims.session_id', $1, true), set_config('jwt.claims.reservation_id', '', true)", [session]);
  await c.query(`set local role ${role}`);
}
/** The owner, with no one's claims (a session left set would make the owner's inserts someone's: new properties get their creator as owner). */
async function asOwner(c: Client): Promise<void> {
  await c.query("reset role");
  await c.query("select set_config('jwt.claims.session_id', '', true), set_config('jwt.claims.reservation_id', '', true)");
}

async function user(c: Client, tag: string, name: string): Promise<{ id: string; email: string }> {
  const email = `${name}-${tag}@test.example`;
  const id = await one(c, "insert into app_public.users (email, display_name) values ($1, $2) returning id", [email, name]);
  await c.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, public.crypt($2, public.gen_salt('bf', 4)))", [id, fixturePassword]);
  return { id, email };
}

async function place(c: Client, label: "A" | "B", tag: string, guest: { id: string; email: string }): Promise<Place> {
  const timeZone = "Europe/Lisbon";
  const today = localDate(timeZone);
  const slug = `property-${label.toLowerCase()}-${tag}`;
  const organizationId = await one(c, "insert into app_public.organizations (name, slug) values ($1, $2) returning id", [`Org ${label}`, `org-${label.toLowerCase()}-${tag}`]);
  const propertyId = await one(
    c,
    `insert into app_public.properties (organization_id, name, slug, kind, time_zone, currency, country_code, city, is_published)
     values ($1, $2, $3, 'vacation_rental', $4, 'EUR', 'PT', 'Lisbon', true) returning id`,
    [organizationId, `Property ${label}`, slug, timeZone],
  );
  await c.query(
    `insert into app_public.property_legal_details (property_id, legal_name, address_line1, postal_code, city, country_code, vat_id)
     values ($1, $2, 'Rua 1', '1100-001', 'Lisboa', 'PT', 'PT500000000')`,
    [propertyId, `Property ${label} Lda`],
  );
  await c.query("insert into app_public.property_translations (property_id, language, description) values ($1, 'pt', $2)", [propertyId, `Propriedade ${label}`]);
  const roomTypeId = await one(c, "insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Double', 3) returning id", [propertyId]);
  const ratePlanId = await one(
    c,
    `insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, deposit_percent, free_cancellation_days)
     values ($1, $2, 'Flexible', 'EUR', 10000, 50, 3) returning id`,
    [propertyId, roomTypeId],
  );
  const privatePlanId = await one(
    c,
    "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price, is_published) values ($1, $2, 'Corporate', 'EUR', 8000, false) returning id",
    [propertyId, roomTypeId],
  );
  await c.query("insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, 7500)", [propertyId, privatePlanId, addDays(today, 60)]);
  await c.query("insert into app_public.rate_plan_los_discounts (property_id, rate_plan_id, min_nights, percent_off) values ($1, $2, 7, 10)", [propertyId, privatePlanId]);
  const ownerId = await one(c, "insert into app_public.owners (property_id, name, email, commission_percent) values ($1, 'Maria Owner', 'maria@example.com', 20) returning id", [propertyId]);
  const unitIds: string[] = [];
  for (let i = 1; i <= 4; i++) {
    unitIds.push(await one(c, "insert into app_public.units (property_id, room_type_id, name, owner_id) values ($1, $2, $3, $4) returning id", [propertyId, roomTypeId, `${label}${i}`, ownerId]));
  }
  const cleaningId = await one(c, "insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Cleaning', 'per_stay', 3000, 'EUR') returning id", [propertyId]);
  await c.query("insert into app_public.fee_translations (property_id, fee_id, language, name) values ($1, $2, 'pt', $3)", [propertyId, cleaningId, `Limpeza ${label}`]);
  await c.query("insert into app_public.room_type_translations (property_id, room_type_id, language, name) values ($1, $2, 'pt', $3)", [propertyId, roomTypeId, `Duplo ${label}`]);
  await c.query("insert into app_public.rate_plan_translations (property_id, rate_plan_id, language, name) values ($1, $2, 'pt', $3)", [propertyId, privatePlanId, `Empresas ${label}`]);
  await c.query("insert into app_public.taxes (property_id, name, basis, amount, currency) values ($1, 'City tax', 'per_person_night', 200, 'EUR')", [propertyId]);
  await c.query(
    "insert into app_public.notification_templates (property_id, template, channel, language, subject, body_text) values ($1, 'confirmation', 'email', 'pt', 'Reserva', 'Obrigado')",
    [propertyId],
  );

  const staff = {} as Record<StaffRole, string>;
  for (const role of staffRoles) {
    staff[role] = (await user(c, tag, `${role}-${label.toLowerCase()}`)).id;
    await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, $3)", [propertyId, staff[role], role]);
  }
  const outsiderId = (await user(c, tag, `outsider-${label.toLowerCase()}`)).id;

  // Spare rows, for deletes.
  const spareRoomType = await one(c, "insert into app_public.room_types (property_id, name, max_occupancy, is_published) values ($1, 'Attic', 2, false) returning id", [propertyId]);
  const spare: Record<string, string> = {
    "app_public.room_types": spareRoomType,
    "app_public.units": await one(c, "insert into app_public.units (property_id, room_type_id, name, is_active) values ($1, $2, 'spare', false) returning id", [propertyId, roomTypeId]),
    "app_public.rate_plans": await one(c, "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price) values ($1, $2, 'Spare', 'EUR', 9000) returning id", [propertyId, roomTypeId]),
    "app_public.fees": await one(c, "insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Spare fee', 'per_night', 100, 'EUR') returning id", [propertyId]),
    "app_public.taxes": await one(c, "insert into app_public.taxes (property_id, name, basis, amount, currency, is_active) values ($1, 'Spare tax', 'per_night', 100, 'EUR', false) returning id", [propertyId]),
    "app_public.notification_templates": await one(
      c,
      "insert into app_public.notification_templates (property_id, template, channel, language, body_text) values ($1, 'checkout_thanks', 'sms', 'en', 'Bye') returning id",
      [propertyId],
    ),
    "app_public.property_memberships": await one(
      c,
      "insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'front_desk') returning id",
      [propertyId, (await user(c, tag, `spare-${label.toLowerCase()}`)).id],
    ),
  };
  spare["app_public.rate_calendar"] = `${privatePlanId}:${addDays(today, 61)}`;
  await c.query("insert into app_public.rate_calendar (property_id, rate_plan_id, date, price) values ($1, $2, $3, 7000)", [propertyId, privatePlanId, addDays(today, 61)]);
  spare["app_public.rate_plan_los_discounts"] = await one(
    c,
    "insert into app_public.rate_plan_los_discounts (property_id, rate_plan_id, min_nights, percent_off) values ($1, $2, 14, 15) returning id",
    [propertyId, privatePlanId],
  );

  // Bookings, as each maker would.
  const stay = (from: number, nights: number): [string, string] => [addDays(today, from), addDays(today, from + nights)];
  await become(c, "keepr_guest", guest.id);
  const guestHold = await hold(c, (await quote(c, ratePlanId, ...stay(10, 2))).quote_token);
  const guestBooking = await c.query<{ reservation_id: string }>(
    "select * from app_public.confirm_booking($1, $2, 'Guest Booking', $3, '+351 910 000 001')",
    [guestHold.reservation_id, newKey(), guest.email],
  );
  const guestRes = guestBooking.rows[0]!.reservation_id;
  const guestHeld = await hold(c, (await quote(c, ratePlanId, ...stay(20, 1))).quote_token);

  await become(c, "keepr_anonymous");
  const tokenEmail = `token-${label.toLowerCase()}-${tag}@example.com`;
  const tokenHold = await hold(c, (await quote(c, ratePlanId, ...stay(12, 2))).quote_token);
  const tokenBooking = await confirm(c, tokenHold, newKey(), tokenEmail);
  const anonHeld = await hold(c, (await quote(c, ratePlanId, ...stay(22, 1))).quote_token);
  const lookup = await c.query<{ reservation_id: string }>("select * from app_public.lookup_booking($1, $2)", [tokenBooking.confirmation_code, tokenEmail]);
  if (lookup.rows[0]?.reservation_id !== tokenBooking.reservation_id) throw new Error("lookup_booking did not find the token's booking");
  const quoteToken = (await quote(c, ratePlanId, ...stay(5, 1))).quote_token;
  const twoRooms = [{ ratePlanId }, { ratePlanId, adults: 1 }];
  const anonGroup = await holdGroup(c, (await quoteGroup(c, twoRooms, ...stay(72, 1))).quote_token);
  const groupQuoteToken = (await quoteGroup(c, twoRooms, ...stay(74, 1))).quote_token;
  await become(c, "keepr_guest", guest.id);
  const guestGroup = await holdGroup(c, (await quoteGroup(c, twoRooms, ...stay(70, 1))).quote_token, "Guest's group");
  await confirmGroup(c, guestGroup.booking_group_id, newKey(), guest.email);

  await become(c, "keepr_staff", staff.front_desk);
  const walkIn = await confirm(c, await hold(c, (await quote(c, ratePlanId, ...stay(0, 1))).quote_token), newKey(), `walkin-${tag}@example.com`);
  const inhouse = await confirm(c, await hold(c, (await quote(c, ratePlanId, ...stay(0, 2))).quote_token), newKey(), `inhouse-${tag}@example.com`);
  await c.query("select app_public.check_in($1, $2, acknowledge_unpaid => true)", [inhouse.reservation_id, newKey()]);
  await c.query("select app_public.record_registration_card($1, 'In House', 'passport', 'X1234567', 'PT', 'PT', '1980-01-01', '2020-01-01')", [inhouse.reservation_id]);
  const deskQuoteToken = (await c.query("select quote_token from app_public.desk_quote($1, $2, $3, discount_percent => 5, override_reason => 'Access fixture')", [ratePlanId, ...stay(6, 1)])).rows[0].quote_token as string;
  const blockId = (await c.query("select id from app_public.create_block($1, $2, $3, 'owner_block', $4, 'Owner stays')", [unitIds[3], ...stay(30, 2), newKey()])).rows[0].id as string;

  // Money: the guest's deposit paid (captured, partly refunded), invoices.
  const intents = await c.query<{ id: string; kind: string; reservation_id: string }>(
    "select id, kind, reservation_id from app_public.payment_intents where reservation_id = any($1) order by kind",
    [[guestRes, tokenBooking.reservation_id]],
  );
  const intentOf = (res: string, kind: string) => intents.rows.find((i) => i.reservation_id === res && i.kind === kind)!.id;
  const guestDeposit = intentOf(guestRes, "deposit");
  const attempt = await one(c, "select id from app_public.pay($1, 'tok_fixture_visa', $2)", [guestDeposit, newKey()]);
  await asOwner(c);
  const chargeId = `ch_${randomBytes(8).toString("hex")}`;
  await c.query("select app_private.record_authorization($1, $2)", [attempt, chargeId]);
  await c.query("select app_private.record_capture($1, $2, now())", [attempt, chargeId]);
  await become(c, "keepr_staff", staff.accountant);
  await c.query("select app_public.refund_payment($1, 1000, 'Fixture goodwill', $2)", [guestDeposit, newKey()]);
  const folios = await c.query<{ id: string; reservation_id: string }>("select id, reservation_id from app_public.folios where reservation_id = any($1)", [
    [guestRes, tokenBooking.reservation_id, walkIn.reservation_id],
  ]);
  const folioOf = (res: string) => folios.rows.find((f) => f.reservation_id === res)!.id;
  const invoiceId = await one(c, "select id from app_public.issue_invoice($1, $2)", [folioOf(guestRes), newKey()]);
  await c.query("select app_public.issue_invoice($1, $2)", [folioOf(tokenBooking.reservation_id), newKey()]);
  await c.query("select app_public.set_folio_bill_to($1, 'Fixture GmbH', 'Hauptstraße 1', null, '10115', 'Berlin', 'DE', 'DE123456789', null, $2)", [folioOf(guestRes), newKey()]);
  await c.query("select app_public.send_invoice($1, null, $2)", [invoiceId, newKey()]);
  await c.query("select app_public.request_export($1, 'ledger', $2, $3)", [propertyId, addDays(today, -30), today]);

  // The desk: an extra and a company (as the owner); a cashier who is none of the identities opens a shift, charges the
  // walk-in an extra and takes it in cash, and opens a second folio for it; the in-house stay is settled (check-out
  // goes through); an allowance leaves the token booking's folio 50.00 in credit.
  await asOwner(c);
  const extraId = await one(c, "insert into app_public.folio_extras (property_id, name, unit_price, currency) values ($1, 'Minibar', 450, 'EUR') returning id", [propertyId]);
  spare["app_public.folio_extras"] = await one(
    c, "insert into app_public.folio_extras (property_id, name, unit_price, currency, is_active) values ($1, 'Old extra', 100, 'EUR', false) returning id", [propertyId],
  );
  await c.query(
    "insert into app_public.reservation_extras (property_id, reservation_id, extra_id, position, name, basis, unit_price, quantity) values ($1, $2, $3, 1, 'Minibar', 'per_stay', 450, 1)",
    [propertyId, guestRes, extraId],
  );
  await c.query("insert into app_public.extra_translations (property_id, extra_id, language, name) values ($1, $2, 'pt', 'Minibar')", [propertyId, extraId]);
  const promoCodeId = await one(c, "insert into app_public.promo_codes (property_id, code, percent_off, currency) values ($1, 'WELCOME10', 10, 'EUR') returning id", [propertyId]);
  const companyId = await one(c, "insert into app_public.companies (property_id, name) values ($1, 'Atlantic Travel') returning id", [propertyId]);
  const cashier = await user(c, tag, `cashier-${label.toLowerCase()}`);
  await c.query("insert into app_public.property_memberships (property_id, user_id, role) values ($1, $2, 'front_desk')", [propertyId, cashier.id]);
  await become(c, "keepr_staff", cashier.id);
  const walkInFolio = folioOf(walkIn.reservation_id);
  const shiftId = await one(c, "select id from app_public.open_cash_shift($1, 5000, $2)", [propertyId, newKey()]);
  await c.query("select app_public.post_folio_charge($1, $2, 1, null, $3)", [walkInFolio, extraId, newKey()]);
  await c.query("select app_public.take_folio_payment($1, 'cash', 450, null, $2)", [walkInFolio, newKey()]);
  const chargeEntryId = await one(c, "select id from app_public.journal_entries where cause_type = 'folio_charge' and cause_id = $1", [walkInFolio]);
  const extraFolioId = await one(c, "select id from app_public.create_folio($1, 'Extras', null, $2)", [walkIn.reservation_id, newKey()]);
  await c.query(
    "select app_public.take_folio_payment(f.id, 'bank_transfer', app_public.folios_due_at_check_out(f), null, $2) from app_public.folios f where f.reservation_id = $1 and f.is_primary",
    [inhouse.reservation_id, newKey()],
  );
  await become(c, "keepr_staff", staff.accountant);
  await c.query(
    "select app_public.post_folio_allowance(f.id, app_public.folios_due_at_check_out(f) + 5000, 'Fixture credit', $2) from app_public.folios f where f.id = $1",
    [folioOf(tokenBooking.reservation_id), newKey()],
  );

  // What jobs and the channel sync write, as the owner.
  await asOwner(c);
  // The walk-in is due today: the property records no-shows from the arrival day's start, and its payment is due
  // (a declined deposit), so staff may extend the deadline or waive the guarantee.
  await c.query("update app_public.properties set no_show_day_offset = 0, no_show_time = '00:00' where id = $1", [propertyId]);
  await c.query("update app_public.reservations set payment_due_by = now() + interval '1 day' where id = $1", [walkIn.reservation_id]);
  const feedId = await one(
    c,
    "insert into app_public.channel_feeds (property_id, unit_id, source, name, url, last_success_at) values ($1, $2, 'airbnb', 'Airbnb', 'https://example.com/a.ics', now()) returning id",
    [propertyId, unitIds[2]],
  );
  spare["app_public.channel_feeds"] = await one(
    c,
    "insert into app_public.channel_feeds (property_id, unit_id, source, name, url, is_active) values ($1, $2, 'other', 'Spare feed', 'https://example.com/spare.ics', false) returning id",
    [propertyId, unitIds[3]],
  );
  const claim = (await c.query("select id, unit_id, lower(stay) as s, upper(stay) as e from app_public.inventory_claims where reservation_id = $1", [guestRes])).rows[0];
  const conflictId = await one(
    c,
    `insert into app_public.channel_conflicts (property_id, unit_id, feed_id, uid, start_date, end_date, event_start_date, event_end_date, summary,
                                               conflicting_claim_id, conflicting_reservation_id)
     values ($1, $2, $3, 'conflict-1', $4, $5, $4, $5, 'Airbnb guest', $6, $7) returning id`,
    [propertyId, claim.unit_id, feedId, claim.s, claim.e, claim.id, guestRes],
  );
  await c.query(
    "insert into app_public.channel_feed_events (feed_id, property_id, uid, start_date, end_date, summary) values ($1, $2, 'conflict-1', $3, $4, 'Airbnb guest')",
    [feedId, propertyId, claim.s, claim.e],
  );
  // A stay the allocator moved to make room for another.
  await c.query(
    `insert into app_public.allocation_moves (property_id, reservation_id, from_unit_id, to_unit_id, arrival, departure, caused_by_reservation_id)
     select r.property_id, r.id, (select u.id from app_public.units u where u.property_id = r.property_id and u.id <> r.unit_id order by u.name limit 1),
            r.unit_id, lower(r.stay), upper(r.stay), $2
       from app_public.reservations r where r.id = $1`,
    [guestRes, walkIn.reservation_id],
  );
  // A fetch of the feed waiting to be confirmed (it would open the booking's nights).
  await c.query(
    `insert into app_private.channel_feed_pending_changes (feed_id, property_id, events, fingerprint, reason, nights_released, nights_blocked, confirm_after)
     values ($1, $2, '[]', 'empty', 'The channel''s calendar came back empty.', 1, 1, now() + interval '5 minutes')`,
    [feedId, propertyId],
  );
  const taskId = await one(
    c,
    "insert into app_public.housekeeping_tasks (property_id, unit_id, kind, due_date, notes) values ($1, $2, 'inspection', $3, 'Check the balcony') returning id",
    [propertyId, unitIds[0], today],
  );
  const payoutId = await one(
    c,
    `insert into app_public.payouts (property_id, owner_id, period_end, currency, room_revenue, cancellation_revenue, commission, owner_share)
     values ($1, $2, $3, 'EUR', 10000, 0, 2000, 8000) returning id`,
    [propertyId, ownerId, addDays(today, -1)],
  );
  await c.query(
    `insert into app_public.payout_lines (payout_id, property_id, owner_id, reservation_id, room_revenue, cancellation_revenue, commission, owner_share)
     values ($1, $2, $3, $4, 10000, 0, 2000, 8000)`,
    [payoutId, propertyId, ownerId, inhouse.reservation_id],
  );
  const audit = await one(c, "insert into app_public.night_audits (property_id, business_date, finished_at) values ($1, $2, now()) returning id", [propertyId, addDays(today, -1)]);
  await c.query("insert into app_public.night_audit_anomalies (property_id, audit_id, kind, reservation_id, detail) values ($1, $2, 'folio_not_settled', $3, 'Fixture')", [
    propertyId, audit, inhouse.reservation_id,
  ]);
  const notifications = await c.query("select 1 from app_public.notifications where property_id = $1", [propertyId]);
  if (!notifications.rowCount) {
    await c.query(
      "insert into app_public.notifications (property_id, reservation_id, template, channel, recipient, cause) values ($1, $2, 'confirmation', 'email', $3, 'fixture')",
      [propertyId, guestRes, guest.email],
    );
  }
  // Guests: two profiles of one person (to merge and edit), and a merge done before.
  await asOwner(c);
  const guestProfile = (email: string) =>
    one(c, "insert into app_public.guests (property_id, email, full_name, phone) values ($1, $2, 'Twin Guest', '+351 210 000 000') returning id", [propertyId, email]);
  const guests = { keep: await guestProfile(`twin-${label.toLowerCase()}-${tag}@example.com`), dupe: await guestProfile(`twin.2-${label.toLowerCase()}-${tag}@example.com`) };
  const undoneMerge = await one(c,
    "insert into app_public.guest_merges (property_id, kept_guest_id, merged_guest_id, merged_guest) values ($1, $2, gen_random_uuid(), '{}') returning id",
    [propertyId, guests.keep],
  );
  await c.query("insert into app_public.guest_unmerges (property_id, merge_id, restored_guest_id) values ($1, $2, gen_random_uuid())", [propertyId, undoneMerge]);
  // A merge to undo: the merged profile as merge_guests records it.
  const mergeToUndo = await one(c,
    `insert into app_public.guest_merges (property_id, kept_guest_id, merged_guest_id, merged_guest)
     select $1, $2, g.id, jsonb_build_object('id', g.id, 'property_id', $1::uuid, 'full_name', 'Merged Twin', 'email', $3::text, 'is_vip', false, 'created_at', now())
       from (select gen_random_uuid() as id) g returning id`,
    [propertyId, guests.keep, `twin.merged-${label.toLowerCase()}-${tag}@example.com`],
  );
  // The walk-in's price, as if the desk had set it (createDeskHold writes these).
  await c.query(
    `insert into app_public.rate_overrides (property_id, reservation_id, kind, quoted_room_amount, room_amount, discount_percent, reason, creator_role)
     values ($1, $2, 'discount_percent', 10000, 9500, 5, 'Access fixture', 'front_desk')`,
    [propertyId, walkIn.reservation_id],
  );
  const icalToken = (await c.query("select ical_token from app_public.units where id = $1", [unitIds[0]])).rows[0].ical_token as string;

  return {
    label, organizationId, propertyId, slug, timeZone, today, roomTypeId, ratePlanId, privatePlanId, unitIds, staff, outsiderId, ownerId,
    feedId, conflictId, taskId, blockId, payoutId,
    res: { guest: guestRes, token: tokenBooking.reservation_id, today: walkIn.reservation_id, inhouse: inhouse.reservation_id },
    holds: { guest: guestHeld.reservation_id, anon: anonHeld.reservation_id, anonToken: anonHeld.hold_token },
    groups: { guest: guestGroup.booking_group_id, anonHeld: anonGroup.booking_group_id, anonToken: anonGroup.hold_token, quoteToken: groupQuoteToken },
    folios: { guest: folioOf(guestRes), today: folioOf(walkIn.reservation_id), token: folioOf(tokenBooking.reservation_id) },
    desk: { extraId, companyId, shiftId, chargeEntryId, extraFolioId }, promoCodeId,
    intents: { guestDeposit, guestBalance: intentOf(guestRes, "balance"), token: intentOf(tokenBooking.reservation_id, "deposit") },
    invoiceId, quoteToken, deskQuoteToken,
    token: { code: tokenBooking.confirmation_code, email: tokenEmail },
    icalToken, spare, guests: { ...guests, merge: mergeToUndo },
  };
}

/** Builds and commits the world (through the owner pool). */
export async function buildWorld(pool: pg.Pool): Promise<World> {
  const c = await pool.connect();
  try {
    await c.query("begin");
    const tag = randomBytes(4).toString("hex");
    const guest = await user(c, tag, "guest");
    const guestB = await user(c, tag, "guest-b");
    const a = await place(c, "A", tag, guest);
    const b = await place(c, "B", tag, guestB);
    await asOwner(c);
    const unpublishedProperty = await one(
      c,
      `insert into app_public.properties (organization_id, name, slug, kind, time_zone, currency, country_code, city, is_published)
       values ($1, 'Property U', $2, 'hotel', 'Europe/Lisbon', 'EUR', 'PT', 'Porto', false) returning id`,
      [a.organizationId, `property-u-${tag}`],
    );
    const uType = await one(c, "insert into app_public.room_types (property_id, name, max_occupancy) values ($1, 'Loft', 2) returning id", [unpublishedProperty]);
    await c.query("insert into app_public.units (property_id, room_type_id, name) values ($1, $2, 'U1')", [unpublishedProperty, uType]);
    const uPlan = await one(c, "insert into app_public.rate_plans (property_id, room_type_id, name, currency, base_price) values ($1, $2, 'Standard', 'EUR', 9000) returning id", [unpublishedProperty, uType]);
    await c.query("insert into app_public.rate_plan_los_discounts (property_id, rate_plan_id, min_nights, percent_off) values ($1, $2, 5, 5)", [unpublishedProperty, uPlan]);
    await c.query("insert into app_public.fees (property_id, name, basis, amount, currency) values ($1, 'Linen', 'per_stay', 1500, 'EUR')", [unpublishedProperty]);
    await c.query("insert into app_public.taxes (property_id, name, basis, amount, currency) values ($1, 'City tax', 'per_night', 100, 'EUR')", [unpublishedProperty]);
    const orphan = await one(c, "insert into app_public.organizations (name, slug) values ('Org Z', $1) returning id", [`org-z-${tag}`]);
    await c.query(
      `insert into app_public.properties (organization_id, name, slug, kind, time_zone, currency, country_code, city)
       values ($1, 'Property Z', $2, 'hotel', 'Europe/Lisbon', 'EUR', 'PT', 'Faro')`,
      [orphan, `property-z-${tag}`],
    );
    const reportId = await one(c, "insert into app_public.settlement_reports (provider, report_date, line_count) values ('simulated', $1, 1) returning id", [a.today]);
    await c.query(
      `insert into app_public.settlement_lines (report_id, line_no, provider_object_id, type, occurred_at, currency, amount, fee, net, reference)
       values ($1, 1, 'ch_unknown', 'charge', now(), 'EUR', 5000, 165, 4835, 'unknown')`,
      [reportId],
    );
    for (const p of [a, b]) {
      await c.query(
        "insert into app_public.reconciliation_differences (report_id, property_id, kind, reference, currency, report_amount) values ($1, $2, 'extra', $3, 'EUR', 5000)",
        [reportId, p.propertyId, `extra-${p.label}`],
      );
    }

    // A guest account (issue 22) that no identity of the matrix is, and a sign-in link not used yet.
    await c.query("select app_public.request_guest_sign_in($1)", [`account-${tag}@test.example`]);
    const firstLink = (await c.query("select app_private.guest_sign_in_token(id) as t from app_private.guest_sign_in_requests where email = $1", [`account-${tag}@test.example`])).rows[0].t as string;
    const guestAccountId = (await c.query("select (app_public.complete_guest_sign_in($1)).sub as id", [firstLink])).rows[0].id as string;
    await c.query("select app_public.request_guest_sign_in($1)", [`new-account-${tag}@test.example`]);
    const guestSignInToken = (await c.query("select app_private.guest_sign_in_token(id) as t from app_private.guest_sign_in_requests where email = $1", [`new-account-${tag}@test.example`])).rows[0].t as string;

    // One live session per user, for every identity the test becomes.
    const sessions = new Map<string, string>();
    for (const id of [guest.id, guestB.id, ...Object.values(a.staff), ...Object.values(b.staff)]) {
      sessions.set(id, await one(c, "insert into app_private.sessions (user_id) values ($1) returning id", [id]));
    }
    const labels = new Map<string, string>([
      [a.propertyId, "A"], [b.propertyId, "B"], [unpublishedProperty, "U"],
      [a.organizationId, "A"], [b.organizationId, "B"], [orphan, "Z"],
    ]);
    await c.query("commit");
    return { a, b, unpublished: { organizationId: a.organizationId, propertyId: unpublishedProperty }, orphanOrganizationId: orphan, guest, guestB, sessions, reportId, labels, guestAccountId, guestSignInToken };
  } catch (error) {
    await c.query("rollback");
    throw error;
  } finally {
    c.release();
  }
}
