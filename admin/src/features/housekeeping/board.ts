// The housekeeping board's state of each unit, put together from what the
// board's one request returns (./documents.ts, housekeepingBoard):
// occupied or vacant as the unit says (isOccupied, migration 000022), and
// from the day's stays (housekeepingStays) since and until when, who left
// today and who arrives. Plain data, no DOM or React: tested by
// tests/api/admin_operations_documents.test.ts.
import type { IsoDate, Timestamp, Uuid } from "../../platform/documents.ts";
import type { BoardStayNode, BoardUnitNode, HousekeepingPriority, HousekeepingTaskNode } from "./documents.ts";

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
  /** The guest hung do-not-disturb for the day (setDoNotDisturb): housekeepingStays says so to every role of the board. */
  doNotDisturb: boolean;
  /** When the guest expects to arrive, "HH:MM" (local), or null. */
  expectedArrivalTime: string | null;
  /** Arriving on the day before the property's check-in time (housekeepingStays decides). */
  earlyCheckIn: boolean;
}

/**
 * Where a unit stands on the day. Whether a guest is in it is the unit's
 * own word (isOccupied, migration 000022); the day's stays say the rest:
 * - `checked_in_today`: occupied, by a guest who arrived today;
 * - `leaving_today`: occupied, by a guest who leaves today (not checked
 *   out yet);
 * - `occupied`: occupied, by a guest staying on after today;
 * - `left_today`: nobody in it, a guest checked out of it today (it needs
 *   cleaning, unless done already);
 * - `vacant`: nobody in it, nobody left it today.
 * A guest still to arrive today is `arrival`, besides.
 */
export type Occupancy = "checked_in_today" | "leaving_today" | "occupied" | "left_today" | "vacant";

/** One unit on the board, with who is in it, who comes and what is to do. */
export interface BoardUnit extends BoardUnitNode {
  occupancy: Occupancy;
  /**
   * The checked-in stay of an occupied unit (its dates and party; still
   * there on its departure day); null for a vacant one.
   */
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
  /**
   * Clean it first: a guest arrives in it today and it is still dirty.
   * The board lists priority units first, early check-ins (an arrival
   * expected before the check-in time) before them, earliest first.
   */
  priority: boolean;
  /** A priority unit whose guest checks in early: the expected time ("11:00"), else null. */
  earlyCheckIn: string | null;
  /** The highest priority a supervisor gave one of its open tasks (issue 21), or null when it has none open. */
  taskPriority: HousekeepingPriority | null;
}

const priorityRank: Record<HousekeepingPriority, number> = { urgent: 0, high: 1, normal: 2 };

/** Tasks in the order to do them: urgent, high, normal (stable: otherwise as given). */
export function byPriority<T extends { priority: HousekeepingPriority }>(tasks: readonly T[]): T[] {
  return [...tasks].sort((a, b) => priorityRank[a.priority] - priorityRank[b.priority]);
}

/** What the roles that read reservations learn of a stay of the day (frontDeskDay). */
export interface BoardGuest {
  name: string | null;
}

export interface HousekeepingBoard {
  day: IsoDate;
  units: BoardUnit[];
  tasks: HousekeepingTaskNode[];
}

/**
 * Puts the day's stays and tasks on their units: occupied or vacant as the
 * unit says (isOccupied), with the dates and party of its stays. `guests`:
 * the guests' names by reservation, for the roles that
 * may read them (empty for housekeeping). Units a guest arrives in today
 * that are still dirty come first (priority): those whose guest checks in
 * early first, earliest expected first; then the rest, those with an
 * urgent, then a high task first (a supervisor's priority), each in the
 * units' order.
 */
export function assembleBoard(
  day: IsoDate,
  units: BoardUnitNode[],
  tasks: HousekeepingTaskNode[],
  stays: BoardStayNode[],
  guests: ReadonlyMap<Uuid, BoardGuest> = new Map(),
): HousekeepingBoard {
  const toStay = (s: BoardStayNode): BoardStay => ({
    reservationId: s.reservationId, arrival: s.arrival, departure: s.departure, adults: s.adults, children: s.children,
    checkedInAt: s.checkedInAt, checkedOutAt: s.checkedOutAt, guestName: guests.get(s.reservationId)?.name ?? null,
    doNotDisturb: s.doNotDisturb, expectedArrivalTime: s.expectedArrivalTime?.slice(0, 5) ?? null, earlyCheckIn: s.earlyCheckIn,
  });
  const board = units
    .filter((u) => u.isActive)
    .map((unit): BoardUnit => {
      const mine = stays.filter((s) => s.unitId === unit.rowId);
      const unitTasks = tasks.filter((t) => t.unitId === unit.rowId);
      // The unit says whether a guest is in it (isOccupied); the checked-in
      // stay in it, when occupied, says since and until when.
      const inHouse = unit.isOccupied ? mine.find((s) => s.status === "checked_in") : undefined;
      const coming = mine.find((s) => s.status === "confirmed" && s.arrival === day);
      const left = mine.find((s) => s.status === "checked_out" && s.departure === day);
      const occupant = inHouse ? toStay(inHouse) : null;
      // A check-out opens the unit's cleaning task that day, with its
      // reservation: the trace of a guest who left before their departure
      // date (whose stay is no longer one of the day's).
      const leftEarly = unitTasks.some((t) => t.kind === "checkout_clean" && t.dueDate === day && t.reservationId !== null);
      const departsToday = occupant?.departure === day;
      const occupancy: Occupancy = unit.isOccupied
        ? occupant?.arrival === day
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
        departed: !unit.isOccupied && left ? toStay(left) : null,
        arrival: coming ? toStay(coming) : null,
        tasks: unitTasks,
        priority: coming !== undefined && unit.housekeepingStatus === "dirty",
        earlyCheckIn: coming !== undefined && unit.housekeepingStatus === "dirty" && coming.earlyCheckIn ? (coming.expectedArrivalTime?.slice(0, 5) ?? null) : null,
        taskPriority: byPriority(unitTasks.filter((t) => t.status === "open" || t.status === "in_progress"))[0]?.priority ?? null,
      };
    });
  const early = board.filter((u) => u.earlyCheckIn !== null).sort((a, b) => a.earlyCheckIn!.localeCompare(b.earlyCheckIn!));
  // Then the other arrivals in dirty units; then the rest, those with an urgent or a high task first.
  const rest = board.filter((u) => !u.priority).sort((a, b) => priorityRank[a.taskPriority ?? "normal"] - priorityRank[b.taskPriority ?? "normal"]);
  return { day, units: [...early, ...board.filter((u) => u.priority && u.earlyCheckIn === null), ...rest], tasks };
}
