// The front desk's calls beyond react-admin's resources, added to the data
// provider (dataProvider.ts spreads them in): a booking taken by phone
// (search, quote, hold, confirm), the units of a property, the tape chart,
// room moves and changed dates. Mutations that take an idempotency key
// accept only an IdempotencyKey (idempotency.ts): one per user action.
import type { BookingResult, Uuid } from "../../platform/documents.ts";
import {
  createDeskHold, deskQuote, freeUnits, setDoNotDisturb, setReservationLanguage, recordRegistrationCard, registrationCard, registrationCardRule, type DeskQuoteVariables, type RegistrationCardInput, type RegistrationCardNode,
  confirmBooking, createHold, guestByEmail, heldStay, modifyReservation, moveUnit, pinReservationUnit, propertyUnits, quote, quoteChange, type ChangeQuoteVariables,
  roomChanges, searchAvailability, tapeChart, type AvailabilityNode, type RoomChangeNode, type ChartClaimNode, type ChartConflictNode, type ChartReservationNode, type GuestDetails, type GuestProfileNode, type HoldResult,
  type QuoteNode, type QuoteVariables, type RoomTypeNode, type StayChange, type StaySearch, type UnitNode,
} from "./documents.ts";
import { ApiError, type GraphQLClient } from "../../platform/graphql.ts";
import { bookingOf, missing, present, type RequestOptions } from "../../platform/results.ts";
import type { IdempotencyKey } from "../../platform/idempotency.ts";


/** What the hold took: its unit, room type and expiry (null when it is no longer held). */
export interface HeldStay {
  reservationId: Uuid;
  holdExpiresAt: string | null;
  unit: { rowId: Uuid; name: string } | null;
  roomType: { rowId: Uuid; name: string } | null;
}

export interface PropertyUnits {
  roomTypes: RoomTypeNode[];
  units: UnitNode[];
}

/** What the tape chart draws over a window of nights [firstDate, endDate). */
export interface TapeChartData extends PropertyUnits {
  firstDate: string;
  endDate: string;
  claims: ChartClaimNode[];
  conflicts: ChartConflictNode[];
  /** Live bookings of the window without a unit (the unassigned lane of their room type). */
  unassigned: ChartReservationNode[];
}

export type ChangeQuote = Omit<QuoteNode, "quoteToken" | "validUntil">;

/**
 * A stay arriving today or tomorrow that the allocator moved: every move of
 * it (oldest first), the unit it had before the first and the one it has now.
 */
export interface RoomChange {
  reservationId: Uuid;
  day: "today" | "tomorrow";
  reservation: NonNullable<RoomChangeNode["reservation"]>;
  moves: RoomChangeNode[];
  fromUnit: string;
  toUnit: string;
}

/**
 * The desk's list: the moves grouped by stay, of stays still arriving on
 * that day (the allocation_moves row keeps the dates of the move; a stay
 * changed or cancelled since is left out), latest move first.
 */
export function groupRoomChanges(day: "today" | "tomorrow", date: string, nodes: RoomChangeNode[]): RoomChange[] {
  const byStay = new Map<Uuid, RoomChangeNode[]>();
  for (const move of nodes) byStay.set(move.reservationId, [...(byStay.get(move.reservationId) ?? []), move]);
  const changes: RoomChange[] = [];
  for (const [reservationId, moves] of byStay) {
    const reservation = moves[0]!.reservation;
    if (!reservation || reservation.arrival !== date || (reservation.status !== "confirmed" && reservation.status !== "checked_in")) continue;
    moves.sort((a, b) => a.movedAt.localeCompare(b.movedAt));
    const fromUnit = moves[0]!.fromUnit?.name ?? "?";
    const toUnit = reservation.unit?.name ?? moves[moves.length - 1]!.toUnit?.name ?? "?";
    changes.push({ reservationId, day, reservation, moves, fromUnit, toUnit });
  }
  return changes.sort((a, b) => b.moves[b.moves.length - 1]!.movedAt.localeCompare(a.moves[a.moves.length - 1]!.movedAt));
}

/**
 * The units of a room type free for every night of [arrival, departure), by
 * the tape chart's live claims (a hold that expired no longer counts) and
 * leaving out inactive and out-of-order units: the desk's unit choices. The
 * database judges again when the desk holds one (UNIT_UNAVAILABLE).
 */
export function freeUnitsOf(chart: Pick<TapeChartData, "firstDate" | "endDate" | "units" | "claims">, roomTypeId: Uuid, now = Date.now()): UnitNode[] {
  const taken = new Set(
    chart.claims
      .filter((c) => c.startDate < chart.endDate && c.endDate > chart.firstDate && (c.expiresAt === null || Date.parse(c.expiresAt) > now))
      .map((c) => c.unitId),
  );
  return chart.units.filter((u) => u.roomTypeId === roomTypeId && u.isActive && u.housekeepingStatus !== "out_of_order" && !taken.has(u.rowId));
}

export interface FrontDeskMethods {
  searchAvailability(params: StaySearch, options?: RequestOptions): Promise<AvailabilityNode[]>;
  quote(params: QuoteVariables, options?: RequestOptions): Promise<QuoteNode>;
  createHold(params: { quoteToken: string; minutes: number; idempotencyKey: IdempotencyKey }): Promise<HoldResult>;
  /** The desk's quote: a chosen unit and a rate override with its reason (the token is for createDeskHold). */
  deskQuote(params: DeskQuoteVariables, options?: RequestOptions): Promise<QuoteNode>;
  createDeskHold(params: { quoteToken: string; minutes: number; idempotencyKey: IdempotencyKey }): Promise<HoldResult>;
  /** The units of the room type free for the whole stay (freeUnitsOf). */
  freeUnits(params: { propertyId: Uuid; roomTypeId: Uuid; arrival: string; departure: string }, options?: RequestOptions): Promise<UnitNode[]>;
  /** The stay's registration card, or null (none yet, or the caller may not read cards). */
  registrationCard(params: { reservationId: Uuid }, options?: RequestOptions): Promise<RegistrationCardNode | null>;
  recordRegistrationCard(params: RegistrationCardInput): Promise<RegistrationCardNode>;
  /** Do-not-disturb today for a guest in house (set, not toggled); answers the day marked, or null. */
  setDoNotDisturb(params: { reservationId: Uuid; doNotDisturb: boolean }): Promise<string | null>;
  /** The language the guest is written to in (en, pt, es; null: the property's); front office. */
  setReservationLanguage(params: { reservationId: Uuid; language: string | null }): Promise<string | null>;
  /** Whether the property refuses a check-in without the card. */
  registrationCardRequired(params: { propertyId: Uuid }, options?: RequestOptions): Promise<boolean>;
  heldStay(params: { reservationId: Uuid }, options?: RequestOptions): Promise<HeldStay | null>;
  /** holdToken: the hold's, when this console made it (front-office staff may confirm without it). */
  confirmBooking(params: GuestDetails & { reservationId: Uuid; idempotencyKey: IdempotencyKey; holdToken?: string | null }): Promise<BookingResult>;
  guestByEmail(params: { propertyId: Uuid; email: string }, options?: RequestOptions): Promise<GuestProfileNode | null>;
  propertyUnits(params: { propertyId: Uuid }, options?: RequestOptions): Promise<PropertyUnits>;
  tapeChart(params: { propertyId: Uuid; firstDate: string; endDate: string }, options?: RequestOptions): Promise<TapeChartData>;
  quoteChange(params: ChangeQuoteVariables, options?: RequestOptions): Promise<ChangeQuote>;
  moveUnit(params: { reservationId: Uuid; unitId: Uuid; idempotencyKey: IdempotencyKey }): Promise<BookingResult>;
  modifyReservation(params: StayChange & { idempotencyKey: IdempotencyKey }): Promise<BookingResult>;
  /** Pins the stay to its unit or lets the allocator move it (no key: the flag is set, not toggled). */
  pinReservationUnit(params: { reservationId: Uuid; pinned: boolean }): Promise<BookingResult>;
  /** The allocator's moves of stays arriving today and tomorrow (dates in the property's calendar). */
  roomChanges(params: { propertyId: Uuid; today: string; tomorrow: string }, options?: RequestOptions): Promise<RoomChange[]>;
}


export function createFrontDeskMethods(client: GraphQLClient): FrontDeskMethods {
  return {
    async searchAvailability(params, options = {}) {
      const data = await client.request(searchAvailability, params, options);
      return present(data.searchAvailability?.nodes);
    },
    async quote(params, options = {}) {
      const data = await client.request(quote, params, options);
      if (!data.quote) throw missing("a quote");
      return data.quote;
    },
    async createHold({ quoteToken, minutes, idempotencyKey }) {
      const data = await client.request(createHold, { quoteToken, minutes, idempotencyKey });
      const result = data.createHold?.result;
      if (!result) throw missing("the hold");
      return result;
    },
    async deskQuote(params, options = {}) {
      const data = await client.request(deskQuote, params, options);
      if (!data.deskQuote) throw missing("a quote");
      return data.deskQuote;
    },
    async createDeskHold({ quoteToken, minutes, idempotencyKey }) {
      const data = await client.request(createDeskHold, { quoteToken, minutes, idempotencyKey });
      const result = data.createDeskHold?.result;
      if (!result) throw missing("the hold");
      return result;
    },
    async freeUnits({ propertyId, roomTypeId, arrival, departure }, options = {}) {
      const data = await client.request(freeUnits, { propertyId, roomTypeId, firstDate: arrival, endDate: departure }, options);
      return freeUnitsOf({ firstDate: arrival, endDate: departure, units: present(data.allUnits?.nodes), claims: present(data.tapeChartClaims?.nodes) }, roomTypeId);
    },
    async registrationCard({ reservationId }, options = {}) {
      const data = await client.request(registrationCard, { reservationId }, options);
      return data.reservationByRowId?.registrationCard ?? null;
    },
    async setDoNotDisturb(params) {
      const data = await client.request(setDoNotDisturb, params);
      const result = data.setDoNotDisturb?.result;
      if (!result) throw missing("the stay");
      return result.doNotDisturbOn;
    },
    async setReservationLanguage(params) {
      const data = await client.request(setReservationLanguage, params);
      const result = data.setReservationLanguage?.result;
      if (!result) throw missing("the stay");
      return result.language;
    },
    async registrationCardRequired({ propertyId }, options = {}) {
      const data = await client.request(registrationCardRule, { propertyId }, options);
      return data.propertyByRowId?.registrationCardRequired === true;
    },
    async recordRegistrationCard(params) {
      const data = await client.request(recordRegistrationCard, params);
      const result = data.recordRegistrationCard?.result;
      if (!result) throw missing("the registration card");
      return result;
    },
    async heldStay({ reservationId }, options = {}) {
      const data = await client.request(heldStay, { id: reservationId }, options);
      const r = data.reservationByRowId;
      if (!r || r.status !== "held") return null;
      return { reservationId: r.rowId, holdExpiresAt: r.holdExpiresAt, unit: r.unit, roomType: r.roomType };
    },
    async confirmBooking({ holdToken, ...params }) {
      return bookingOf(await client.request(confirmBooking, { ...params, holdToken: holdToken ?? null }), "the booking");
    },
    async guestByEmail({ propertyId, email }, options = {}) {
      const data = await client.request(guestByEmail, { propertyId, email }, options);
      return present(data.allGuests?.nodes)[0] ?? null;
    },
    async propertyUnits({ propertyId }, options = {}) {
      const data = await client.request(propertyUnits, { propertyId }, options);
      return { roomTypes: present(data.allRoomTypes?.nodes), units: present(data.allUnits?.nodes) };
    },
    async tapeChart({ propertyId, firstDate, endDate }, options = {}) {
      const data = await client.request(tapeChart, { propertyId, firstDate, endDate }, options);
      return {
        firstDate,
        endDate,
        roomTypes: present(data.allRoomTypes?.nodes),
        units: present(data.allUnits?.nodes),
        claims: present(data.tapeChartClaims?.nodes),
        // Open conflicts are few; the chart draws those that touch the window.
        conflicts: present(data.openChannelConflicts?.nodes).filter((c) => c.startDate < endDate && c.endDate > firstDate),
        unassigned: present(data.unassigned?.nodes).filter(
          (r) => (r.status === "held" || r.status === "confirmed" || r.status === "checked_in") && r.arrival < endDate && r.departure > firstDate,
        ),
      };
    },
    async quoteChange(params, options = {}) {
      const data = await client.request(quoteChange, params, options);
      if (!data.quoteChange) throw missing("a price for the change");
      return data.quoteChange;
    },
    async moveUnit(params) {
      return bookingOf(await client.request(moveUnit, params));
    },
    async modifyReservation(params) {
      return bookingOf(await client.request(modifyReservation, params));
    },
    async pinReservationUnit(params) {
      return bookingOf(await client.request(pinReservationUnit, params));
    },
    async roomChanges({ propertyId, today, tomorrow }, options = {}) {
      const data = await client.request(roomChanges, { propertyId, today, tomorrow }, options);
      return [...groupRoomChanges("today", today, present(data.today?.nodes)), ...groupRoomChanges("tomorrow", tomorrow, present(data.tomorrow?.nodes))];
    },
  };
}
