// Operations' calls, added to the data provider (dataProvider.ts spreads
// them in): the housekeeping board and its actions, and the channel
// manager. None of these mutations takes an idempotency key in the API:
// each sets a state (a unit's status, a task's status, a feed's activity)
// or is refused the second time (a resolved conflict: INVALID_TRANSITION),
// so a repeated click cannot do a thing twice; the screens also ignore a
// second click while the first request runs.
import { assembleBoard, type HousekeepingBoard } from "./board.ts";
import type { HousekeepingStatus, IsoDate, Uuid } from "../../platform/documents.ts";
import {
  acceptChannelFeedChange, channelsOverview, createChannelFeed, createHousekeepingTask, deleteChannelFeed, housekeepingBoard, resolveChannelConflict, setChannelFeedActive,
  setUnitStatus, syncChannelFeedNow, updateHousekeepingTask,
  type ChannelConflictNode, type ChannelFeedNode, type ChannelUnitNode,
  type HousekeepingTaskNode, type HousekeepingTaskStatus, type NewChannelFeed, type NewTaskKind, type ReconciliationNode,
} from "./documents.ts";
import { ApiError, type GraphQLClient } from "../../platform/graphql.ts";
import { present, type RequestOptions } from "../../platform/results.ts";


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
  /** Staff acknowledge a conflict with a note; it stays closed while the same two bookings keep these nights (000025: no re-sync). */
  resolveChannelConflict(params: { conflictId: Uuid; resolution: string }): Promise<void>;
  /** Applies the fetch a feed keeps waiting to be confirmed (it opens most of its blocked nights). */
  acceptChannelFeedChange(params: { feedId: Uuid }): Promise<ChannelFeedNode>;
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
      if (!feed) throw new ApiError("No such feed, or you may not change it.", 404, { code: "NOT_FOUND" });
      return feed;
    },
    async deleteChannelFeed(params) {
      const data = await client.request(deleteChannelFeed, params);
      if (!data.deleteChannelFeedByRowId?.channelFeed) throw new ApiError("No such feed, or you may not remove it.", 404, { code: "NOT_FOUND" });
    },
    async syncChannelFeedNow(params) {
      const data = await client.request(syncChannelFeedNow, params);
      if (!data.syncChannelFeedNow?.result) throw notReturned("feed");
    },
    async resolveChannelConflict(params) {
      const data = await client.request(resolveChannelConflict, params);
      if (!data.resolveChannelConflict?.result) throw notReturned("conflict");
    },
    async acceptChannelFeedChange(params) {
      const data = await client.request(acceptChannelFeedChange, params);
      const feed = data.acceptChannelFeedChange?.result;
      if (!feed) throw notReturned("feed");
      return feed;
    },
  };
}
