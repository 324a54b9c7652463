// The front desk's GraphQL operations beyond the reservation pages: a
// booking taken by phone (search, quote, hold, confirm), the tape chart and
// its moves (room move, changed dates). Written by hand against
// server/schema.graphql like documents.ts, and checked against it by
// tests/api/admin_frontdesk_documents.test.ts. No DOM or React here.
import { bookingMutation, operation, type BookingResult, type IsoDate, type MinorUnits, type ReservationNode, type ReservationStatus, type Timestamp, type Uuid } from "../../platform/documents.ts";

export type MealPlan = "room_only" | "breakfast" | "half_board" | "full_board" | "all_inclusive";

/** Why a rate cannot be sold for a stay (searchAvailability's `restriction`, quote's RESTRICTED reason). */
export type Restriction = "SOLD_OUT" | "MAX_OCCUPANCY" | "STOP_SELL" | "CLOSED_TO_ARRIVAL" | "CLOSED_TO_DEPARTURE" | "MIN_STAY" | "MAX_STAY";

// ---------------------------------------------------------------------------
// Booking by phone
// ---------------------------------------------------------------------------

/** One room type priced on one rate plan for a stay (type Availability). */
export interface AvailabilityNode {
  propertyId: Uuid;
  roomTypeId: Uuid;
  roomTypeName: string;
  maxOccupancy: number;
  unitsLeft: number;
  ratePlanId: Uuid;
  ratePlanName: string;
  mealPlan: MealPlan;
  isRefundable: boolean;
  currency: string;
  totalAmount: MinorUnits | null;
  averageNightlyAmount: MinorUnits | null;
  isBookable: boolean;
  restriction: Restriction | null;
  restrictionMessage: string | null;
}

export interface StaySearch {
  propertyId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  adults: number;
  children: number;
  /** One age per child (issue 22): plans that price children by age are priced for them; without them such a plan is restricted (CHILD_AGES). */
  childAges?: number[] | null;
}

/** Every room type and rate plan of the property for the stay, sellable or not (with the reason). */
export const searchAvailability = operation<
  { searchAvailability: { nodes: Array<AvailabilityNode | null> } | null },
  StaySearch
>(
  "SearchAvailability",
  `query SearchAvailability($propertyId: UUID!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!, $childAges: [Int]) {
    searchAvailability(propertyId: $propertyId, arrival: $arrival, departure: $departure, adults: $adults, children: $children, childAges: $childAges,
                       includeUnavailable: true) {
      nodes {
        propertyId roomTypeId roomTypeName maxOccupancy unitsLeft ratePlanId ratePlanName mealPlan isRefundable
        currency totalAmount averageNightlyAmount isBookable restriction restrictionMessage
      }
    }
  }`,
);

/** One line of a quote (type PriceLine). */
export interface QuoteLine {
  kind: "night" | "discount" | "fee" | "tax";
  date: IsoDate | null;
  description: string;
  quantity: number;
  amount: MinorUnits;
  isInclusive: boolean;
}

export interface QuoteNode {
  propertyId: Uuid;
  roomTypeId: Uuid;
  ratePlanId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  adults: number;
  children: number;
  currency: string;
  roomAmount: MinorUnits;
  feesAmount: MinorUnits;
  taxesAmount: MinorUnits;
  includedTaxesAmount: MinorUnits;
  totalAmount: MinorUnits;
  lines: Array<QuoteLine | null>;
  isRefundable: boolean;
  freeCancellationUntil: Timestamp | null;
  lateCancellationPenalty: MinorUnits;
  cancellationTerms: string;
  unitsLeft: number;
  validUntil: Timestamp;
  quoteToken: string;
  /** The promo code whose discount is a line of the price (deskQuote), upper case; null: none. */
  promoCode?: string | null;
}

export interface QuoteVariables {
  ratePlanId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  adults: number;
  children: number;
}

/** A quote's price and terms, as quote and quoteChange both answer them. */
const quoteFields = `propertyId roomTypeId ratePlanId arrival departure nights adults children currency
  roomAmount feesAmount taxesAmount includedTaxesAmount totalAmount
  lines { kind date description quantity amount isInclusive }
  isRefundable freeCancellationUntil lateCancellationPenalty cancellationTerms unitsLeft`;

export const quote = operation<{ quote: QuoteNode | null }, QuoteVariables>(
  "Quote",
  `query Quote($ratePlanId: UUID!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!) {
    quote(ratePlanId: $ratePlanId, arrival: $arrival, departure: $departure, adults: $adults, children: $children) {
      ${quoteFields} validUntil quoteToken
    }
  }`,
);

/**
 * The desk's quote (deskQuote): a quote with a unit the desk chose (null:
 * any free unit of the type) and a rate override with its reason: a new
 * room price (minor units) or a percent off it. The database decides who
 * may give how much (OVERRIDE_LIMIT); its token is for createDeskHold only.
 */
export interface DeskQuoteVariables extends QuoteVariables {
  unitId: Uuid | null;
  roomAmount: MinorUnits | null;
  /** A decimal string, e.g. "12.5". */
  discountPercent: string | null;
  overrideReason: string | null;
  /** A guest's promo code (not with an override: INVALID_INPUT, PROMO_WITH_OVERRIDE). */
  promoCode: string | null;
  /** One age per child (null: no children); the token keeps them for createDeskHold. */
  childAges: number[] | null;
}

export const deskQuote = operation<{ deskQuote: QuoteNode | null }, DeskQuoteVariables>(
  "DeskQuote",
  `query DeskQuote($ratePlanId: UUID!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!, $unitId: UUID, $roomAmount: BigInt,
                   $discountPercent: BigFloat, $overrideReason: String, $promoCode: String, $childAges: [Int]) {
    deskQuote(ratePlanId: $ratePlanId, arrival: $arrival, departure: $departure, adults: $adults, children: $children, unitId: $unitId,
              roomAmount: $roomAmount, discountPercent: $discountPercent, overrideReason: $overrideReason, promoCode: $promoCode, childAges: $childAges) {
      ${quoteFields} validUntil quoteToken promoCode
    }
  }`,
);

/** A unit held at the quoted price until expiresAt (type Hold). */
export interface HoldResult {
  reservationId: Uuid;
  propertyId: Uuid;
  expiresAt: Timestamp;
  currency: string;
  totalAmount: MinorUnits;
  /** Proof of having made the hold (shown once): front-office staff confirm without it, but pass it when they have it. */
  holdToken: string | null;
}

export const createHold = operation<
  { createHold: { result: HoldResult | null } | null },
  { quoteToken: string; idempotencyKey: string; minutes: number }
>(
  "CreateHold",
  `mutation CreateHold($quoteToken: String!, $idempotencyKey: String!, $minutes: Int!) {
    createHold(input: {quoteToken: $quoteToken, idempotencyKey: $idempotencyKey, minutes: $minutes}) {
      result { reservationId propertyId expiresAt currency totalAmount holdToken }
    }
  }`,
);

/** Holds a desk quote's stay (its unit, or any) at its price, recording the override with the reservation. */
export const createDeskHold = operation<
  { createDeskHold: { result: HoldResult | null } | null },
  { quoteToken: string; idempotencyKey: string; minutes: number }
>(
  "CreateDeskHold",
  `mutation CreateDeskHold($quoteToken: String!, $idempotencyKey: String!, $minutes: Int!) {
    createDeskHold(input: {quoteToken: $quoteToken, idempotencyKey: $idempotencyKey, minutes: $minutes}) {
      result { reservationId propertyId expiresAt currency totalAmount holdToken }
    }
  }`,
);

/** The held reservation: which unit the hold took. */
export const heldStay = operation<
  { reservationByRowId: { rowId: Uuid; status: ReservationStatus; holdExpiresAt: Timestamp | null; unit: { rowId: Uuid; name: string } | null; roomType: { rowId: Uuid; name: string } | null } | null },
  { id: Uuid }
>(
  "HeldStay",
  `query HeldStay($id: UUID!) {
    reservationByRowId(rowId: $id) { rowId status holdExpiresAt unit { rowId name } roomType { rowId name } }
  }`,
);

export interface GuestDetails {
  fullName: string;
  /** Null: a walk-in without email (the front office only; no message is sent). */
  email: string | null;
  phone: string | null;
  specialRequests: string | null;
}

export const confirmBooking = bookingMutation<GuestDetails & { reservationId: Uuid; idempotencyKey: string; holdToken?: string | null }>("ConfirmBooking", {
  reservationId: "UUID!", idempotencyKey: "String!", fullName: "String!", email: "String", phone: "String", specialRequests: "String", holdToken: "String",
});

/** A guest profile of the property by exact email (a returning guest). */
export interface GuestProfileNode {
  rowId: Uuid;
  fullName: string;
  email: string;
  phone: string | null;
  reservations: { totalCount: number };
}

export const guestByEmail = operation<
  { allGuests: { nodes: Array<GuestProfileNode | null> } | null },
  { propertyId: Uuid; email: string }
>(
  "GuestByEmail",
  `query GuestByEmail($propertyId: UUID!, $email: String!) {
    allGuests(condition: {propertyId: $propertyId, email: $email}, first: 1) {
      nodes { rowId fullName email phone reservations { totalCount } }
    }
  }`,
);

// ---------------------------------------------------------------------------
// Room moves and changed dates
// ---------------------------------------------------------------------------

export const moveUnit = bookingMutation<{ reservationId: Uuid; unitId: Uuid; idempotencyKey: string }>("MoveUnit", {
  reservationId: "UUID!", unitId: "UUID!", idempotencyKey: "String!",
});

export interface StayChange {
  reservationId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  /** A unit of the same room type, to change dates and room at once; null keeps the unit when it is free. */
  unitId: Uuid | null;
}

export const modifyReservation = bookingMutation<StayChange & { idempotencyKey: string }>("ModifyReservation", {
  reservationId: "UUID!", idempotencyKey: "String!", arrival: "Date!", departure: "Date!", unitId: "UUID",
});

/** The property's units with their room types: the rows of the tape chart and the choices of a room move. */
export interface UnitNode {
  rowId: Uuid;
  name: string;
  roomTypeId: Uuid;
  isActive: boolean;
  housekeepingStatus: "dirty" | "clean" | "inspected" | "out_of_order";
}

export interface RoomTypeNode {
  rowId: Uuid;
  name: string;
  maxOccupancy: number;
}

export const propertyUnits = operation<
  { allRoomTypes: { nodes: Array<RoomTypeNode | null> } | null; allUnits: { nodes: Array<UnitNode | null> } | null },
  { propertyId: Uuid }
>(
  "PropertyUnits",
  `query PropertyUnits($propertyId: UUID!) {
    allRoomTypes(condition: {propertyId: $propertyId}, orderBy: [NAME_ASC]) { nodes { rowId name maxOccupancy } }
    allUnits(condition: {propertyId: $propertyId}, orderBy: [NAME_ASC]) { nodes { rowId name roomTypeId isActive housekeepingStatus } }
  }`,
);

/**
 * The price of a stay change before it is made (quoteChange): the new stay
 * (dates, or party: adults, children and their ages; null keeps the
 * booking's) on the booking's rate plan, its own nights counting as free.
 * Confirmed bookings only; staff are not held to the rate's restrictions.
 */
export interface ChangeQuoteVariables {
  reservationId: Uuid;
  arrival?: IsoDate | null;
  departure?: IsoDate | null;
  adults?: number | null;
  children?: number | null;
  childAges?: number[] | null;
}

export const quoteChange = operation<{ quoteChange: Omit<QuoteNode, "quoteToken" | "validUntil"> | null }, ChangeQuoteVariables>(
  "QuoteChange",
  `query QuoteChange($reservationId: UUID!, $arrival: Date, $departure: Date, $adults: Int, $children: Int, $childAges: [Int]) {
    quoteChange(reservationId: $reservationId, arrival: $arrival, departure: $departure, adults: $adults, children: $children, childAges: $childAges) {
      ${quoteFields}
    }
  }`,
);

// ---------------------------------------------------------------------------
// Allocation: pinning a stay to its unit, the allocator's moves for the desk
// ---------------------------------------------------------------------------

/**
 * Pins a stay to its unit (the allocator never moves it to make room for
 * another booking) or unpins it. Owner, manager, front desk. The API takes
 * no idempotency key: setting the flag twice is the same as once.
 */
export const pinReservationUnit = bookingMutation<{ reservationId: Uuid; pinned: boolean }>("PinReservationUnit", { reservationId: "UUID!", pinned: "Boolean!" });

/** A move of an arriving stay by the allocator, as the desk's "Room changes" list shows it. */
export interface RoomChangeNode {
  rowId: Uuid;
  reservationId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  movedAt: Timestamp;
  fromUnit: { rowId: Uuid; name: string } | null;
  toUnit: { rowId: Uuid; name: string } | null;
  causedBy: { rowId: Uuid; confirmationCode: string | null; guest: { fullName: string } | null } | null;
  reservation: {
    rowId: Uuid;
    confirmationCode: string | null;
    status: ReservationStatus;
    arrival: IsoDate;
    departure: IsoDate;
    unitPinned: boolean;
    guest: { fullName: string } | null;
    unit: { rowId: Uuid; name: string; housekeepingStatus: "dirty" | "clean" | "inspected" | "out_of_order" } | null;
    roomType: { rowId: Uuid; name: string } | null;
  } | null;
}

const roomChangeFields = `
  fragment RoomChangeFields on AllocationMove {
    rowId reservationId arrival departure movedAt
    fromUnit { rowId name }
    toUnit { rowId name }
    causedBy { rowId confirmationCode guest { fullName } }
    reservation {
      rowId confirmationCode status arrival departure unitPinned
      guest { fullName }
      unit { rowId name housekeepingStatus }
      roomType { rowId name }
    }
  }`;

/**
 * The allocator's moves of stays arriving today and tomorrow at a property
 * (allocation_moves by its (property, arrival) index), oldest first: the
 * desk learns of them before handing out keys. Front office staff only.
 */
export const roomChanges = operation<
  {
    today: { nodes: Array<RoomChangeNode | null> } | null;
    tomorrow: { nodes: Array<RoomChangeNode | null> } | null;
  },
  { propertyId: Uuid; today: IsoDate; tomorrow: IsoDate }
>(
  "RoomChanges",
  `query RoomChanges($propertyId: UUID!, $today: Date!, $tomorrow: Date!) {
    today: allAllocationMoves(condition: {propertyId: $propertyId, arrival: $today}, orderBy: [MOVED_AT_ASC], first: 200) {
      nodes { ...RoomChangeFields }
    }
    tomorrow: allAllocationMoves(condition: {propertyId: $propertyId, arrival: $tomorrow}, orderBy: [MOVED_AT_ASC], first: 200) {
      nodes { ...RoomChangeFields }
    }
  }
  ${roomChangeFields}`,
);

// ---------------------------------------------------------------------------
// The tape chart
// ---------------------------------------------------------------------------

export type ClaimKind = "hold" | "reservation" | "owner_block" | "maintenance_block" | "ota_block";

/** A reservation as its bar shows it. */
export interface ChartReservationNode
  extends Pick<
    ReservationNode,
    "rowId" | "propertyId" | "confirmationCode" | "status" | "arrival" | "departure" | "nights" | "adults" | "children" | "currency" | "totalAmount" | "channel" | "expectedArrivalTime"
  > {
  unitId: Uuid | null;
  roomTypeId: Uuid;
  /** Pinned to its unit: the allocator never moves it (nor a checked-in stay). */
  unitPinned: boolean;
  guest: { fullName: string } | null;
}

/** One live claim of a unit (a stay, a hold or a block) in the window. */
export interface ChartClaimNode {
  rowId: Uuid;
  unitId: Uuid;
  kind: ClaimKind;
  startDate: IsoDate;
  endDate: IsoDate;
  expiresAt: Timestamp | null;
  note: string | null;
  reservation: ChartReservationNode | null;
}

/** An OTA booking that overlaps a stay or block Keepr has, until staff resolve it. */
export interface ChartConflictNode {
  rowId: Uuid;
  unitId: Uuid;
  startDate: IsoDate;
  endDate: IsoDate;
  summary: string | null;
  conflictingClaimId: Uuid;
  conflictingReservationId: Uuid | null;
  detectedAt: Timestamp;
  feed: { name: string; source: "airbnb" | "vrbo" | "booking_com" | "other" } | null;
}

/** Everything the tape chart draws, in one request: room types, units, claims in the window, open conflicts. */
export const tapeChart = operation<
  {
    allRoomTypes: { nodes: Array<RoomTypeNode | null> } | null;
    allUnits: { nodes: Array<UnitNode | null> } | null;
    tapeChartClaims: { nodes: Array<ChartClaimNode | null> } | null;
    openChannelConflicts: { nodes: Array<ChartConflictNode | null> } | null;
    unassigned: { nodes: Array<ChartReservationNode | null> } | null;
  },
  { propertyId: Uuid; firstDate: IsoDate; endDate: IsoDate }
>(
  "TapeChart",
  `query TapeChart($propertyId: UUID!, $firstDate: Date!, $endDate: Date!) {
    allRoomTypes(condition: {propertyId: $propertyId}, orderBy: [NAME_ASC]) { nodes { rowId name maxOccupancy } }
    allUnits(condition: {propertyId: $propertyId}, orderBy: [NAME_ASC]) { nodes { rowId name roomTypeId isActive housekeepingStatus } }
    tapeChartClaims(propertyId: $propertyId, firstDate: $firstDate, endDate: $endDate) {
      nodes {
        rowId unitId kind startDate endDate expiresAt note
        reservation {
          rowId propertyId confirmationCode status arrival departure nights adults children currency totalAmount channel unitId roomTypeId
          unitPinned expectedArrivalTime guest { fullName }
        }
      }
    }
    openChannelConflicts(propertyId: $propertyId) {
      nodes { rowId unitId startDate endDate summary conflictingClaimId conflictingReservationId detectedAt feed { name source } }
    }
    # Bookings waiting for a unit (the unassigned lane): none arise today (every hold claims a unit), the lane shows any that do.
    unassigned: allReservations(condition: {propertyId: $propertyId, unitId: null}, orderBy: [PRIMARY_KEY_ASC], first: 500) {
      nodes {
        rowId propertyId confirmationCode status arrival departure nights adults children currency totalAmount channel unitId roomTypeId
        unitPinned expectedArrivalTime guest { fullName }
      }
    }
  }`,
);

// ---------------------------------------------------------------------------
// The registration card (check-in with the guest's identity document)
// ---------------------------------------------------------------------------

export type IdentityDocumentType = "passport" | "national_id" | "driving_licence" | "residence_permit" | "other";

export interface RegistrationCardNode {
  rowId: Uuid;
  fullName: string;
  documentType: IdentityDocumentType;
  documentNumber: string;
  issuingCountry: string;
  nationality: string;
  dateOfBirth: IsoDate;
  issuedOn: IsoDate;
  expiresOn: IsoDate | null;
  address: string | null;
  updatedAt: Timestamp;
  recordedByUser: { displayName: string } | null;
}

const registrationCardFields = "rowId fullName documentType documentNumber issuingCountry nationality dateOfBirth issuedOn expiresOn address updatedAt recordedByUser { displayName }";

/** The stay's registration card (null: none yet, or the caller is not front office: row security). */
export const registrationCard = operation<
  { reservationByRowId: { rowId: Uuid; registrationCard: RegistrationCardNode | null } | null },
  { reservationId: Uuid }
>(
  "RegistrationCard",
  `query RegistrationCard($reservationId: UUID!) {
    reservationByRowId(rowId: $reservationId) { rowId registrationCard { ${registrationCardFields} } }
  }`,
);

/** Whether the property refuses a check-in without the card (properties.registration_card_required). */
export const registrationCardRule = operation<
  { propertyByRowId: { rowId: Uuid; registrationCardRequired: boolean } | null },
  { propertyId: Uuid }
>(
  "RegistrationCardRule",
  `query RegistrationCardRule($propertyId: UUID!) {
    propertyByRowId(rowId: $propertyId) { rowId registrationCardRequired }
  }`,
);

export interface RegistrationCardInput {
  reservationId: Uuid;
  fullName: string;
  documentType: IdentityDocumentType;
  documentNumber: string;
  issuingCountry: string;
  nationality: string;
  dateOfBirth: IsoDate;
  issuedOn: IsoDate;
  expiresOn: IsoDate | null;
  address: string | null;
}

/** Records (or corrects) the card: the same values twice change nothing, so it takes no idempotency key. */
export const recordRegistrationCard = operation<
  { recordRegistrationCard: { result: RegistrationCardNode | null } | null },
  RegistrationCardInput
>(
  "RecordRegistrationCard",
  `mutation RecordRegistrationCard($reservationId: UUID!, $fullName: String!, $documentType: IdentityDocumentType!, $documentNumber: String!,
                                   $issuingCountry: String!, $nationality: String!, $dateOfBirth: Date!, $issuedOn: Date!, $expiresOn: Date, $address: String) {
    recordRegistrationCard(input: {reservationId: $reservationId, fullName: $fullName, documentType: $documentType, documentNumber: $documentNumber,
                                   issuingCountry: $issuingCountry, nationality: $nationality, dateOfBirth: $dateOfBirth, issuedOn: $issuedOn,
                                   expiresOn: $expiresOn, address: $address}) {
      result { ${registrationCardFields} }
    }
  }`,
);

/** What the desk's unit choice reads: the property's units and their live claims over the stay's nights. */
export const freeUnits = operation<
  { allUnits: { nodes: Array<UnitNode | null> } | null; tapeChartClaims: { nodes: Array<ChartClaimNode | null> } | null },
  { propertyId: Uuid; roomTypeId: Uuid; firstDate: IsoDate; endDate: IsoDate }
>(
  "FreeUnits",
  `query FreeUnits($propertyId: UUID!, $roomTypeId: UUID!, $firstDate: Date!, $endDate: Date!) {
    allUnits(condition: {propertyId: $propertyId, roomTypeId: $roomTypeId}, orderBy: [NAME_ASC]) { nodes { rowId name roomTypeId isActive housekeepingStatus } }
    tapeChartClaims(propertyId: $propertyId, firstDate: $firstDate, endDate: $endDate) {
      nodes { rowId unitId kind startDate endDate expiresAt note reservation { rowId propertyId confirmationCode status arrival departure nights adults children currency totalAmount channel unitId roomTypeId unitPinned guest { fullName } } }
    }
  }`,
);

/** Do-not-disturb today for a guest in house (no stay-over cleaning today); set, not toggled: no key. */
export const setDoNotDisturb = operation<
  { setDoNotDisturb: { result: { rowId: Uuid; doNotDisturbOn: IsoDate | null } | null } | null },
  { reservationId: Uuid; doNotDisturb: boolean }
>(
  "SetDoNotDisturb",
  `mutation SetDoNotDisturb($reservationId: UUID!, $doNotDisturb: Boolean!) {
    setDoNotDisturb(input: {reservationId: $reservationId, doNotDisturb: $doNotDisturb}) { result { rowId doNotDisturbOn } }
  }`,
);

/** The language the guest is written to in (en, pt, es; null: the property's): set by the desk when it books (issues 21 and 22). */
export const setReservationLanguage = operation<
  { setReservationLanguage: { result: { rowId: Uuid; language: string | null } | null } | null },
  { reservationId: Uuid; language: string | null }
>(
  "SetReservationLanguage",
  `mutation SetReservationLanguage($reservationId: UUID!, $language: String) {
    setReservationLanguage(input: {reservationId: $reservationId, language: $language}) { result { rowId language } }
  }`,
);

/** The documents above, for the schema test. */
export const frontDeskDocuments = [
  setDoNotDisturb, deskQuote, freeUnits, createDeskHold, registrationCard, registrationCardRule, recordRegistrationCard,
  searchAvailability, quote, createHold, heldStay, confirmBooking, guestByEmail, moveUnit, modifyReservation, propertyUnits,
  quoteChange, tapeChart, pinReservationUnit, roomChanges, setReservationLanguage,
] as const;

/** The front desk's mutations the API gives no idempotency key (the rest pass one). */
export const frontDeskUnkeyedMutations = ["pinReservationUnit", "recordRegistrationCard", "setDoNotDisturb", "setReservationLanguage"] as const;
