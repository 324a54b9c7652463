// The channel manager's calls, added to the data provider
// (platform/dataProvider.ts spreads them in). None of these mutations takes
// an idempotency key in the API: each sets a state (a feed's activity) or is
// refused the second time (a resolved conflict: INVALID_TRANSITION), so a
// repeated click cannot do a thing twice; the screens also ignore a second
// click while the first request runs.
import type { Uuid } from "../../platform/documents.ts";
import {
  acceptChannelFeedChange, channelsOverview, createChannelFeed, deleteChannelFeed, resolveChannelConflict, setChannelFeedActive, syncChannelFeedNow,
  type ChannelConflictNode, type ChannelFeedNode, type ChannelUnitNode, type NewChannelFeed, type ReconciliationNode,
} from "./documents.ts";
import { ApiError, type GraphQLClient } from "../../platform/graphql.ts";
import { notReturned, present, type RequestOptions } from "../../platform/results.ts";

export interface ChannelsOverview {
  units: ChannelUnitNode[];
  feeds: ChannelFeedNode[];
  conflicts: ChannelConflictNode[];
  reconciliation: ReconciliationNode[];
}

export interface ChannelsMethods {
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

export function createChannelsMethods(client: GraphQLClient): ChannelsMethods {
  return {
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
