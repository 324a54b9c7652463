// The group booking screens' calls, added to the data provider
// (dataProvider.ts spreads them in). createGroupHold, confirmGroup and
// cancelGroup, changeGroupDates and addGroupRoom take an IdempotencyKey (idempotency.ts): one per user action;
// setRoomGuestName sets a value (sending it twice is the same).
import type { Uuid } from "../../platform/documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import type { IdempotencyKey } from "../../platform/idempotency.ts";
import { missing, notFound, present, type RequestOptions } from "../../platform/results.ts";
import {
  addGroupRoom, quoteGroupRoom, bookingGroup, bookingGroupByCode, cancelGroup, changeGroupDates, confirmGroup, createGroupHold, groupRatePlans, quoteGroup,
  quoteGroupChange, roomCombinations, setRoomGuestName,
  type BookingGroupNode, type GroupBookingResult, type GroupChangeQuoteNode, type GroupContact, type GroupHoldNode, type GroupQuoteNode, type GroupRatePlanNode, type GroupRoomPrice,
  type GroupRoomValue, type RoomCombinationNode, type RoomCombinationsVariables,
} from "./documents.ts";

/** A group code as the API writes them: G- and 8 of A–Z, 2–9. */
export const groupCodePattern = /^G-[A-Z2-9]{8}$/;

/**
 * The room a group refusal names ("Room 2 (Suite): …", "Room 3: …"), so the
 * screen shows it beside that room; null when it names none.
 */
export function roomOfRefusal(message: string): number | null {
  const match = /^Room (\d+)\b/.exec(message);
  return match ? Number(match[1]) : null;
}

export interface GroupsMethods {
  groupRatePlans(params: { propertyId: Uuid }, options?: RequestOptions): Promise<GroupRatePlanNode[]>;
  roomCombinations(params: RoomCombinationsVariables, options?: RequestOptions): Promise<RoomCombinationNode[]>;
  /** promoCode: one code for every room (PROMO_CODE naming the room it does not fit). */
  quoteGroup(params: { rooms: GroupRoomValue[]; arrival: string; departure: string; promoCode: string | null }, options?: RequestOptions): Promise<GroupQuoteNode>;
  createGroupHold(params: { quoteToken: string; name: string | null; minutes: number; idempotencyKey: IdempotencyKey }): Promise<GroupHoldNode>;
  /** holdToken: the hold's, when this console made it (the front office may confirm without it); guestNames: room n's guest at n - 1. */
  confirmGroup(params: GroupContact & { bookingGroupId: Uuid; holdToken: string | null; guestNames: Array<string | null> | null; idempotencyKey: IdempotencyKey }): Promise<GroupBookingResult[]>;
  quoteGroupChange(params: { bookingGroupId: Uuid; arrival: string; departure: string }, options?: RequestOptions): Promise<GroupChangeQuoteNode>;
  changeGroupDates(params: { bookingGroupId: Uuid; arrival: string; departure: string; idempotencyKey: IdempotencyKey }): Promise<GroupBookingResult[]>;
  addGroupRoom(params: { bookingGroupId: Uuid; ratePlanId: Uuid; adults: number; children: number; childAges: number[] | null; guestName: string | null; idempotencyKey: IdempotencyKey }): Promise<GroupBookingResult>;
  /** What addGroupRoom will charge for that room: the group's dates, the rate's rules, the group's promo code. */
  quoteGroupRoom(params: { bookingGroupId: Uuid; ratePlanId: Uuid; adults: number; children: number; childAges: number[] | null }, options?: RequestOptions): Promise<GroupRoomPrice>;
  cancelGroup(params: { bookingGroupId: Uuid; reason: string | null; idempotencyKey: IdempotencyKey }): Promise<GroupBookingResult[]>;
  setRoomGuestName(params: { reservationId: Uuid; guestName: string | null }): Promise<string | null>;
  /** The group with its rooms; NOT_FOUND when there is none the user may read. */
  bookingGroup(params: { id: Uuid }, options?: RequestOptions): Promise<BookingGroupNode>;
  /** The id of the property's group with this code, or null. */
  bookingGroupIdByCode(params: { propertyId: Uuid; groupCode: string }, options?: RequestOptions): Promise<Uuid | null>;
}

export function createGroupsMethods(client: GraphQLClient): GroupsMethods {
  return {
    async groupRatePlans({ propertyId }, options = {}) {
      const data = await client.request(groupRatePlans, { propertyId }, options);
      return present(data.allRatePlans?.nodes);
    },
    async roomCombinations(params, options = {}) {
      const data = await client.request(roomCombinations, params, options);
      return present(data.roomCombinations?.nodes);
    },
    async quoteGroup(params, options = {}) {
      const data = await client.request(quoteGroup, params, options);
      if (!data.quoteGroup) throw missing("a group quote");
      return data.quoteGroup;
    },
    async createGroupHold(params) {
      const data = await client.request(createGroupHold, params);
      if (!data.createGroupHold?.result) throw missing("the group hold");
      return data.createGroupHold.result;
    },
    async confirmGroup(params) {
      const data = await client.request(confirmGroup, params);
      const rooms = present(data.confirmGroup?.result);
      if (rooms.length === 0) throw missing("the confirmed rooms");
      return rooms;
    },
    async quoteGroupChange(params, options = {}) {
      const data = await client.request(quoteGroupChange, params, options);
      if (!data.quoteGroupChange) throw missing("a price for the group's new dates");
      return data.quoteGroupChange;
    },
    async changeGroupDates(params) {
      const data = await client.request(changeGroupDates, params);
      return present(data.changeGroupDates?.result);
    },
    async quoteGroupRoom(params, options = {}) {
      const data = await client.request(quoteGroupRoom, params, options);
      if (!data.quoteGroupRoom) throw missing("the room's price");
      return data.quoteGroupRoom;
    },
    async addGroupRoom(params) {
      const data = await client.request(addGroupRoom, params);
      if (!data.addGroupRoom?.result) throw missing("the added room");
      return data.addGroupRoom.result;
    },
    async cancelGroup(params) {
      const data = await client.request(cancelGroup, params);
      return present(data.cancelGroup?.result);
    },
    async setRoomGuestName(params) {
      const data = await client.request(setRoomGuestName, params);
      if (!data.setRoomGuestName?.result) throw notFound("room");
      return data.setRoomGuestName.result.guestName;
    },
    async bookingGroup({ id }, options = {}) {
      const data = await client.request(bookingGroup, { id }, options);
      if (!data.bookingGroupByRowId) throw notFound("group");
      return data.bookingGroupByRowId;
    },
    async bookingGroupIdByCode({ propertyId, groupCode }, options = {}) {
      const data = await client.request(bookingGroupByCode, { propertyId, groupCode }, options);
      return data.bookingGroupByPropertyIdAndGroupCode?.rowId ?? null;
    },
  };
}
