// The housekeeping board's calls, added to the data provider
// (platform/dataProvider.ts spreads them in). None of these mutations takes
// an idempotency key in the API: each sets a state (a unit's status, a
// task's status, who a task is given to), so a repeated click cannot do a thing twice; the screens
// also ignore a second click while the first request runs.
import { assembleBoard, type BoardGuest, type HousekeepingBoard } from "./board.ts";
import type { HousekeepingStatus, IsoDate, StaffRole, Uuid } from "../../platform/documents.ts";
import { staffGroups } from "../../platform/access.ts";
import {
  assignHousekeepingTask, assignHousekeepingTasks, boardStaff, createHousekeepingTask, housekeepingBoard, setHousekeepingTaskPriority, setUnitStatus,
  updateHousekeepingTask, type HousekeepingPriority, type HousekeepingTaskNode, type HousekeepingTaskStatus, type NewTaskKind,
} from "./documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import { notReturned, present, type RequestOptions } from "../../platform/results.ts";

export interface HousekeepingMethods {
  /**
   * The board of a day: the same stays for every role (housekeepingStays);
   * withNames, for the roles that may read reservations, adds the guests'
   * names (frontDeskDay).
   */
  housekeepingBoard(params: { propertyId: Uuid; day: IsoDate; withNames: boolean }, options?: RequestOptions): Promise<HousekeepingBoard>;
  /** Out of order needs a note (why); the API refuses it while a guest is in the unit (UNIT_UNAVAILABLE). */
  setUnitStatus(params: { unitId: Uuid; status: HousekeepingStatus; note: string | null }): Promise<HousekeepingStatus>;
  updateHousekeepingTask(params: { taskId: Uuid; status: HousekeepingTaskStatus; notes: string | null }): Promise<HousekeepingTaskNode>;
  /** A supervisor gives a task to one of the property's housekeepers, or takes it back (null). */
  assignHousekeepingTask(params: { taskId: Uuid; assignee: Uuid | null }): Promise<HousekeepingTaskNode>;
  /** A supervisor gives several tasks to one of the property's housekeepers (null: nobody), all or none. */
  assignHousekeepingTasks(params: { taskIds: Uuid[]; assignee: Uuid | null }): Promise<HousekeepingTaskNode[]>;
  /** A supervisor sets a task's priority. */
  setHousekeepingTaskPriority(params: { taskId: Uuid; priority: HousekeepingPriority }): Promise<HousekeepingTaskNode>;
  /** Who a supervisor can give tasks to (the staff role group housekeepers: attendants first, then supervisors), by name. */
  boardStaff(params: { propertyId: Uuid }, options?: RequestOptions): Promise<Array<{ userId: Uuid; name: string; role: StaffRole }>>;
  /** An inspection or maintenance task; one of a kind per unit and day (a second is CONFLICT). */
  createHousekeepingTask(params: { propertyId: Uuid; unitId: Uuid; kind: NewTaskKind; dueDate: IsoDate; notes: string | null }): Promise<HousekeepingTaskNode>;
}

export function createHousekeepingMethods(client: GraphQLClient): HousekeepingMethods {
  return {
    async housekeepingBoard({ propertyId, day, withNames }, options = {}) {
      const data = await client.request(housekeepingBoard, { propertyId, day, withNames }, options);
      const guests = new Map<Uuid, BoardGuest>();
      for (const stay of present(data.frontDeskDay?.nodes)) guests.set(stay.rowId, { name: stay.guest?.fullName ?? null });
      return assembleBoard(day, present(data.allUnits?.nodes), present(data.housekeepingBoard?.nodes), present(data.housekeepingStays?.nodes), guests);
    },
    async setUnitStatus(params) {
      const data = await client.request(setUnitStatus, params);
      const unit = data.setUnitStatus?.result;
      if (!unit) throw notReturned("unit");
      return unit.housekeepingStatus;
    },
    async assignHousekeepingTask(params) {
      const data = await client.request(assignHousekeepingTask, params);
      const task = data.assignHousekeepingTask?.result;
      if (!task) throw notReturned("task");
      return task;
    },
    async assignHousekeepingTasks(params) {
      const data = await client.request(assignHousekeepingTasks, params);
      return present(data.assignHousekeepingTasks?.result ?? undefined);
    },
    async boardStaff({ propertyId }, options = {}) {
      const data = await client.request(boardStaff, { propertyId }, options);
      const housekeepers: readonly StaffRole[] = staffGroups.housekeepers;
      return present(data.allPropertyMemberships?.nodes)
        .filter((m) => housekeepers.includes(m.role))
        .map((m) => ({ userId: m.userId, name: m.userByUserId?.displayName ?? "Someone", role: m.role }))
        .sort((a, b) => (a.role === "housekeeping" ? 0 : 1) - (b.role === "housekeeping" ? 0 : 1) || a.name.localeCompare(b.name));
    },
    async setHousekeepingTaskPriority(params) {
      const data = await client.request(setHousekeepingTaskPriority, params);
      const task = data.setHousekeepingTaskPriority?.result;
      if (!task) throw notReturned("task");
      return task;
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
  };
}
