// Operations' calls, added to the data provider (dataProvider.ts spreads
// them in): the housekeeping board and its actions, and the channel
// manager. None of these mutations takes an idempotency key in the API:
// each sets a state (a unit's status, a task's status, a feed's activity)
// or is refused the second time (a resolved conflict: INVALID_TRANSITION),
// so a repeated click cannot do a thing twice; the screens also ignore a
// second click while the first request runs.
import type { HousekeepingStatus, IsoDate, Timestamp, Uuid } from "./documents.ts";
import {
  channelsOverview, createChannelFeed, createHousekeepingTask, deleteChannelFeed, housekeepingBoard, resolveChannelConflict, setChannelFeedActive,
  setUnitStatus, syncChannelFeedNow, updateHousekeepingTask,
  type BoardStayNode, type BoardUnitNode, type ChannelConflictNode, type ChannelFeedNode, type ChannelUnitNode,
  type HousekeepingTaskNode, type HousekeepingTaskStatus, type NewChannelFeed, type NewTaskKind, type ReconciliationNode,
} from "./documents/operations.ts";
import { ApiError, type GraphQLClient } from "./graphql.ts";

interface RequestOptions {
  signal?: AbortSignal;
}

const present = <T>(nodes: ReadonlyArray<T | null> | null | undefined): T[] => (nodes ?? []).filter((n): n is T => n !== null);

/**
 * A stay on the board (housekeepingStays): unit, dates, state and party,
 * the same for every role; the guest's name only for the staff who may
 * read reservations (null for housekeeping).
 */
export interface BoardStay {
  reservationId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  adults: number;
  children: number;
  checkedInAt: Timestamp | null;
  checkedOutAt: Timestamp | null;
  guestName: string | null;
}

/**
 * Where a unit stands on the day, from its stays (the first that applies):
 * - `checked_in_today`: a guest arrived today and is checked in;
 * - `leaving_today`: the guest in it leaves today, not checked out yet;
 * - `occupied`: a guest is checked in, staying on after today;
 * - `left_today`: nobody in it, a guest checked out of it today (it needs
 *   cleaning, unless done already);
 * - `vacant`: nobody in it, nobody left it today.
 * A guest still to arrive today is `arrival`, besides.
 */
export type Occupancy = "checked_in_today" | "leaving_today" | "occupied" | "left_today" | "vacant";

/** One unit on the board, with who is in it, who comes and what is to do. */
export interface BoardUnit extends BoardUnitNode {
  occupancy: Occupancy;
  /** The guest checked in to the unit (still there, even on their departure day). */
  occupant: BoardStay | null;
  /** The occupant leaves today (departure = day). */
  departsToday: boolean;
  /**
   * Nobody is in the unit and a guest checked out of it today: their stay
   * when it ended today as booked, or null for one who left early (then only
   * the check-out cleaning task due today says so).
   */
  departed: BoardStay | null;
  /** A guest due to arrive today and not yet checked in. */
  arrival: BoardStay | null;
  /** Tasks due on the day (any status) and earlier ones still open, oldest first. */
  tasks: HousekeepingTaskNode[];
}

export interface HousekeepingBoard {
  day: IsoDate;
  units: BoardUnit[];
  tasks: HousekeepingTaskNode[];
}

export interface ChannelsOverview {
  units: ChannelUnitNode[];
  feeds: ChannelFeedNode[];
  conflicts: ChannelConflictNode[];
  reconciliation: ReconciliationNode[];
}

export interface OperationsMethods {
  /**
   * The board of a day: the same stays for every role (housekeepingStays);
   * withNames, for the roles that may read reservations, adds the guests'
   * names (frontDeskDay).
   */
  housekeepingBoard(params: { propertyId: Uuid; day: IsoDate; withNames: boolean }, options?: RequestOptions): Promise<HousekeepingBoard>;
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

/**
 * Puts the day's stays and tasks on their units. `names`: the guests'
 * names by reservation, for the roles that may read them (empty for
 * housekeeping).
 */
export function assembleBoard(
  day: IsoDate,
  units: BoardUnitNode[],
  tasks: HousekeepingTaskNode[],
  stays: BoardStayNode[],
  names: ReadonlyMap<Uuid, string> = new Map(),
): HousekeepingBoard {
  const toStay = (s: BoardStayNode): BoardStay => ({
    reservationId: s.reservationId, arrival: s.arrival, departure: s.departure, adults: s.adults, children: s.children,
    checkedInAt: s.checkedInAt, checkedOutAt: s.checkedOutAt, guestName: names.get(s.reservationId) ?? null,
  });
  const board = units
    .filter((u) => u.isActive)
    .map((unit): BoardUnit => {
      const mine = stays.filter((s) => s.unitId === unit.rowId);
      const unitTasks = tasks.filter((t) => t.unitId === unit.rowId);
      const inHouse = mine.find((s) => s.status === "checked_in");
      const coming = mine.find((s) => s.status === "confirmed" && s.arrival === day);
      const left = mine.find((s) => s.status === "checked_out" && s.departure === day);
      const occupant = inHouse ? toStay(inHouse) : null;
      // A check-out opens the unit's cleaning task that day, with its
      // reservation: the trace of a guest who left before their departure
      // date (whose stay is no longer one of the day's).
      const leftEarly = unitTasks.some((t) => t.kind === "checkout_clean" && t.dueDate === day && t.reservationId !== null);
      const departsToday = occupant?.departure === day;
      const occupancy: Occupancy = occupant
        ? occupant.arrival === day
          ? "checked_in_today"
          : departsToday
            ? "leaving_today"
            : "occupied"
        : left || leftEarly
          ? "left_today"
          : "vacant";
      return {
        ...unit,
        occupancy,
        occupant,
        departsToday,
        departed: !occupant && left ? toStay(left) : null,
        arrival: coming ? toStay(coming) : null,
        tasks: unitTasks,
      };
    });
  return { day, units: board, tasks };
}

const notReturned = (what: string) => new ApiError(`The API did not return the ${what}; reload to see where it stands.`, 502, { code: "BAD_RESPONSE" });

export function createOperationsMethods(client: GraphQLClient): OperationsMethods {
  return {
    async housekeepingBoard({ propertyId, day, withNames }, options = {}) {
      const data = await client.request(housekeepingBoard, { propertyId, day, withNames }, options);
      const names = new Map<Uuid, string>();
      for (const stay of present(data.frontDeskDay?.nodes)) if (stay.guest) names.set(stay.rowId, stay.guest.fullName);
      return assembleBoard(day, present(data.allUnits?.nodes), present(data.housekeepingBoard?.nodes), present(data.housekeepingStays?.nodes), names);
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
