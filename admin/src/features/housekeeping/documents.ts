// The housekeeping board's GraphQL documents: units, today's tasks, who is
// in which unit, and its actions. Written by hand against
// server/schema.graphql like the other documents, and checked against it by
// tests/api/admin_operations_documents.test.ts. No DOM or React here.
import { operation, type HousekeepingStatus, type IsoDate, type ReservationStatus, type StaffRole, type Timestamp, type Uuid } from "../../platform/documents.ts";

// ---------------------------------------------------------------------------
// Housekeeping
// ---------------------------------------------------------------------------

export const housekeepingTaskKinds = ["checkout_clean", "stayover_clean", "inspection", "maintenance"] as const;
export type HousekeepingTaskKind = (typeof housekeepingTaskKinds)[number];
export type HousekeepingTaskStatus = "open" | "in_progress" | "done" | "cancelled";
/** How soon a task must be done (issue 21): set by housekeeping supervisors, owners and managers. */
export const housekeepingPriorities = ["urgent", "high", "normal"] as const;
export type HousekeepingPriority = (typeof housekeepingPriorities)[number];

export interface BoardUnitNode {
  rowId: Uuid;
  name: string;
  housekeepingStatus: HousekeepingStatus;
  isActive: boolean;
  /**
   * A checked-in guest is in the unit now (migration 000022: kept by a
   * trigger on check-in, check-out, room moves and undo). The board's
   * "Occupied"/"Vacant"; and since it is the unit's row, which every staff
   * member reads, a check-in made anywhere reaches every board live.
   */
  isOccupied: boolean;
  roomType: { rowId: Uuid; name: string } | null;
}

export interface HousekeepingTaskNode {
  rowId: Uuid;
  unitId: Uuid;
  kind: HousekeepingTaskKind;
  dueDate: IsoDate;
  status: HousekeepingTaskStatus;
  priority: HousekeepingPriority;
  notes: string | null;
  reservationId: Uuid | null;
  assignedTo: Uuid | null;
  completedAt: Timestamp | null;
  createdAt: Timestamp;
  userByAssignedTo: { rowId: Uuid; displayName: string } | null;
  userByCompletedBy: { rowId: Uuid; displayName: string } | null;
}

/**
 * A stay of the day as the board needs it (housekeepingStays, migration
 * 000020): the same arrivals, departures and guests in house as
 * frontDeskDay, but only the unit, the dates, the state and how many
 * guests: never who they are or what they pay. Every role of the board
 * may read it, housekeeping too (who reads no reservations).
 */
export interface BoardStayNode {
  reservationId: Uuid;
  unitId: Uuid | null;
  arrival: IsoDate;
  departure: IsoDate;
  status: ReservationStatus;
  adults: number;
  children: number;
  checkedInAt: Timestamp | null;
  checkedOutAt: Timestamp | null;
  /** The guest hung do-not-disturb for the day (setDoNotDisturb; migration 000072): every role of the board sees it. */
  doNotDisturb: boolean;
  /** When the guest expects to arrive ("11:00:00", local), or null (issue 21). */
  expectedArrivalTime: string | null;
  /** An arrival of the day expected before the property's check-in time: its unit is cleaned first. */
  earlyCheckIn: boolean;
}

/** The guest's name of a stay of the day (frontDeskDay): only for the roles that read reservations. */
export interface BoardGuestNode {
  rowId: Uuid;
  guest: { fullName: string } | null;
}

const taskFields = `
  rowId unitId kind dueDate status priority notes reservationId assignedTo completedAt createdAt
  userByAssignedTo { rowId displayName }
  userByCompletedBy { rowId displayName }`;

export interface HousekeepingBoardData {
  allUnits: { nodes: Array<BoardUnitNode | null> } | null;
  housekeepingBoard: { nodes: Array<HousekeepingTaskNode | null> } | null;
  housekeepingStays: { nodes: Array<BoardStayNode | null> } | null;
  /** Only when asked for (withNames): staff who may read reservations. */
  frontDeskDay?: { nodes: Array<BoardGuestNode | null> } | null;
}

/**
 * The board in one request: the property's units (whether a guest is in
 * each: isOccupied), the tasks due on the day
 * (and earlier ones still open: housekeepingBoard), and the day's
 * arrivals, departures and guests in house (housekeepingStays: unit, dates,
 * state, number of guests), the same for every role. For staff who may
 * read reservations (withNames) the guests' names too, from frontDeskDay
 * (the same stays), and nothing else of it; housekeeping, who reads no
 * reservations or guest profiles, never asks for them.
 */
export const housekeepingBoard = operation<HousekeepingBoardData, { propertyId: Uuid; day: IsoDate; withNames: boolean }>(
  "HousekeepingBoard",
  `query HousekeepingBoard($propertyId: UUID!, $day: Date!, $withNames: Boolean!) {
    allUnits(condition: {propertyId: $propertyId}, orderBy: [NAME_ASC]) {
      nodes { rowId name housekeepingStatus isActive isOccupied roomType { rowId name } }
    }
    housekeepingBoard(propertyId: $propertyId, day: $day) {
      nodes { ${taskFields} }
    }
    housekeepingStays(propertyId: $propertyId, day: $day) {
      nodes { reservationId unitId arrival departure status adults children checkedInAt checkedOutAt doNotDisturb expectedArrivalTime earlyCheckIn }
    }
    frontDeskDay(propertyId: $propertyId, day: $day) @include(if: $withNames) {
      nodes { rowId guest { fullName } }
    }
  }`,
);

export const setUnitStatus = operation<
  { setUnitStatus: { result: { rowId: Uuid; housekeepingStatus: HousekeepingStatus } | null } | null },
  { unitId: Uuid; status: HousekeepingStatus; note: string | null }
>(
  "SetUnitStatus",
  `mutation SetUnitStatus($unitId: UUID!, $status: HousekeepingStatus!, $note: String) {
    setUnitStatus(input: {unitId: $unitId, status: $status, note: $note}) { result { rowId housekeepingStatus } }
  }`,
);

export const updateHousekeepingTask = operation<
  { updateHousekeepingTask: { result: HousekeepingTaskNode | null } | null },
  { taskId: Uuid; status: HousekeepingTaskStatus; notes: string | null }
>(
  "UpdateHousekeepingTask",
  `mutation UpdateHousekeepingTask($taskId: UUID!, $status: HousekeepingTaskStatus!, $notes: String) {
    updateHousekeepingTask(input: {taskId: $taskId, status: $status, notes: $notes}) { result { ${taskFields} } }
  }`,
);

/** A supervisor (housekeeping supervisor, owner or manager) gives a task to one of the property's housekeepers, or takes it back (null). */
export const assignHousekeepingTask = operation<
  { assignHousekeepingTask: { result: HousekeepingTaskNode | null } | null },
  { taskId: Uuid; assignee: Uuid | null }
>(
  "AssignHousekeepingTask",
  `mutation AssignHousekeepingTask($taskId: UUID!, $assignee: UUID) {
    assignHousekeepingTask(input: {taskId: $taskId, assignee: $assignee}) { result { ${taskFields} } }
  }`,
);

/** A supervisor gives several tasks to one of the property's housekeepers at once (or takes them back: null), all or none (issue 21). */
export const assignHousekeepingTasks = operation<
  { assignHousekeepingTasks: { result: Array<HousekeepingTaskNode | null> | null } | null },
  { taskIds: Uuid[]; assignee: Uuid | null }
>(
  "AssignHousekeepingTasks",
  `mutation AssignHousekeepingTasks($taskIds: [UUID]!, $assignee: UUID) {
    assignHousekeepingTasks(input: {taskIds: $taskIds, assignee: $assignee}) { result { ${taskFields} } }
  }`,
);

/** The property's staff, read by a supervisor; tasks go to its housekeepers (attendants and housekeeping supervisors). */
export interface BoardStaffNode {
  userId: Uuid;
  role: StaffRole;
  userByUserId: { displayName: string } | null;
}

export const boardStaff = operation<{ allPropertyMemberships: { nodes: Array<BoardStaffNode | null> } | null }, { propertyId: Uuid }>(
  "HousekeepingBoardStaff",
  `query HousekeepingBoardStaff($propertyId: UUID!) {
    allPropertyMemberships(condition: {propertyId: $propertyId}) { nodes { userId role userByUserId { displayName } } }
  }`,
);

/** A supervisor sets a task's priority (normal, high, urgent; issue 21). */
export const setHousekeepingTaskPriority = operation<
  { setHousekeepingTaskPriority: { result: HousekeepingTaskNode | null } | null },
  { taskId: Uuid; priority: HousekeepingPriority }
>(
  "SetHousekeepingTaskPriority",
  `mutation SetHousekeepingTaskPriority($taskId: UUID!, $priority: HousekeepingPriority!) {
    setHousekeepingTaskPriority(input: {taskId: $taskId, priority: $priority}) { result { ${taskFields} } }
  }`,
);

/** Staff may add inspection and maintenance tasks (the insert policy); cleaning tasks come from check-outs and the stay-over rule. */
export type NewTaskKind = Extract<HousekeepingTaskKind, "inspection" | "maintenance">;

export const createHousekeepingTask = operation<
  { createHousekeepingTask: { housekeepingTask: HousekeepingTaskNode | null } | null },
  { task: { propertyId: Uuid; unitId: Uuid; kind: NewTaskKind; dueDate: IsoDate; notes: string | null } }
>(
  "CreateHousekeepingTask",
  `mutation CreateHousekeepingTask($task: HousekeepingTaskInput!) {
    createHousekeepingTask(input: {housekeepingTask: $task}) { housekeepingTask { ${taskFields} } }
  }`,
);

/** The documents above, for the schema test. */
export const housekeepingDocuments = [housekeepingBoard, setUnitStatus, updateHousekeepingTask, createHousekeepingTask, assignHousekeepingTask, assignHousekeepingTasks, setHousekeepingTaskPriority, boardStaff] as const;
