// react-admin's data provider over Keepr's GraphQL API (PostGraphile v5),
// written by hand: each resource maps react-admin's calls onto the API's
// connections (allX with first/offset, totalCount, orderBy enums and
// equality `condition`s on indexed columns) and row fields (xByRowId). A
// record's `id` is the row's `rowId`. Filters and sorts the API does not
// offer are refused with a clear error rather than silently ignored.
// Booking operations are extra methods that require an idempotency key.
import type { DataProvider, GetListParams, GetListResult, Identifier, RaRecord, UpdateParams } from "react-admin";
import { roleAllows } from "./access.ts";
import type { StaffPermissions } from "./authProvider.ts";
import {
  cancelReservation, changePartySize, checkIn, checkOut, frontDeskDay, markNoShow, reservation, reservationHistory, reservations,
  reservationsById, reservationsByIdBatch, reservationTimeline, searchReservations, updateReservation, updateReservationGuest,
  type BookingAnswer, type BookingResult, type Document, type IsoDate, type ReservationCondition, type ReservationDetailNode,
  type ReservationEventNode, type ReservationHistoryLineNode, type ReservationNode, type ReservationOrderBy, type Uuid,
} from "./documents.ts";
import { createAccountingMethods, type AccountingMethods } from "../features/accounting/data.ts";
import { createReportsMethods, type ReportsMethods } from "../features/reports/data.ts";
import { createPropertyMethods, type PropertyMethods } from "../features/property/data.ts";
import { createRevenueMethods, type RevenueMethods } from "../features/revenue/data.ts";
import { createDeskMethods, type DeskMethods } from "../features/folio/data.ts";
import { createInvoicingMethods, type InvoicingMethods } from "../features/invoicing/data.ts";
import { createFrontDeskMethods, type FrontDeskMethods } from "../features/frontdesk/data.ts";
import { createChannelsMethods, type ChannelsMethods } from "../features/channels/data.ts";
import { createHousekeepingMethods, type HousekeepingMethods } from "../features/housekeeping/data.ts";
import { createGuaranteeMethods, type GuaranteeMethods } from "../features/guarantee/data.ts";
import { createGuestsMethods, type GuestsMethods } from "../features/guests/data.ts";
import { createGroupsMethods, groupCodePattern, type GroupsMethods } from "../features/groups/data.ts";
import { ApiError, type GraphQLClient } from "./graphql.ts";
import { bookingOf, notFound, present, type RequestOptions } from "./results.ts";
import type { IdempotencyKey } from "./idempotency.ts";

export type Reservation = ReservationNode & { id: Uuid };
export type ReservationDetail = ReservationDetailNode & { id: Uuid };

/**
 * Whether a record is the full reservation (getOne) rather than a list row:
 * react-admin shows a list's row at once while the page's query runs.
 */
export function isReservationDetail(record: Reservation | undefined): record is ReservationDetail {
  return record !== undefined && "priceLines" in record && "paymentIntents" in record;
}

const toRecord = <T extends { rowId: Uuid }>(node: T): T & { id: Uuid } => ({ ...node, id: node.rowId });

/** The front desk's day, split as the Today board shows it; each part's counts add up. */
export interface FrontDeskDay {
  day: IsoDate;
  /** Whether `day` is today at the property (in house means checked in now). */
  isToday: boolean;
  /** Arriving on the day, whatever became of them: expected (confirmed), checked in, already checked out, no-show; by expected arrival time (unknown last), then name. */
  arrivals: Reservation[];
  /** The property's check-in time, "HH:MM:SS": an arrival expected before it is an early check-in. */
  checkInTime: string | null;
  /** Leaving on the day (still here, checked out, or never came) and leaving early: checked out on the day before their departure date. */
  departures: Reservation[];
  /** Today: checked in now (overstays too). Another day: staying the night of the day. */
  inHouse: Reservation[];
  /** Arriving on the day and marked no-show, or marked no-show on the day. */
  noShows: Reservation[];
  /** Bookings cancelled on the day (holds never count). */
  cancellations: Reservation[];
}

/** A reservation's timestamp as a date in the property's calendar. */
function localDate(timestamp: string | null, timeZone: string): IsoDate | null {
  if (!timestamp) return null;
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(timestamp));
}

/** The parts of a day's departures and arrivals, for the board's summaries (they add up to the whole). */
export function departureKind(r: Reservation, day: IsoDate, timeZone: string): "early" | "checked_out" | "still_here" | "not_arrived" {
  if (r.status === "checked_out") return r.departure !== day && localDate(r.checkedOutAt, timeZone) === day ? "early" : "checked_out";
  return r.status === "checked_in" ? "still_here" : "not_arrived";
}

export interface ReservationEvent extends ReservationEventNode {
  id: number;
}

export interface ReservationHistoryLine extends ReservationHistoryLineNode {
  id: number;
}

export interface KeeprDataProvider extends DataProvider, FrontDeskMethods, HousekeepingMethods, ChannelsMethods, AccountingMethods, ReportsMethods, RevenueMethods, InvoicingMethods, DeskMethods, GuaranteeMethods, GuestsMethods, GroupsMethods, PropertyMethods {
  frontDeskDay(params: { propertyId: Uuid; day: IsoDate; timeZone: string; today: IsoDate }, options?: RequestOptions): Promise<FrontDeskDay>;
  reservationHistory(params: { id: Uuid }, options?: RequestOptions): Promise<ReservationEvent[]>;
  /** The reservation's history in words (reservation_timeline). */
  reservationTimeline(params: { id: Uuid }, options?: RequestOptions): Promise<ReservationHistoryLine[]>;
  /** The desk corrects the guest's name, email and phone (front office; typed errors). */
  updateReservationGuest(params: { reservationId: Uuid; fullName: string; email: string; phone: string | null }): Promise<Reservation>;
  /** acknowledgeUnpaid: the desk saw the unpaid prepayments (else PAYMENT_DUE). */
  checkIn(params: { reservationId: Uuid; force: boolean; acknowledgeUnpaid: boolean; idempotencyKey: IdempotencyKey }): Promise<BookingResult>;
  checkOut(params: { reservationId: Uuid; idempotencyKey: IdempotencyKey }): Promise<BookingResult>;
  cancelReservation(params: { reservationId: Uuid; reason: string | null; idempotencyKey: IdempotencyKey }): Promise<BookingResult>;
  markNoShow(params: { reservationId: Uuid; idempotencyKey: IdempotencyKey }): Promise<BookingResult>;
  /** A new party size, re-priced on the stay's plan (modifyReservation). */
  changePartySize(params: { reservationId: Uuid; adults: number; children: number; childAges: number[] | null; idempotencyKey: IdempotencyKey }): Promise<BookingResult>;
}

/** How one resource maps onto the API. */
interface ResourceAdapter {
  getList(params: GetListParams, signal?: AbortSignal): Promise<GetListResult>;
  getOne(id: Identifier, signal?: AbortSignal): Promise<RaRecord>;
  getMany(ids: Identifier[], signal?: AbortSignal): Promise<RaRecord[]>;
  /** Filters usable as getManyReference targets. */
  references: readonly string[];
  update?(params: UpdateParams): Promise<RaRecord>;
}

const unsupported = (resource: string, what: string) =>
  new ApiError(`${what} is not available for ${resource} in the console.`, 405, { code: "NOT_SUPPORTED" });

// ---------------------------------------------------------------------------
// reservations
// ---------------------------------------------------------------------------

/** react-admin filter → ReservationCondition (the API's equality conditions). */
const reservationFilters: Record<string, (value: string) => ReservationCondition> = {
  propertyId: (v) => ({ propertyId: v }),
  guestId: (v) => ({ guestId: v }),
  unitId: (v) => ({ unitId: v }),
  roomTypeId: (v) => ({ roomTypeId: v }),
  arrival: (v) => ({ arrival: v }),
  groupId: (v) => ({ groupId: v }),
  confirmationCode: (v) => ({ confirmationCode: v.trim().toUpperCase() }),
};

/** Filters the list passes to searchReservations as arguments, not conditions. */
const searchArguments = new Set(["propertyId", "q", "includeHolds"]);

/** react-admin sort field → ReservationOrderBy, without the direction. */
const reservationSorts: Record<string, string> = {
  arrival: "ARRIVAL",
  departure: "DEPARTURE",
  confirmationCode: "CONFIRMATION_CODE",
  id: "PRIMARY_KEY",
  rowId: "PRIMARY_KEY",
};

export function reservationCondition(filter: Record<string, unknown> = {}): ReservationCondition {
  let condition: ReservationCondition = {};
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined || value === null || value === "") continue;
    const map = Object.hasOwn(reservationFilters, name) ? reservationFilters[name] : undefined;
    if (!map || typeof value !== "string") {
      throw new ApiError(`Reservations cannot be filtered by "${name}".`, 400, { code: "INVALID_FILTER" });
    }
    condition = { ...condition, ...map(value) };
  }
  return condition;
}

export function reservationOrder(sort: GetListParams["sort"]): ReservationOrderBy[] {
  const field = sort?.field ?? "arrival";
  const base = Object.hasOwn(reservationSorts, field) ? reservationSorts[field] : undefined;
  if (!base) throw new ApiError(`Reservations cannot be sorted by "${field}".`, 400, { code: "INVALID_SORT" });
  const order = `${base}_${sort?.order === "ASC" ? "ASC" : "DESC"}` as ReservationOrderBy;
  // The primary key last, so pages never overlap when dates tie.
  return base === "PRIMARY_KEY" ? [order] : [order, "PRIMARY_KEY_ASC"];
}

/**
 * Splits the front desk's day (app_public.front_desk_day's stays) into the
 * board's parts. `today` is the property's today: on it, in house means
 * checked in now; on another day, the stays over that night.
 */
export function splitFrontDeskDay(day: IsoDate, nodes: ReservationNode[], timeZone: string, today: IsoDate, checkInTime: string | null = null): FrontDeskDay {
  const records = nodes.map(toRecord);
  // By who sleeps there: a group's room by its rooming-list name, else the booking's guest.
  const nameOf = (r: Reservation) => r.guestName ?? r.guest?.fullName ?? "";
  const byGuest = (a: Reservation, b: Reservation) => nameOf(a).localeCompare(nameOf(b));
  // Arrivals by when they are expected ("HH:MM:SS" sorts as text), those without a time last.
  const byEta = (a: Reservation, b: Reservation) =>
    a.expectedArrivalTime === b.expectedArrivalTime ? byGuest(a, b)
      : a.expectedArrivalTime === null ? 1 : b.expectedArrivalTime === null ? -1 : a.expectedArrivalTime.localeCompare(b.expectedArrivalTime);
  const isToday = day === today;
  const staysOver = (r: Reservation) =>
    r.arrival <= day && day < r.departure
    && (r.status === "checked_in" || r.status === "confirmed" || (r.status === "checked_out" && (localDate(r.checkedOutAt, timeZone) ?? "") > day));
  return {
    day,
    isToday,
    arrivals: records.filter((r) => r.arrival === day && ["confirmed", "checked_in", "checked_out", "no_show"].includes(r.status)).sort(byEta),
    checkInTime,
    departures: records.filter((r) =>
      (r.departure === day && ["confirmed", "checked_in", "checked_out"].includes(r.status))
      || (r.status === "checked_out" && localDate(r.checkedOutAt, timeZone) === day)).sort(byGuest),
    inHouse: records.filter((r) => (isToday ? r.status === "checked_in" && r.arrival <= day : staysOver(r))).sort(byGuest),
    noShows: records.filter((r) => r.status === "no_show" && (r.arrival === day || localDate(r.noShowAt, timeZone) === day)).sort(byGuest),
    cancellations: records.filter((r) => r.status === "cancelled" && localDate(r.cancelledAt, timeZone) === day).sort(byGuest),
  };
}

function reservationsAdapter(client: GraphQLClient, permissions: () => Promise<StaffPermissions>): ResourceAdapter {
  const groups = createGroupsMethods(client);
  return {
    references: ["propertyId", "guestId", "unitId", "roomTypeId", "groupId"],
    async getList(params, signal) {
      const perPage = Math.min(Math.max(params.pagination?.perPage ?? 25, 1), 500);
      const page = Math.max(params.pagination?.page ?? 1, 1);
      const filter = (params.filter ?? {}) as Record<string, unknown>;
      if (typeof filter.propertyId === "string" && filter.propertyId !== "") {
        // A property's list: searched in the database, bookings (and live
        // holds) unless expired and released holds are asked for.
        const rest = Object.fromEntries(Object.entries(filter).filter(([name]) => !searchArguments.has(name)));
        let search = typeof filter.q === "string" && filter.q.trim() !== "" ? filter.q.trim() : null;
        // A group code (G-XXXXXXXX) finds the group's rooms; a code no group has finds nothing.
        if (search && groupCodePattern.test(search.toUpperCase())) {
          const groupId = await groups.bookingGroupIdByCode({ propertyId: filter.propertyId, groupCode: search.toUpperCase() }, { signal });
          if (!groupId) return { data: [], total: 0 };
          rest.groupId = groupId;
          search = null;
        }
        const data = await client.request(
          searchReservations,
          {
            propertyId: filter.propertyId, search, includeHolds: filter.includeHolds === true,
            first: perPage, offset: (page - 1) * perPage, orderBy: reservationOrder(params.sort), condition: reservationCondition(rest),
          },
          { signal },
        );
        const connection = data.searchReservations;
        return { data: present(connection?.nodes).map(toRecord), total: connection?.totalCount ?? 0 };
      }
      if (filter.q !== undefined || filter.includeHolds !== undefined) {
        throw new ApiError("Reservations are searched within one property.", 400, { code: "INVALID_FILTER" });
      }
      const data = await client.request(
        reservations,
        { first: perPage, offset: (page - 1) * perPage, orderBy: reservationOrder(params.sort), condition: reservationCondition(params.filter) },
        { signal },
      );
      const connection = data.allReservations;
      return { data: present(connection?.nodes).map(toRecord), total: connection?.totalCount ?? 0 };
    },
    async getOne(id, signal) {
      // Ask for the ledger and the notifications when some membership may
      // read them; the page shows them per the role at the record's property.
      const { memberships } = await permissions();
      const data = await client.request(
        reservation,
        {
          id: String(id),
          withLedger: memberships.some((m) => roleAllows(m.role, "reservations", "ledger")),
          withNotifications: memberships.some((m) => roleAllows(m.role, "reservations", "notifications")),
        },
        { signal },
      );
      // A reservation the user may not see reads as one that does not exist (RLS).
      if (!data.reservationByRowId) throw notFound("reservation");
      return toRecord(data.reservationByRowId);
    },
    async getMany(ids, signal) {
      const found: Reservation[] = [];
      for (let i = 0; i < ids.length; i += reservationsByIdBatch) {
        const chunk = ids.slice(i, i + reservationsByIdBatch).map(String);
        const variables = Object.fromEntries(chunk.map((id, j) => [`id${j}`, id]));
        const data = await client.request(reservationsById(chunk.length), variables, { signal });
        found.push(...present(Object.values(data)).map(toRecord));
      }
      return found;
    },
    async update({ id, data, previousData }) {
      const patch: { specialRequests?: string | null; expectedArrivalTime?: string | null } = {};
      for (const [field, value] of Object.entries(data)) {
        if (previousData && (previousData as Record<string, unknown>)[field] === value) continue;
        if (field === "specialRequests" && (typeof value === "string" || value === null)) patch.specialRequests = value === "" ? null : value;
        else if (field === "expectedArrivalTime" && (typeof value === "string" || value === null)) patch.expectedArrivalTime = value === "" ? null : value;
        else if (field !== "id") throw unsupported("reservations", `Changing "${field}"`);
      }
      if (Object.keys(patch).length === 0) return previousData as RaRecord;
      const result = await client.request(updateReservation, { id: String(id), patch });
      const updated = result.updateReservationByRowId?.reservation;
      if (!updated) throw new ApiError("No such reservation, or you may not change it.", 404, { code: "NOT_FOUND" });
      return { ...previousData, ...toRecord(updated) };
    },
  };
}

// ---------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------

export function createDataProvider(client: GraphQLClient, permissions: () => Promise<StaffPermissions>): KeeprDataProvider {
  const resources: Record<string, ResourceAdapter> = {
    reservations: reservationsAdapter(client, permissions),
  };
  const adapter = (resource: string): ResourceAdapter => {
    const found = Object.hasOwn(resources, resource) ? resources[resource] : undefined;
    if (!found) throw new ApiError(`The console has no "${resource}" resource.`, 404, { code: "UNKNOWN_RESOURCE" });
    return found;
  };

  /** A booking mutation: only with a key made for this user action (see idempotency.ts). */
  async function runKeyed<TVariables extends { idempotencyKey: string }>(
    document: Document<BookingAnswer, TVariables>,
    // The key must be an IdempotencyKey (newIdempotencyKey), not any string.
    variables: TVariables & { idempotencyKey: IdempotencyKey },
  ): Promise<BookingResult> {
    return bookingOf(await client.request(document, variables));
  }


  return {
    ...createFrontDeskMethods(client),
    ...createAccountingMethods(client),
    ...createReportsMethods(client),
    ...createRevenueMethods(client),
    ...createInvoicingMethods(client),
    ...createHousekeepingMethods(client),
    ...createChannelsMethods(client),
    ...createDeskMethods(client),
    ...createGuaranteeMethods(client),
    ...createGuestsMethods(client),
    ...createGroupsMethods(client),
    ...createPropertyMethods(client),
    supportAbortSignal: true,
    getList: async (resource, params) => adapter(resource).getList(params, params.signal),
    getOne: async (resource, params) => ({ data: (await adapter(resource).getOne(params.id, params.signal)) as never }),
    getMany: async (resource, params) => ({ data: (await adapter(resource).getMany(params.ids, params.signal)) as never[] }),
    getManyReference: async (resource, params) => {
      const target = adapter(resource);
      if (!target.references.includes(params.target)) {
        throw new ApiError(`${resource} cannot be listed by "${params.target}".`, 400, { code: "INVALID_FILTER" });
      }
      return target.getList({ ...params, filter: { ...params.filter, [params.target]: params.id } }, params.signal);
    },
    update: async (resource, params) => {
      const target = adapter(resource);
      if (!target.update) throw unsupported(resource, "Editing");
      return { data: (await target.update(params)) as never };
    },
    updateMany: async (resource) => {
      throw unsupported(resource, "Editing several records at once");
    },
    create: async (resource) => {
      throw unsupported(resource, "Creating records from a form");
    },
    delete: async (resource) => {
      throw unsupported(resource, "Deleting");
    },
    deleteMany: async (resource) => {
      throw unsupported(resource, "Deleting");
    },

    async frontDeskDay({ propertyId, day, timeZone, today }, options = {}) {
      const data = await client.request(frontDeskDay, { propertyId, day }, options);
      return splitFrontDeskDay(day, present(data.frontDeskDay?.nodes), timeZone, today, data.propertyByRowId?.checkInTime ?? null);
    },
    async reservationTimeline({ id }, options = {}) {
      const data = await client.request(reservationTimeline, { id }, options);
      return present(data.reservationTimeline?.nodes).map((line, index) => ({ ...line, id: index }));
    },
    async updateReservationGuest(params) {
      const data = await client.request(updateReservationGuest, params);
      const updated = data.updateReservationGuest?.reservation;
      if (!updated) throw notFound("reservation");
      return toRecord(updated);
    },
    async reservationHistory({ id }, options = {}) {
      const data = await client.request(reservationHistory, { id }, options);
      return present(data.reservationHistory?.nodes).map((event, index) => ({ ...event, id: index }));
    },
    checkIn: (params) => runKeyed(checkIn, params),
    checkOut: (params) => runKeyed(checkOut, params),
    cancelReservation: (params) => runKeyed(cancelReservation, params),
    markNoShow: (params) => runKeyed(markNoShow, params),
    changePartySize: (params) => runKeyed(changePartySize, params),
  };
}
