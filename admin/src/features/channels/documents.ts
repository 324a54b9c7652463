// The channel manager's GraphQL documents: iCal feeds per unit, their sync
// state, the units' export links, open conflicts and the reconciliation
// report. Written by hand against server/schema.graphql like the other
// documents, and checked against it by tests/api/admin_operations_documents.test.ts.
// No DOM or React here.
import { operation, type IsoDate, type ReservationStatus, type Timestamp, type Uuid } from "../../platform/documents.ts";

// ---------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------

export const channelSources = ["airbnb", "vrbo", "booking_com", "other"] as const;
export type ChannelSource = (typeof channelSources)[number];

export interface ChannelUnitNode {
  rowId: Uuid;
  name: string;
  isActive: boolean;
  /** The secret of the unit's export URL, /ical/<token>.ics. */
  icalToken: string;
  roomType: { rowId: Uuid; name: string } | null;
}

export interface ChannelFeedNode {
  rowId: Uuid;
  unitId: Uuid;
  source: ChannelSource;
  name: string;
  /** The channel's private export URL: a secret, shown by host only. */
  url: string;
  isActive: boolean;
  pollIntervalMinutes: number;
  nextPollAt: Timestamp;
  lastPolledAt: Timestamp | null;
  lastSuccessAt: Timestamp | null;
  lastError: string | null;
  lastErrorAt: Timestamp | null;
  consecutiveFailures: number;
  eventsSeen: number | null;
  createdAt: Timestamp;
  /**
   * A fetch that would open most of the feed's blocked nights at once (an
   * empty calendar, a sudden drop), kept aside: the feed keeps its blocks
   * until a fetch after confirmAfter says the same or staff accept it
   * (acceptChannelFeedChange). Null when none.
   */
  pendingChange: ChannelFeedPendingChange | null;
}

/** ChannelFeed.pendingChange (migration 000025); the columns are never null when the row exists. */
export interface ChannelFeedPendingChange {
  firstSeenAt: Timestamp | null;
  confirmAfter: Timestamp | null;
  /** Written for people, e.g. "The channel's calendar came back empty: it would open all 5 blocked nights." */
  reason: string | null;
  nightsReleased: number | null;
  nightsBlocked: number | null;
}

/**
 * One channel booking against one Keepr stay or block (migration 000025):
 * startDate..endDate are only the nights both hold (end exclusive); the
 * booking's own dates are eventStartDate..eventEndDate, and its other
 * nights are blocked in Keepr already.
 */
export interface ChannelConflictNode {
  rowId: Uuid;
  unitId: Uuid;
  feedId: Uuid;
  uid: string;
  /** The first night sold twice. */
  startDate: IsoDate;
  /** The day after the last night sold twice. */
  endDate: IsoDate;
  /** The channel booking's first night. */
  eventStartDate: IsoDate;
  /** The channel booking's checkout day. */
  eventEndDate: IsoDate;
  summary: string | null;
  detectedAt: Timestamp;
  /** Null while open. */
  closedBy: "staff" | "sync" | null;
  feed: { rowId: Uuid; name: string; source: ChannelSource } | null;
  conflictingClaim: {
    rowId: Uuid;
    kind: string;
    startDate: IsoDate | null;
    endDate: IsoDate | null;
    note: string | null;
    /** Another feed's block: two channels hold the same nights. */
    feed: { rowId: Uuid; name: string; source: ChannelSource } | null;
  } | null;
  conflictingReservation: {
    rowId: Uuid;
    confirmationCode: string | null;
    status: ReservationStatus;
    arrival: IsoDate | null;
    departure: IsoDate | null;
    guest: { fullName: string } | null;
  } | null;
}

export type ReconciliationKind = "conflict" | "not_blocked_on_channel" | "feed_waiting" | "feed_failing" | "feed_stale";

export interface ReconciliationNode {
  feedId: Uuid | null;
  feedName: string | null;
  unitName: string | null;
  kind: ReconciliationKind | null;
  startDate: IsoDate | null;
  endDate: IsoDate | null;
  detail: string | null;
}

const feedFields = `
  rowId unitId source name url isActive pollIntervalMinutes nextPollAt lastPolledAt lastSuccessAt
  lastError lastErrorAt consecutiveFailures eventsSeen createdAt
  pendingChange { firstSeenAt confirmAfter reason nightsReleased nightsBlocked }`;

export interface ChannelsOverviewData {
  allUnits: { nodes: Array<ChannelUnitNode | null> } | null;
  allChannelFeeds: { nodes: Array<ChannelFeedNode | null> } | null;
  openChannelConflicts: { nodes: Array<ChannelConflictNode | null> } | null;
  channelReconciliation: { nodes: Array<ReconciliationNode | null> } | null;
}

/** The channel manager in one request: units with their export token, feeds, open conflicts, the reconciliation report. */
export const channelsOverview = operation<ChannelsOverviewData, { propertyId: Uuid }>(
  "ChannelsOverview",
  `query ChannelsOverview($propertyId: UUID!) {
    allUnits(condition: {propertyId: $propertyId}, orderBy: [NAME_ASC]) {
      nodes { rowId name isActive icalToken roomType { rowId name } }
    }
    allChannelFeeds(condition: {propertyId: $propertyId}, orderBy: [PRIMARY_KEY_ASC]) {
      nodes { ${feedFields} }
    }
    openChannelConflicts(propertyId: $propertyId) {
      nodes {
        rowId unitId feedId uid startDate endDate eventStartDate eventEndDate summary detectedAt closedBy
        feed { rowId name source }
        conflictingClaim { rowId kind startDate endDate note feed { rowId name source } }
        conflictingReservation { rowId confirmationCode status arrival departure guest { fullName } }
      }
    }
    channelReconciliation(propertyId: $propertyId) {
      nodes { feedId feedName unitName kind startDate endDate detail }
    }
  }`,
);

export interface NewChannelFeed {
  propertyId: Uuid;
  unitId: Uuid;
  source: ChannelSource;
  name: string;
  url: string;
  pollIntervalMinutes: number;
}

export const createChannelFeed = operation<
  { createChannelFeed: { channelFeed: ChannelFeedNode | null } | null },
  { feed: NewChannelFeed }
>(
  "CreateChannelFeed",
  `mutation CreateChannelFeed($feed: ChannelFeedInput!) {
    createChannelFeed(input: {channelFeed: $feed}) { channelFeed { ${feedFields} } }
  }`,
);

export const setChannelFeedActive = operation<
  { updateChannelFeedByRowId: { channelFeed: ChannelFeedNode | null } | null },
  { feedId: Uuid; isActive: boolean }
>(
  "SetChannelFeedActive",
  `mutation SetChannelFeedActive($feedId: UUID!, $isActive: Boolean!) {
    updateChannelFeedByRowId(input: {rowId: $feedId, channelFeedPatch: {isActive: $isActive}}) { channelFeed { ${feedFields} } }
  }`,
);

export const deleteChannelFeed = operation<
  { deleteChannelFeedByRowId: { channelFeed: { rowId: Uuid } | null } | null },
  { feedId: Uuid }
>(
  "DeleteChannelFeed",
  `mutation DeleteChannelFeed($feedId: UUID!) {
    deleteChannelFeedByRowId(input: {rowId: $feedId}) { channelFeed { rowId } }
  }`,
);

export const syncChannelFeedNow = operation<
  { syncChannelFeedNow: { result: { rowId: Uuid } | null } | null },
  { feedId: Uuid }
>(
  "SyncChannelFeedNow",
  `mutation SyncChannelFeedNow($feedId: UUID!) {
    syncChannelFeedNow(input: {feedId: $feedId}) { result { rowId } }
  }`,
);

export const resolveChannelConflict = operation<
  { resolveChannelConflict: { result: { rowId: Uuid; status: "open" | "resolved"; resolvedAt: Timestamp | null; resolution: string | null } | null } | null },
  { conflictId: Uuid; resolution: string }
>(
  "ResolveChannelConflict",
  `mutation ResolveChannelConflict($conflictId: UUID!, $resolution: String!) {
    resolveChannelConflict(input: {conflictId: $conflictId, resolution: $resolution}) { result { rowId status resolvedAt resolution } }
  }`,
);

/**
 * Applies the fetch a feed keeps waiting to be confirmed (it opens most of
 * the feed's blocked nights) now. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION
 * (nothing is waiting any more: a later fetch applied or replaced it, or
 * someone accepted it first).
 */
export const acceptChannelFeedChange = operation<
  { acceptChannelFeedChange: { result: ChannelFeedNode | null } | null },
  { feedId: Uuid }
>(
  "AcceptChannelFeedChange",
  `mutation AcceptChannelFeedChange($feedId: UUID!) {
    acceptChannelFeedChange(input: {feedId: $feedId}) { result { ${feedFields} } }
  }`,
);

/** The documents above, for the schema test. */

/** The documents above, for the schema test. */
export const channelsDocuments = [
  channelsOverview, createChannelFeed, setChannelFeedActive, deleteChannelFeed, syncChannelFeedNow, resolveChannelConflict, acceptChannelFeedChange,
] as const;
