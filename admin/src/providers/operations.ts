// Operations' calls, added to the data provider (dataProvider.ts spreads
// them in): the housekeeping board and its actions, and the channel
// manager. None of these mutations takes an idempotency key in the API:
// each sets a state (a unit's status, a task's status, a feed's activity)
// or is refused the second time (a resolved conflict: INVALID_TRANSITION),
// so a repeated click cannot do a thing twice; the screens also ignore a
// second click while the first request runs.
import { addDays } from "../frontdesk/dates.ts";
import type { HousekeepingStatus, IsoDate, Uuid } from "./documents.ts";
import {
  channelsOverview, createChannelFeed, createHousekeepingTask, deleteChannelFeed, housekeepingBoard, resolveChannelConflict, setChannelFeedActive,
  setUnitStatus, syncChannelFeedNow, updateHousekeepingTask,
  type BoardClaimNode, type BoardStayNode, type BoardUnitNode, type ChannelConflictNode, type ChannelFeedNode, type ChannelUnitNode,
  type HousekeepingTaskNode, type HousekeepingTaskStatus, type NewChannelFeed, type NewTaskKind, type ReconciliationNode,
} from "./documents/operations.ts";
import { ApiError, type GraphQLClient } from "./graphql.ts";

interface RequestOptions {
  signal?: AbortSignal;
}

const present = <T>(nodes: ReadonlyArray<T | null> | null | undefined): T[] => (nodes ?? []).filter((n): n is T => n !== null);

/**
 * A stay on the board. From the day's reservations for the staff who may
 * read them; from the unit's claims for housekeeping, who may not: then
 * without the guest's name or party (null).
 */
export interface BoardStay {
  reservationId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  guestName: string | null;
  adults: number | null;
  children: number | null;
}

/** One unit on the board, with who is in it, who comes and what is to do. */
export interface BoardUnit extends BoardUnitNode {
  /**
   * The guest in the unit (still there, even on their departure day): checked
   * in; from claims, a stay that began before the day and has no check-out
   * cleaning task yet.
   */
  occupant: BoardStay | null;
  /** The occupant leaves today (departure = day). */
  departsToday: boolean;
  /**
   * A guest due to arrive today: not yet checked in; from claims, a stay
   * that begins on the day (whether or not they have checked in already).
   */
  arrival: BoardStay | null;
  /** Tasks due on the day (any status) and earlier ones still open, oldest first. */
  tasks: HousekeepingTaskNode[];
}

export interface HousekeepingBoard {
  day: IsoDate;
  units: BoardUnit[];
  tasks: HousekeepingTaskNode[];
  /**
   * The stays came from the units' claims (the caller reads no
   * reservations): no names, and whether today's arrival has checked in
   * yet is not known.
   */
  fromClaims: boolean;
}

export interface ChannelsOverview {
  units: ChannelUnitNode[];
  feeds: ChannelFeedNode[];
  conflicts: ChannelConflictNode[];
  reconciliation: ReconciliationNode[];
}

export interface OperationsMethods {
  /**
   * withStays: the caller may read reservations (frontDeskDay, with guests'
   * names); otherwise (housekeeping) who is in which unit comes from its
   * claims, without names.
   */
  housekeepingBoard(params: { propertyId: Uuid; day: IsoDate; withStays: boolean }, options?: RequestOptions): Promise<HousekeepingBoard>;
  /** Out of order needs a note (why); the API refuses it while a guest is in the unit (UNIT_UNAVAILABLE). */
  setUnitStatus(params: { unitId: Uuid; status: HousekeepingStatus; note: string | null }): Promise<HousekeepingStatus>;
  updateHousekeepingTask(params: { taskId: Uuid; status: HousekeepingTaskStatus; notes: string | null }): Promise<HousekeepingTaskNode>;
  /** An inspection or maintenance task; one of a kind per unit and day (a second is CONFLICT). */
  createHousekeepingTask(params: { propertyId: Uuid; unitId: Uuid; kind: NewTaskKind; dueDate: IsoDate; notes: string | null }): Promise<HousekeepingTaskNode>;
  channelsOverview(params: { propertyId: Uuid }, options?: RequestOptions): Promise<ChannelsOverview>;
  createChannelFeed(params: NewChannelFeed): Promise<ChannelFeedNode>;
  setChannelFeedActive(params: { feedId: Uuid; isActive: boolean }): Promise<ChannelFeedNode>;
  deleteChannelFeed(params: { feedId: Uuid }): Promise<void>;
  syncChannelFeedNow(params: { feedId: Uuid }): Promise<void>;
  resolveChannelConflict(params: { conflictId: Uuid; resolution: string }): Promise<void>;
}

const fromStay = (s: BoardStayNode): BoardStay => ({
  reservationId: s.rowId, arrival: s.arrival, departure: s.departure, guestName: s.guest?.fullName ?? null, adults: s.adults, children: s.children,
});

const fromClaim = (c: BoardClaimNode): BoardStay => ({
  reservationId: c.reservationId!, arrival: c.startDate, departure: c.endDate, guestName: null, adults: null, children: null,
});

/**
 * Puts the day's stays and tasks on their units: the stays from the day's
 * reservations (`stays`) or, when the caller may not read those (null),
 * from the units' reservation claims over the night before and the day.
 */
export function assembleBoard(
  day: IsoDate,
  units: BoardUnitNode[],
  tasks: HousekeepingTaskNode[],
  stays: BoardStayNode[] | null,
  claims: BoardClaimNode[] = [],
): HousekeepingBoard {
  // A check-out leaves a cleaning task with its reservation: that guest has left.
  const checkedOut = new Set(tasks.filter((t) => t.kind === "checkout_clean" && t.reservationId).map((t) => t.reservationId));
  const booked = claims.filter((c) => c.kind === "reservation" && c.reservationId);
  const board = units
    .filter((u) => u.isActive)
    .map((unit): BoardUnit => {
      let occupant: BoardStay | null;
      let arrival: BoardStay | null;
      if (stays) {
        const inHouse = stays.find((s) => s.unitId === unit.rowId && s.status === "checked_in");
        const coming = stays.find((s) => s.unitId === unit.rowId && s.status === "confirmed" && s.arrival === day);
        occupant = inHouse ? fromStay(inHouse) : null;
        arrival = coming ? fromStay(coming) : null;
      } else {
        const mine = booked.filter((c) => c.unitId === unit.rowId);
        const inHouse = mine.find((c) => c.startDate < day && c.endDate >= day && !checkedOut.has(c.reservationId));
        const coming = mine.find((c) => c.startDate === day && !checkedOut.has(c.reservationId));
        occupant = inHouse ? fromClaim(inHouse) : null;
        arrival = coming ? fromClaim(coming) : null;
      }
      return {
        ...unit,
        occupant,
        departsToday: occupant?.departure === day,
        arrival,
        tasks: tasks.filter((t) => t.unitId === unit.rowId),
      };
    });
  return { day, units: board, tasks, fromClaims: stays === null };
}

const notReturned = (what: string) => new ApiError(`The API did not return the ${what}; reload to see where it stands.`, 502, { code: "BAD_RESPONSE" });

export function createOperationsMethods(client: GraphQLClient): OperationsMethods {
  return {
    async housekeepingBoard({ propertyId, day, withStays }, options = {}) {
      const data = await client.request(housekeepingBoard, { propertyId, day, withStays, claimsFrom: addDays(day, -1), claimsTo: addDays(day, 1) }, options);
      return assembleBoard(
        day,
        present(data.allUnits?.nodes),
        present(data.housekeepingBoard?.nodes),
        withStays ? present(data.frontDeskDay?.nodes) : null,
        present(data.tapeChartClaims?.nodes),
      );
    },
    async setUnitStatus(params) {
      const data = await client.request(setUnitStatus, params);
      const unit = data.setUnitStatus?.result;
      if (!unit) throw notReturned("unit");
      return unit.housekeepingStatus;
    },
    async updateHousekeepingTask(params) {
      const data = await client.request(updateHousekeepingTask, params);
      const task = data.updateHousekeepingTask?.result;
      if (!task) throw notReturned("task");
      return task;
    },
    async createHousekeepingTask(task) {
      const data = await client.request(createHousekeepingTask, { task });
      const created = data.createHousekeepingTask?.housekeepingTask;
      if (!created) throw notReturned("task");
      return created;
    },
    async channelsOverview({ propertyId }, options = {}) {
      const data = await client.request(channelsOverview, { propertyId }, options);
      return {
        units: present(data.allUnits?.nodes),
        feeds: present(data.allChannelFeeds?.nodes),
        conflicts: present(data.openChannelConflicts?.nodes),
        reconciliation: present(data.channelReconciliation?.nodes),
      };
    },
    async createChannelFeed(feed) {
      const data = await client.request(createChannelFeed, { feed });
      const created = data.createChannelFeed?.channelFeed;
      if (!created) throw notReturned("feed");
      return created;
    },
    async setChannelFeedActive(params) {
      const data = await client.request(setChannelFeedActive, params);
      const feed = data.updateChannelFeedByRowId?.channelFeed;
      // No row: it was removed meanwhile, or the user may not manage feeds here (RLS).
      if (!feed) throw new ApiError("No such feed, or you may not change it.", 404, { code: "NTFND" });
      return feed;
    },
    async deleteChannelFeed(params) {
      const data = await client.request(deleteChannelFeed, params);
      if (!data.deleteChannelFeedByRowId?.channelFeed) throw new ApiError("No such feed, or you may not remove it.", 404, { code: "NTFND" });
    },
    async syncChannelFeedNow(params) {
      const data = await client.request(syncChannelFeedNow, params);
      if (!data.syncChannelFeedNow?.result) throw notReturned("feed");
    },
    async resolveChannelConflict(params) {
      const data = await client.request(resolveChannelConflict, params);
      if (!data.resolveChannelConflict?.result) throw notReturned("conflict");
    },
  };
}
