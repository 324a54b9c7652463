// The group booking screens' GraphQL (issue 21; docs/booking.md, "Group and
// multi-room bookings"): the property's rate plans to pick rooms from, room
// combinations for a party, a group quote (each room priced, the sums),
// the hold of every room and its confirmation, the group's page (its rooms,
// each a reservation with its folio), the rooming list (setRoomGuestName)
// and the group's cancellation. Written by hand against server/schema.graphql
// and checked against it by tests/api/admin_groups_documents.test.ts. No DOM
// or React here.
import { operation, type HoldState, type IsoDate, type MinorUnits, type ReservationStatus, type Timestamp, type Uuid } from "../../platform/documents.ts";

/** A rate plan a room of a group can be booked on, with its room type. */
export interface GroupRatePlanNode {
  rowId: Uuid;
  name: string;
  currency: string;
  basePrice: MinorUnits;
  includedGuests: number;
  roomType: { rowId: Uuid; name: string; maxOccupancy: number } | null;
}

export const groupRatePlans = operation<{ allRatePlans: { nodes: Array<GroupRatePlanNode | null> } | null }, { propertyId: Uuid }>(
  "GroupRatePlans",
  `query GroupRatePlans($propertyId: UUID!) {
    allRatePlans(condition: {propertyId: $propertyId}, orderBy: [NAME_ASC], first: 200) {
      nodes { rowId name currency basePrice includedGuests roomType { rowId name maxOccupancy } }
    }
  }`,
);

/** One room as quoteGroup takes it (GroupRoomInput) and roomCombinations gives it (GroupRoom). */
export interface GroupRoomValue {
  ratePlanId: Uuid;
  adults: number;
  children: number;
  /** One age per child (issue 22), or null: required where the rate prices children by age (CHILD_AGES). */
  childAges?: number[] | null;
  guestName: string | null;
}

/** A way to sleep a party in several rooms (roomCombinations). */
export interface RoomCombinationNode {
  rank: number;
  rooms: Array<GroupRoomValue | null>;
  roomTypeNames: Array<string | null>;
  capacity: number;
  currency: string;
  totalAmount: MinorUnits;
}

export interface RoomCombinationsVariables {
  propertyId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  adults: number;
  children: number;
  /** One age per child, or null (then plans that price children by age are left out for rooms with children). */
  childAges: number[] | null;
  maxRooms: number;
}

export const roomCombinations = operation<{ roomCombinations: { nodes: Array<RoomCombinationNode | null> } | null }, RoomCombinationsVariables>(
  "RoomCombinations",
  `query RoomCombinations($propertyId: UUID!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!, $childAges: [Int], $maxRooms: Int!) {
    roomCombinations(propertyId: $propertyId, arrival: $arrival, departure: $departure, adults: $adults, children: $children, childAges: $childAges,
                     maxRooms: $maxRooms, maxResults: 5) {
      nodes { rank rooms { ratePlanId adults children childAges guestName } roomTypeNames capacity currency totalAmount }
    }
  }`,
);

/** One room of a group quote: its place in the list, its guest, its priced stay. */
export interface GroupQuoteRoomNode {
  roomNo: number;
  guestName: string | null;
  quote: {
    roomTypeId: Uuid;
    ratePlanId: Uuid;
    nights: number;
    adults: number;
    children: number;
    currency: string;
    roomAmount: MinorUnits;
    feesAmount: MinorUnits;
    taxesAmount: MinorUnits;
    totalAmount: MinorUnits;
    isRefundable: boolean;
    freeCancellationUntil: Timestamp | null;
    lateCancellationPenalty: MinorUnits;
    cancellationTerms: string;
    unitsLeft: number;
    /** The discount lines (length of stay, the promo code) of the room's price. */
    lines: Array<{ kind: string; description: string; amount: MinorUnits } | null>;
  } | null;
}

export interface GroupQuoteNode {
  propertyId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  currency: string;
  roomAmount: MinorUnits;
  feesAmount: MinorUnits;
  taxesAmount: MinorUnits;
  totalAmount: MinorUnits;
  rooms: Array<GroupQuoteRoomNode | null>;
  validUntil: Timestamp;
  quoteToken: string;
  /** The promo code on every room's price, upper case; null: none. */
  promoCode: string | null;
}

export const quoteGroup = operation<{ quoteGroup: GroupQuoteNode | null }, { rooms: GroupRoomValue[]; arrival: IsoDate; departure: IsoDate; promoCode: string | null }>(
  "QuoteGroup",
  `query QuoteGroup($rooms: [GroupRoomInput]!, $arrival: Date!, $departure: Date!, $promoCode: String) {
    quoteGroup(rooms: $rooms, arrival: $arrival, departure: $departure, promoCode: $promoCode) {
      propertyId arrival departure nights currency roomAmount feesAmount taxesAmount totalAmount validUntil quoteToken promoCode
      rooms {
        roomNo guestName
        quote {
          roomTypeId ratePlanId nights adults children currency roomAmount feesAmount taxesAmount totalAmount
          isRefundable freeCancellationUntil lateCancellationPenalty cancellationTerms unitsLeft
          lines { kind description amount }
        }
      }
    }
  }`,
);

/** Every room of a group quote held (createGroupHold). */
export interface GroupHoldNode {
  bookingGroupId: Uuid;
  propertyId: Uuid;
  groupCode: string;
  expiresAt: Timestamp;
  currency: string;
  totalAmount: MinorUnits;
  reservationIds: Array<Uuid | null>;
  holdToken: string;
}

export const createGroupHold = operation<
  { createGroupHold: { result: GroupHoldNode | null } | null },
  { quoteToken: string; idempotencyKey: string; name: string | null; minutes: number }
>(
  "CreateGroupHold",
  `mutation CreateGroupHold($quoteToken: String!, $idempotencyKey: String!, $name: String, $minutes: Int!) {
    createGroupHold(input: {quoteToken: $quoteToken, idempotencyKey: $idempotencyKey, name: $name, minutes: $minutes}) {
      result { bookingGroupId propertyId groupCode expiresAt currency totalAmount reservationIds holdToken }
    }
  }`,
);

/** A room's state after a group operation (type Booking). */
export interface GroupBookingResult {
  reservationId: Uuid;
  confirmationCode: string | null;
  status: ReservationStatus;
  currency: string;
  totalAmount: MinorUnits;
  penaltyAmount: MinorUnits | null;
}

const groupBookingFields = "reservationId confirmationCode status currency totalAmount penaltyAmount";

export interface GroupContact {
  fullName: string;
  /** Null: the front office may leave it out (no message is sent). */
  email: string | null;
  phone: string | null;
  specialRequests: string | null;
}

export const confirmGroup = operation<
  { confirmGroup: { result: Array<GroupBookingResult | null> | null } | null },
  GroupContact & { bookingGroupId: Uuid; idempotencyKey: string; holdToken: string | null; guestNames: Array<string | null> | null }
>(
  "ConfirmGroup",
  `mutation ConfirmGroup($bookingGroupId: UUID!, $idempotencyKey: String!, $fullName: String!, $email: String, $phone: String, $specialRequests: String, $holdToken: String, $guestNames: [String]) {
    confirmGroup(input: {bookingGroupId: $bookingGroupId, idempotencyKey: $idempotencyKey, fullName: $fullName, email: $email, phone: $phone, specialRequests: $specialRequests, holdToken: $holdToken, guestNames: $guestNames}) {
      result { ${groupBookingFields} }
    }
  }`,
);

export const cancelGroup = operation<
  { cancelGroup: { result: Array<GroupBookingResult | null> | null } | null },
  { bookingGroupId: Uuid; idempotencyKey: string; reason: string | null }
>(
  "CancelGroup",
  `mutation CancelGroup($bookingGroupId: UUID!, $idempotencyKey: String!, $reason: String) {
    cancelGroup(input: {bookingGroupId: $bookingGroupId, idempotencyKey: $idempotencyKey, reason: $reason}) { result { ${groupBookingFields} } }
  }`,
);

/** The rooming list: who sleeps in a room (null: the booker's name stands). No key: it sets a value. */
export const setRoomGuestName = operation<
  { setRoomGuestName: { result: { rowId: Uuid; guestName: string | null; updatedAt: Timestamp } | null } | null },
  { reservationId: Uuid; guestName: string | null }
>(
  "SetRoomGuestName",
  `mutation SetRoomGuestName($reservationId: UUID!, $guestName: String) {
    setRoomGuestName(input: {reservationId: $reservationId, guestName: $guestName}) { result { rowId guestName updatedAt } }
  }`,
);

/** A group's change of dates priced first (quoteGroupChange): each room now and after, the sums and the difference. */
export interface GroupChangeQuoteNode {
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  currency: string;
  currentTotal: MinorUnits;
  totalAmount: MinorUnits;
  /** New total less the current one: positive is more to pay. */
  difference: MinorUnits;
  rooms: Array<{ roomNo: number; reservationId: Uuid; currentTotal: MinorUnits; quote: { totalAmount: MinorUnits; isRefundable: boolean; freeCancellationUntil: Timestamp | null } } | null>;
}

export const quoteGroupChange = operation<{ quoteGroupChange: GroupChangeQuoteNode | null }, { bookingGroupId: Uuid; arrival: IsoDate; departure: IsoDate }>(
  "QuoteGroupChange",
  `query QuoteGroupChange($bookingGroupId: UUID!, $arrival: Date!, $departure: Date!) {
    quoteGroupChange(bookingGroupId: $bookingGroupId, arrival: $arrival, departure: $departure) {
      arrival departure nights currency currentTotal totalAmount difference
      rooms { roomNo reservationId currentTotal quote { totalAmount isRefundable freeCancellationUntil } }
    }
  }`,
);

/** Every room of the group (cancelled ones aside) moved to new dates, or none. */
export const changeGroupDates = operation<
  { changeGroupDates: { result: Array<GroupBookingResult | null> | null } | null },
  { bookingGroupId: Uuid; idempotencyKey: string; arrival: IsoDate; departure: IsoDate }
>(
  "ChangeGroupDates",
  `mutation ChangeGroupDates($bookingGroupId: UUID!, $idempotencyKey: String!, $arrival: Date!, $departure: Date!) {
    changeGroupDates(input: {bookingGroupId: $bookingGroupId, idempotencyKey: $idempotencyKey, arrival: $arrival, departure: $departure}) {
      result { ${groupBookingFields} }
    }
  }`,
);

/** One more room for a confirmed group's dates, held and confirmed in one call. */
export const addGroupRoom = operation<
  { addGroupRoom: { result: GroupBookingResult | null } | null },
  { bookingGroupId: Uuid; idempotencyKey: string; ratePlanId: Uuid; adults: number; children: number; childAges: number[] | null; guestName: string | null }
>(
  "AddGroupRoom",
  `mutation AddGroupRoom($bookingGroupId: UUID!, $idempotencyKey: String!, $ratePlanId: UUID!, $adults: Int!, $children: Int!, $childAges: [Int], $guestName: String) {
    addGroupRoom(input: {bookingGroupId: $bookingGroupId, idempotencyKey: $idempotencyKey, ratePlanId: $ratePlanId, adults: $adults, children: $children,
                         childAges: $childAges, guestName: $guestName}) {
      result { ${groupBookingFields} }
    }
  }`,
);

/** What a room added to a group is charged (quoteGroupRoom): the group's promo code included, when it has one. */
export interface GroupRoomPrice {
  totalAmount: MinorUnits;
  currency: string;
  promoCode: string | null;
}

/** The price addGroupRoom will charge for a room for the group's dates (no token: addGroupRoom books). */
export const quoteGroupRoom = operation<
  { quoteGroupRoom: GroupRoomPrice | null },
  { bookingGroupId: Uuid; ratePlanId: Uuid; adults: number; children: number; childAges: number[] | null }
>(
  "QuoteGroupRoom",
  `query QuoteGroupRoom($bookingGroupId: UUID!, $ratePlanId: UUID!, $adults: Int!, $children: Int!, $childAges: [Int]) {
    quoteGroupRoom(bookingGroupId: $bookingGroupId, ratePlanId: $ratePlanId, adults: $adults, children: $children, childAges: $childAges) { totalAmount currency promoCode }
  }`,
);

/** One room of a group on its page: a reservation with its unit, guest, price and folio. */
export interface GroupRoomNode {
  rowId: Uuid;
  roomNo: number;
  guestName: string | null;
  confirmationCode: string | null;
  status: ReservationStatus;
  holdState: HoldState | null;
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  adults: number;
  children: number;
  /** The children's ages given at booking, one per child, or null. */
  childAges: number[] | null;
  currency: string;
  totalAmount: MinorUnits;
  penaltyAmount: MinorUnits | null;
  /** What cancelling this room would cost now; null when it cannot be cancelled. */
  cancellationPenaltyNow: MinorUnits | null;
  guest: { fullName: string } | null;
  unit: { name: string } | null;
  roomType: { name: string } | null;
  ratePlan: { name: string } | null;
  folio: { rowId: Uuid; balances: { nodes: Array<{ currency: string; balance: MinorUnits } | null> } } | null;
}

export interface BookingGroupNode {
  rowId: Uuid;
  propertyId: Uuid;
  groupCode: string;
  name: string | null;
  channel: string;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  confirmedAt: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  /** What the rooms cost now (each room's total, or its penalty once cancelled). */
  totalAmount: MinorUnits | null;
  rooms: { nodes: Array<GroupRoomNode | null> };
}

export const bookingGroup = operation<{ bookingGroupByRowId: BookingGroupNode | null }, { id: Uuid }>(
  "BookingGroup",
  `query BookingGroup($id: UUID!) {
    bookingGroupByRowId(rowId: $id) {
      rowId propertyId groupCode name channel contactName contactEmail contactPhone confirmedAt createdAt updatedAt totalAmount
      rooms(orderBy: [ROOM_NO_ASC], first: 50) {
        nodes {
          rowId roomNo guestName confirmationCode status holdState arrival departure nights adults children childAges currency totalAmount penaltyAmount cancellationPenaltyNow
          guest { fullName }
          unit { name }
          roomType { name }
          ratePlan { name }
          folio { rowId balances { nodes { currency balance } } }
        }
      }
    }
  }`,
);

/** A group of the property by its code (the reservations list's search by group code). */
export const bookingGroupByCode = operation<{ bookingGroupByPropertyIdAndGroupCode: { rowId: Uuid } | null }, { propertyId: Uuid; groupCode: string }>(
  "BookingGroupByCode",
  `query BookingGroupByCode($propertyId: UUID!, $groupCode: String!) {
    bookingGroupByPropertyIdAndGroupCode(propertyId: $propertyId, groupCode: $groupCode) { rowId }
  }`,
);

export const groupsDocuments = [
  groupRatePlans, roomCombinations, quoteGroup, createGroupHold, confirmGroup, cancelGroup, setRoomGuestName, bookingGroup, bookingGroupByCode,
  quoteGroupChange, changeGroupDates, addGroupRoom, quoteGroupRoom,
] as const;

/** The group mutations the API gives no idempotency key (the rest pass one). */
export const groupsUnkeyedMutations = ["setRoomGuestName"] as const;
