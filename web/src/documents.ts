// Every GraphQL operation the guest app sends, with its types. The API is
// PostGraphile's (server/schema.graphql): money is BigInt minor units as
// strings, dates YYYY-MM-DD in the property's calendar.
import { query } from "./api.ts";

export type Minor = string;
export type IsoDate = string;
export type Timestamp = string;
export type MealPlan = "room_only" | "breakfast" | "half_board" | "full_board" | "all_inclusive";

export interface Destination {
  rowId: string;
  name: string;
  city: string;
  countryCode: string;
  slug: string;
}

export const destinations = query<{ allProperties: { nodes: Array<Destination | null> } | null }, Record<string, never>>(
  "Destinations",
  `query Destinations { allProperties(first: 200) { nodes { rowId name city countryCode slug } } }`,
  { cacheable: true },
);

export interface Availability {
  propertyId: string;
  propertyName: string;
  city: string;
  roomTypeId: string;
  roomTypeName: string;
  maxOccupancy: number;
  unitsLeft: number;
  ratePlanId: string;
  ratePlanName: string;
  mealPlan: MealPlan;
  isRefundable: boolean;
  currency: string;
  totalAmount: Minor | null;
  averageNightlyAmount: Minor | null;
  isBookable: boolean;
  restriction: string | null;
  restrictionMessage: string | null;
}

export interface SearchVariables {
  arrival: IsoDate;
  departure: IsoDate;
  adults: number;
  children: number;
  /** One age (0–17) per child; rates that price children by age need them (else restriction CHILD_AGES). */
  childAges?: number[] | null;
  city: string | null;
  propertyId: string | null;
  /** The guest's language: room type and rate plan names in it where the property translated them (else its own). */
  language?: string | null;
}

export const search = query<{ searchAvailability: { nodes: Array<Availability | null> } | null }, SearchVariables>(
  "Search",
  `query Search($arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!, $childAges: [Int], $city: String, $propertyId: UUID, $language: String) {
    searchAvailability(arrival: $arrival, departure: $departure, adults: $adults, children: $children, childAges: $childAges, city: $city, propertyId: $propertyId, includeUnavailable: true, language: $language) {
      nodes { propertyId propertyName city roomTypeId roomTypeName maxOccupancy unitsLeft ratePlanId ratePlanName mealPlan isRefundable currency totalAmount averageNightlyAmount isBookable restriction restrictionMessage }
    }
  }`,
  { cacheable: true },
);

export interface StaySuggestion {
  ratePlanId: string;
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  currency: string;
  totalAmount: Minor;
}

export const nearestStays = query<
  { nearestStays: { nodes: Array<StaySuggestion | null> } | null },
  { ratePlanIds: string[]; arrival: IsoDate; departure: IsoDate; adults: number; children: number }
>(
  "NearestStays",
  `query NearestStays($ratePlanIds: [UUID]!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!) {
    nearestStays(ratePlanIds: $ratePlanIds, arrival: $arrival, departure: $departure, adults: $adults, children: $children, perPlan: 2) {
      nodes { ratePlanId arrival departure nights currency totalAmount }
    }
  }`,
  { cacheable: true },
);

export interface RoomTypeDetails {
  rowId: string;
  name: string;
  description: string | null;
  maxOccupancy: number;
  photoUrls: string[];
  amenities: string[];
}

export interface PropertyDetails {
  rowId: string;
  name: string;
  kind: "hotel" | "vacation_rental";
  city: string;
  address: string | null;
  description: string | null;
  timeZone: string;
  currency: string;
  checkInTime: string;
  checkOutTime: string;
  photoUrls: string[];
  amenities: string[];
  /** The property's public contact. */
  contactEmail: string | null;
  contactPhone: string | null;
  roomTypesByPropertyId: { nodes: Array<RoomTypeDetails | null> };
}

/** Where the property is and its policies (issue 22): codes the app words; null is "not stated". */
export interface PropertyPlace {
  latitude: number | null;
  longitude: number | null;
  childrenAllowed: boolean | null;
  childrenMinAge: number | null;
  petsPolicy: "no" | "yes" | "on_request" | null;
  petFeeAmount: Minor | null;
  petFeePer: ChargePer | null;
  parkingPolicy: "none" | "free" | "paid" | null;
  parkingPriceAmount: Minor | null;
  parkingPricePer: ChargePer | null;
  parkingLocation: "on_site" | "nearby" | null;
  parkingReservationRequired: boolean | null;
  smokingPolicy: "no" | "designated_areas" | null;
}

export type ChargePer = "night" | "stay";

/** A property as the search results show it. */
export type PropertyCardDetails = PropertyDetails & PropertyPlace;

const placeFields = `latitude longitude childrenAllowed childrenMinAge petsPolicy petFeeAmount petFeePer parkingPolicy parkingPriceAmount
  parkingPricePer parkingLocation parkingReservationRequired smokingPolicy`;

/** The description in the guest's language ($language: descriptionIn falls back to the property's own). */
const propertyFields = `rowId name kind city address description: descriptionIn(language: $language) timeZone currency checkInTime checkOutTime photoUrls amenities contactEmail contactPhone
  ${placeFields} roomTypesByPropertyId { nodes { rowId name: nameIn(language: $language) description: descriptionIn(language: $language) maxOccupancy photoUrls amenities } }`;

/** Properties (with their room types) by id, in one cacheable request: aliases p0, p1, …, at most 10; `language`: the guest's, for the description. */
export function propertiesById(count: number) {
  const n = Math.max(1, Math.min(count, 10));
  const variables = ["$language: String!", ...Array.from({ length: n }, (_, i) => `$p${i}: UUID!`)].join(", ");
  const fields = Array.from({ length: n }, (_, i) => `p${i}: propertyByRowId(rowId: $p${i}) { ${propertyFields} }`).join(" ");
  return query<Record<string, PropertyCardDetails | null>, Record<string, string>>(`Properties${n}`, `query Properties${n}(${variables}) { ${fields} }`, {
    cacheable: true,
  });
}

export interface RatePlanDetails {
  rowId: string;
  name: string;
  description: string | null;
  mealPlan: MealPlan;
  isRefundable: boolean;
  depositPercent: string;
  balanceDueDays: number;
  roomType: (RoomTypeDetails & { propertyByPropertyId: Omit<PropertyDetails, "roomTypesByPropertyId"> | null }) | null;
}

/** A rate plan with its room type and property; `language`: the guest's, for their names and descriptions (each falls back to its own). */
export const ratePlan = query<{ ratePlanByRowId: RatePlanDetails | null }, { id: string; language?: string | null }>(
  "RatePlan",
  `query RatePlan($id: UUID!, $language: String) {
    ratePlanByRowId(rowId: $id) {
      rowId name: nameIn(language: $language) description: descriptionIn(language: $language) mealPlan isRefundable depositPercent balanceDueDays
      roomType { rowId name: nameIn(language: $language) description: descriptionIn(language: $language) maxOccupancy photoUrls amenities
        propertyByPropertyId { rowId name kind city address description: descriptionIn(language: $language) timeZone currency checkInTime checkOutTime photoUrls amenities } }
    }
  }`,
  { cacheable: true },
);

/** The property's fees: id, own name and the name in the guest's language (a quote's fee lines carry the fee's id; lines booked before ids were on lines, the own name). */
export const feeNames = query<{ allFees: { nodes: Array<{ rowId: string; name: string; translated: string | null } | null> } | null }, { propertyId: string; language: string }>(
  "FeeNames",
  `query FeeNames($propertyId: UUID!, $language: String!) { allFees(condition: {propertyId: $propertyId}, first: 100) { nodes { rowId name translated: nameIn(language: $language) } } }`,
  { cacheable: true },
);

/** An extra guests may add to a stay (breakfast, parking, late check-out): price of one with VAT, its basis, the most one may take. */
export interface BookableExtra {
  id: string;
  name: string;
  basis: "per_stay" | "per_night" | "per_guest_night";
  unitPrice: Minor;
  currency: string;
  maxQuantity: number;
}

/** The property's bookable extras, named in the guest's language where the property translated them. */
export const bookableExtras = query<{ bookableExtras: { nodes: Array<BookableExtra | null> } | null }, { propertyId: string; language: string }>(
  "BookableExtras",
  `query BookableExtras($propertyId: UUID!, $language: String!) { bookableExtras(propertyId: $propertyId, language: $language, first: 20) { nodes { id: rowId name basis unitPrice currency maxQuantity } } }`,
  { cacheable: true },
);

/** The extras of a quote as chosen: what quote(extras) takes back. */
export interface ExtraChoice {
  extraId: string;
  quantity: number;
}

export interface PriceLine {
  /** child: the children's supplement of a night on a rate that prices children by age (quantity: the children who pay it). */
  kind: "night" | "child" | "discount" | "fee" | "extra" | "tax";
  date: IsoDate | null;
  description: string;
  quantity: number;
  amount: Minor;
  isInclusive: boolean;
  /** The fee of a fee line (null on lines priced before lines named their fee). */
  feeId?: string | null;
  /** The extra of an extra line, or of the line of its VAT. */
  extraId?: string | null;
}

export interface Quote {
  propertyId: string;
  nights: number;
  currency: string;
  roomAmount: Minor;
  feesAmount: Minor;
  taxesAmount: Minor;
  includedTaxesAmount: Minor;
  totalAmount: Minor;
  lines: PriceLine[];
  isRefundable: boolean;
  freeCancellationUntil: Timestamp | null;
  lateCancellationPenalty: Minor;
  cancellationTerms: string;
  unitsLeft: number;
  validUntil: Timestamp | null;
  quoteToken: string | null;
  /** The promo code whose discount is a discount line of the price, upper case; null: none. */
  promoCode: string | null;
  /** The chosen extras' lines together (VAT included), part of the total; null on quotes of a group. */
  extrasAmount?: Minor | null;
  /** The extras chosen, as priced (snake case: the database's JSON); null: none. */
  extras?: Array<{ extra_id: string; quantity: number }> | null;
}

const quoteFields = `propertyId nights currency roomAmount feesAmount taxesAmount includedTaxesAmount totalAmount extrasAmount extras
  lines { kind date description quantity amount isInclusive feeId extraId }
  isRefundable freeCancellationUntil lateCancellationPenalty cancellationTerms unitsLeft validUntil quoteToken promoCode`;

export interface StayVariables {
  ratePlanId: string;
  arrival: IsoDate;
  departure: IsoDate;
  adults: number;
  children: number;
  /** One age (0–17) per child (null: not given). */
  childAges?: number[] | null;
}

/** After SOLD_OUT: when the room type comes back if the guests who only hold it do not book (null: it is booked). Not cached: holds change by the minute. */
export const roomTypeHeldUntil = query<{ roomTypeHeldUntil: Timestamp | null }, { ratePlanId: string; arrival: IsoDate; departure: IsoDate }>(
  "RoomTypeHeldUntil",
  `query RoomTypeHeldUntil($ratePlanId: UUID!, $arrival: Date!, $departure: Date!) { roomTypeHeldUntil(ratePlanId: $ratePlanId, arrival: $arrival, departure: $departure) }`,
);

export const quote = query<{ quote: Quote | null }, StayVariables & { promoCode?: string | null; extras?: ExtraChoice[] | null }>(
  "Quote",
  `query Quote($ratePlanId: UUID!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!, $promoCode: String, $extras: JSON, $childAges: [Int]) {
    quote(ratePlanId: $ratePlanId, arrival: $arrival, departure: $departure, adults: $adults, children: $children, promoCode: $promoCode, extras: $extras, childAges: $childAges) { ${quoteFields} }
  }`,
);

export interface Hold {
  reservationId: string;
  expiresAt: Timestamp;
  currency: string;
  totalAmount: Minor;
  /**
   * Proof of having made the hold, which confirmBooking asks for: a secret,
   * kept with the hold in this tab's sessionStorage (storage.ts), never in
   * the URL. Null only from a server older than the hold token.
   */
  holdToken: string | null;
}

export const createHold = query<{ createHold: { result: Hold | null } | null }, { quoteToken: string; key: string }>(
  "CreateHold",
  `mutation CreateHold($quoteToken: String!, $key: String!) {
    createHold(input: {quoteToken: $quoteToken, idempotencyKey: $key, minutes: 15}) { result { reservationId expiresAt currency totalAmount holdToken } }
  }`,
);

export interface Booking {
  reservationId: string;
  confirmationCode: string;
  status: string;
  arrival: IsoDate;
  departure: IsoDate;
  currency: string;
  totalAmount: Minor;
  penaltyAmount: Minor | null;
  refundAmount: Minor | null;
}

const bookingFields = "reservationId confirmationCode status arrival departure currency totalAmount penaltyAmount refundAmount";

export interface GuestDetails {
  fullName: string;
  email: string;
  phone: string;
  specialRequests: string;
}

export const confirmBooking = query<
  { confirmBooking: { result: Booking | null } | null },
  { reservationId: string; key: string; fullName: string; email: string; phone: string | null; specialRequests: string | null; holdToken: string | null }
>(
  "ConfirmBooking",
  `mutation ConfirmBooking($reservationId: UUID!, $key: String!, $fullName: String!, $email: String!, $phone: String, $specialRequests: String, $holdToken: String) {
    confirmBooking(input: {reservationId: $reservationId, idempotencyKey: $key, fullName: $fullName, email: $email, phone: $phone, specialRequests: $specialRequests, holdToken: $holdToken}) {
      result { ${bookingFields} }
    }
  }`,
);

export const lookupBooking = query<{ lookupBooking: { result: string | null } | null }, { code: string; email: string }>(
  "LookupBooking",
  `mutation LookupBooking($code: String!, $email: String!) { lookupBooking(input: {confirmationCode: $code, email: $email}) { result } }`,
);

export type PaymentStatus = "requires_payment" | "processing" | "authorized" | "captured" | "partially_refunded" | "refunded" | "failed" | "cancelled";

export interface PaymentIntent {
  rowId: string;
  kind: "deposit" | "balance" | "incidental";
  amount: Minor;
  currency: string;
  status: PaymentStatus;
  dueAt: Timestamp;
  amountCaptured: Minor;
  amountRefunded: Minor;
  failureCode: string | null;
  failureMessage: string | null;
  attempts: { nodes: Array<{
    rowId: string; status: "pending" | "authorized" | "captured" | "failed"; amount: Minor; failureCode: string | null; failureMessage: string | null; createdAt: Timestamp;
    /** The card charged, as the provider said it (once captured). */
    cardBrand: string | null; cardLast4: string | null;
  } | null> };
  refunds: { nodes: Array<{ amount: Minor; status: string; refundedAt: Timestamp | null } | null> };
}

export interface Invoice {
  rowId: string;
  kind: "invoice" | "credit_note";
  documentNumber: string;
  currency: string;
  netAmount: Minor;
  taxAmount: Minor;
  totalAmount: Minor;
  lines: Array<{ description: string; kind: "revenue" | "tax"; amount: number }>;
  issuedAt: Timestamp;
}

export type ChangeRefusal = "NOT_CONFIRMED" | "RATE_PLAN" | "NOT_REFUNDABLE" | "PAST_DEADLINE";

export interface Reservation {
  rowId: string;
  confirmationCode: string;
  status: "held" | "confirmed" | "checked_in" | "checked_out" | "cancelled" | "no_show";
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  adults: number;
  children: number;
  /** The children's ages the guest gave (issue 22), or null (and absent where a query does not ask for them). */
  childAges?: number[] | null;
  currency: string;
  roomAmount: Minor;
  feesAmount: Minor;
  taxesAmount: Minor;
  totalAmount: Minor;
  priceLines: Array<{ kind: PriceLine["kind"]; date: IsoDate | null; description: string; quantity: number; amount: number; is_inclusive: boolean; fee_id?: string | null; extra_id?: string | null }>;
  cancellationPolicy: { terms?: string; is_refundable?: boolean; free_cancellation_until?: Timestamp | null; late_cancellation_penalty?: number };
  cancellationPenaltyNow: Minor | null;
  changeRefusal: ChangeRefusal | null;
  /** Payment due: a due payment failed, and the booking is cancelled if still unpaid at this moment. */
  paymentDueBy: Timestamp | null;
  /** The card on file, as people name it ("Visa •• 4242"), from the server. */
  cardOnFile: string | null;
  /** Prepayments that fell due and are unpaid. */
  unpaidPrepayment: Minor | null;
  penaltyAmount: Minor | null;
  refundAmount: Minor | null;
  specialRequests: string | null;
  confirmedAt: Timestamp | null;
  cancelledAt: Timestamp | null;
  /** The contact given for this booking (a booking token cannot read the shared guest profile). */
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  ratePlan: { rowId: string; name: string; mealPlan: MealPlan } | null;
  roomType: { rowId: string; name: string; maxOccupancy: number; photoUrls: string[]; amenities: string[] } | null;
  propertyByPropertyId: {
    rowId: string; name: string; city: string; address: string | null; timeZone: string; checkInTime: string; checkOutTime: string;
    /** The property's public contact: "please contact the property" shows it. */
    contactEmail: string | null; contactPhone: string | null;
  } | null;
  folio: {
    status: "open" | "closed";
    balances: { nodes: Array<{ currency: string; balance: Minor } | null> };
    invoices: { nodes: Array<Invoice | null> };
  } | null;
  paymentIntents: { nodes: Array<PaymentIntent | null> };
}

/** The booking a booking token (lookupBooking) may read, by the token's reservation id (one index lookup). */
/** The booking of the session's token; `language`: the guest's, for the room type and rate plan names. */
export const myBooking = query<{ currentBooking: Reservation | null }, { language: string | null }>(
  "MyBooking",
  `query MyBooking($language: String) {
    currentBooking {
      rowId confirmationCode status arrival departure nights adults children childAges currency roomAmount feesAmount taxesAmount totalAmount
      priceLines cancellationPolicy cancellationPenaltyNow changeRefusal penaltyAmount refundAmount specialRequests confirmedAt cancelledAt
      paymentDueBy cardOnFile unpaidPrepayment
      contactName contactEmail contactPhone
      ratePlan { rowId name: nameIn(language: $language) mealPlan }
      roomType { rowId name: nameIn(language: $language) maxOccupancy photoUrls amenities }
      propertyByPropertyId { rowId name city address timeZone checkInTime checkOutTime contactEmail contactPhone }
      folio {
        status
        balances { nodes { currency balance } }
        invoices(orderBy: NUMBER_ASC) { nodes { rowId kind documentNumber currency netAmount taxAmount totalAmount lines issuedAt } }
      }
      paymentIntents(orderBy: PRIMARY_KEY_ASC) {
        nodes {
          rowId kind amount currency status dueAt amountCaptured amountRefunded failureCode failureMessage
          attempts(orderBy: PRIMARY_KEY_ASC) { nodes { rowId status amount failureCode failureMessage createdAt cardBrand cardLast4 } }
          refunds { nodes { amount status refundedAt } }
        }
      }
    }
  }`,
);

export const pay = query<{ pay: { result: { rowId: string; status: string } | null } | null }, { intentId: string; paymentToken: string; key: string }>(
  "Pay",
  `mutation Pay($intentId: UUID!, $paymentToken: String!, $key: String!) {
    pay(input: {intentId: $intentId, paymentToken: $paymentToken, idempotencyKey: $key}) { result { rowId status } }
  }`,
);

export const attachPaymentMethod = query<
  { attachPaymentMethod: { result: Array<{ rowId: string } | null> | null } | null },
  { reservationId: string; paymentToken: string; key: string; cardBrand: string | null; cardLast4: string | null }
>(
  "AttachPaymentMethod",
  `mutation AttachPaymentMethod($reservationId: UUID!, $paymentToken: String!, $key: String!, $cardBrand: String, $cardLast4: String) {
    attachPaymentMethod(input: {reservationId: $reservationId, paymentToken: $paymentToken, idempotencyKey: $key, cardBrand: $cardBrand, cardLast4: $cardLast4}) { result { rowId } }
  }`,
);

export const cancelReservation = query<{ cancelReservation: { result: Booking | null } | null }, { reservationId: string; key: string; reason: string | null }>(
  "CancelReservation",
  `mutation CancelReservation($reservationId: UUID!, $key: String!, $reason: String) {
    cancelReservation(input: {reservationId: $reservationId, idempotencyKey: $key, reason: $reason}) { result { ${bookingFields} } }
  }`,
);

/** The stay a guest asks to change to: dates and party (adults, children). */
export interface StayChange { reservationId: string; arrival: IsoDate; departure: IsoDate; adults: number; children: number; childAges: number[] | null }

export const quoteChange = query<{ quoteChange: Quote | null }, StayChange>(
  "QuoteChange",
  `query QuoteChange($reservationId: UUID!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!, $childAges: [Int]) {
    quoteChange(reservationId: $reservationId, arrival: $arrival, departure: $departure, adults: $adults, children: $children, childAges: $childAges) { ${quoteFields} }
  }`,
);

export const modifyReservation = query<{ modifyReservation: { result: Booking | null } | null }, StayChange & { key: string }>(
  "ModifyReservation",
  `mutation ModifyReservation($reservationId: UUID!, $key: String!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!, $childAges: [Int]) {
    modifyReservation(input: {reservationId: $reservationId, idempotencyKey: $key, arrival: $arrival, departure: $departure, adults: $adults, children: $children, childAges: $childAges}) { result { ${bookingFields} } }
  }`,
);

// Several rooms of one stay: a booking group (docs/booking.md, "Group and multi-room bookings").

/** One room of a group as the guest chose it: its rate plan (so its room type) and who sleeps there. */
export interface GroupRoom {
  ratePlanId: string;
  adults: number;
  children: number;
  guestName?: string | null;
  /** The children's ages of this room, as roomCombinations spread them (issue 22). */
  childAges?: number[] | null;
}

export interface RoomCombination {
  rank: number;
  rooms: GroupRoom[];
  roomTypeNames: string[];
  capacity: number;
  currency: string;
  totalAmount: Minor;
}

/** A party too big for one room: the cheapest ways to sleep it in several (cached like a search: it reads only public prices and units left). */
export const roomCombinations = query<
  { roomCombinations: { nodes: Array<RoomCombination | null> } | null },
  { propertyId: string; arrival: IsoDate; departure: IsoDate; adults: number; children: number; childAges?: number[] | null }
>(
  "RoomCombinations",
  `query RoomCombinations($propertyId: UUID!, $arrival: Date!, $departure: Date!, $adults: Int!, $children: Int!, $childAges: [Int]) {
    roomCombinations(propertyId: $propertyId, arrival: $arrival, departure: $departure, adults: $adults, children: $children, maxResults: 3, childAges: $childAges) {
      nodes { rank rooms { ratePlanId adults children childAges } roomTypeNames capacity currency totalAmount }
    }
  }`,
  { cacheable: true },
);

export interface GroupQuote {
  propertyId: string;
  nights: number;
  currency: string;
  roomAmount: Minor;
  feesAmount: Minor;
  taxesAmount: Minor;
  totalAmount: Minor;
  rooms: Array<{ roomNo: number; guestName: string | null; quote: Quote & { roomTypeId: string; ratePlanId: string; adults: number; children: number } }>;
  validUntil: Timestamp | null;
  quoteToken: string | null;
  /** The promo code applied to every room (a discount line of each room's price), upper case; null: none. */
  promoCode: string | null;
}

export const quoteGroup = query<{ quoteGroup: GroupQuote | null }, { rooms: GroupRoom[]; arrival: IsoDate; departure: IsoDate; promoCode?: string | null }>(
  "QuoteGroup",
  `query QuoteGroup($rooms: [GroupRoomInput]!, $arrival: Date!, $departure: Date!, $promoCode: String) {
    quoteGroup(rooms: $rooms, arrival: $arrival, departure: $departure, promoCode: $promoCode) {
      propertyId nights currency roomAmount feesAmount taxesAmount totalAmount validUntil quoteToken promoCode
      rooms { roomNo guestName quote { roomTypeId ratePlanId adults children ${quoteFields} } }
    }
  }`,
);

export interface GroupHold {
  bookingGroupId: string;
  groupCode: string;
  expiresAt: Timestamp;
  currency: string;
  totalAmount: Minor;
  reservationIds: string[];
  /** Proof of having made the group hold, which confirmGroup asks for: kept like a single hold's (storage.ts). */
  holdToken: string | null;
}

export const createGroupHold = query<{ createGroupHold: { result: GroupHold | null } | null }, { quoteToken: string; key: string }>(
  "CreateGroupHold",
  `mutation CreateGroupHold($quoteToken: String!, $key: String!) {
    createGroupHold(input: {quoteToken: $quoteToken, idempotencyKey: $key, minutes: 15}) {
      result { bookingGroupId groupCode expiresAt currency totalAmount reservationIds holdToken }
    }
  }`,
);

export const confirmGroup = query<
  { confirmGroup: { result: Array<Booking | null> | null } | null },
  {
    bookingGroupId: string; key: string; fullName: string; email: string; phone: string | null; specialRequests: string | null; holdToken: string | null;
    guestNames: Array<string | null> | null;
  }
>(
  "ConfirmGroup",
  `mutation ConfirmGroup($bookingGroupId: UUID!, $key: String!, $fullName: String!, $email: String!, $phone: String, $specialRequests: String, $holdToken: String, $guestNames: [String]) {
    confirmGroup(input: {bookingGroupId: $bookingGroupId, idempotencyKey: $key, fullName: $fullName, email: $email, phone: $phone, specialRequests: $specialRequests, holdToken: $holdToken, guestNames: $guestNames}) {
      result { ${bookingFields} }
    }
  }`,
);

export const cancelGroup = query<{ cancelGroup: { result: Array<Booking | null> | null } | null }, { bookingGroupId: string; key: string; reason: string | null }>(
  "CancelGroup",
  `mutation CancelGroup($bookingGroupId: UUID!, $key: String!, $reason: String) {
    cancelGroup(input: {bookingGroupId: $bookingGroupId, idempotencyKey: $key, reason: $reason}) { result { ${bookingFields} } }
  }`,
);

/** A whole group's change of dates priced first (quoteGroupChange): each room now and after, the sums. */
export interface GroupChangeQuote {
  currentTotal: string;
  totalAmount: string;
  difference: string;
  nights: number;
  rooms: Array<{ roomNo: number; currentTotal: string; quote: { totalAmount: string } } | null>;
}

export const quoteGroupChange = query<{ quoteGroupChange: GroupChangeQuote | null }, { bookingGroupId: string; arrival: IsoDate; departure: IsoDate }>(
  "QuoteGroupChange",
  `query QuoteGroupChange($bookingGroupId: UUID!, $arrival: Date!, $departure: Date!) {
    quoteGroupChange(bookingGroupId: $bookingGroupId, arrival: $arrival, departure: $departure) {
      currentTotal totalAmount difference nights rooms { roomNo currentTotal quote { totalAmount } }
    }
  }`,
);

/** Every room of the group moved to new dates, or none (SOLD_OUT names the room that cannot move). */
export const changeGroupDates = query<{ changeGroupDates: { result: Array<Booking | null> | null } | null }, { bookingGroupId: string; key: string; arrival: IsoDate; departure: IsoDate }>(
  "ChangeGroupDates",
  `mutation ChangeGroupDates($bookingGroupId: UUID!, $key: String!, $arrival: Date!, $departure: Date!) {
    changeGroupDates(input: {bookingGroupId: $bookingGroupId, idempotencyKey: $key, arrival: $arrival, departure: $departure}) { result { ${bookingFields} } }
  }`,
);

export interface GroupRoomBooking {
  rowId: string;
  roomNo: number;
  guestName: string | null;
  confirmationCode: string | null;
  status: Reservation["status"];
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  adults: number;
  children: number;
  currency: string;
  totalAmount: Minor;
  cancellationPenaltyNow: Minor | null;
  penaltyAmount: Minor | null;
  refundAmount: Minor | null;
  cancellationPolicy: Reservation["cancellationPolicy"];
  ratePlan: { name: string; mealPlan: MealPlan } | null;
  roomType: { name: string; maxOccupancy: number } | null;
}

export interface BookingGroup {
  rowId: string;
  groupCode: string;
  name: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  confirmedAt: Timestamp | null;
  totalAmount: Minor | null;
  propertyByPropertyId: Reservation["propertyByPropertyId"] & { currency: string };
  rooms: { nodes: Array<GroupRoomBooking | null> };
}

/** The group a group token (lookupBooking with a group code) may read, with its rooms in rooming-list order. */
export const myGroup = query<{ bookingGroupByRowId: BookingGroup | null }, { id: string }>(
  "MyGroup",
  `query MyGroup($id: UUID!) {
    bookingGroupByRowId(rowId: $id) {
      rowId groupCode name contactName contactEmail contactPhone confirmedAt totalAmount
      propertyByPropertyId { rowId name city address timeZone currency checkInTime checkOutTime contactEmail contactPhone }
      rooms(orderBy: ROOM_NO_ASC) {
        nodes {
          rowId roomNo guestName confirmationCode status arrival departure nights adults children currency totalAmount
          cancellationPenaltyNow penaltyAmount refundAmount cancellationPolicy
          ratePlan { name mealPlan } roomType { name maxOccupancy }
        }
      }
    }
  }`,
);

// Guest accounts (issue 22): passwordless sign-in by an emailed link, the account's bookings and saved details.
export interface GuestAccount {
  email: string;
  fullName: string | null;
  phone: string | null;
  country: string | null;
  language: string;
}

const accountFields = "email fullName phone country language";

export const requestGuestSignIn = query<{ requestGuestSignIn: { result: boolean | null } | null }, { email: string; language: string }>(
  "RequestGuestSignIn",
  `mutation RequestGuestSignIn($email: String!, $language: String!) { requestGuestSignIn(input: {email: $email, language: $language}) { result } }`,
);

export const completeGuestSignIn = query<{ completeGuestSignIn: { result: string | null } | null }, { token: string }>(
  "CompleteGuestSignIn",
  `mutation CompleteGuestSignIn($token: String!) { completeGuestSignIn(input: {token: $token}) { result } }`,
);

export const signOut = query<{ logout: { result: boolean | null } | null }, Record<string, never>>(
  "SignOut",
  `mutation SignOut { logout(input: {}) { result } }`,
);

export const currentGuestAccount = query<{ currentGuestAccount: GuestAccount | null }, Record<string, never>>(
  "CurrentGuestAccount",
  `query CurrentGuestAccount { currentGuestAccount { ${accountFields} } }`,
);

export const updateGuestAccount = query<
  { updateGuestAccount: { result: GuestAccount | null } | null },
  { fullName: string | null; phone: string | null; country: string | null; language: string | null }
>(
  "UpdateGuestAccount",
  `mutation UpdateGuestAccount($fullName: String, $phone: String, $country: String, $language: String) {
    updateGuestAccount(input: {fullName: $fullName, phone: $phone, country: $country, language: $language}) { result { ${accountFields} } }
  }`,
);

export interface AccountBooking {
  rowId: string;
  confirmationCode: string;
  status: string;
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  adults: number;
  children: number;
  currency: string;
  totalAmount: Minor;
  contactEmail: string | null;
  roomType: { name: string } | null;
  propertyByPropertyId: { name: string; city: string; timeZone: string } | null;
}

const accountBookingFields = "rowId confirmationCode status arrival departure nights adults children currency totalAmount contactEmail roomType { name } propertyByPropertyId { name city timeZone }";

export const myBookings = query<{ myBookings: { nodes: Array<AccountBooking | null> } | null }, Record<string, never>>(
  "MyBookings",
  `query MyBookings { myBookings(first: 200) { nodes { ${accountBookingFields} } } }`,
);

export const attachBooking = query<{ attachBooking: { result: AccountBooking | null } | null }, { code: string; email: string }>(
  "AttachBooking",
  `mutation AttachBooking($code: String!, $email: String!) { attachBooking(input: {confirmationCode: $code, email: $email}) { result { ${accountBookingFields} } } }`,
);

export const guestBookingToken = query<{ guestBookingToken: string | null }, { reservationId: string }>(
  "GuestBookingToken",
  `query GuestBookingToken($reservationId: UUID!) { guestBookingToken(reservationId: $reservationId) }`,
);
