// Every GraphQL operation the staff console sends, with the TypeScript
// shape of its variables and result, written by hand against
// server/schema.graphql. tests/api/admin_documents.test.ts validates each
// document against that schema, so a field renamed in the API fails
// `npm test`, not a staff member's screen. No DOM or React here: the tests
// import this file under Node.

/** An operation, its variables and its result type. */
export interface Document<TData, TVariables> {
  readonly name: string;
  readonly source: string;
  /** Never set: carries the types. */
  readonly types?: { data: TData; variables: TVariables };
}

export function operation<TData, TVariables = Record<string, never>>(name: string, source: string): Document<TData, TVariables> {
  return { name, source: source.trim() };
}

// The mutations PostGraphile gives a table the console edits as a form
// (create, update by rowId, delete by rowId). Each result is aliased
// (`saved { row }`, `removed { id }`) so one helper saves any of them
// (rows.ts, saveRow).

export interface Saved<TNode> {
  saved: { row: TNode | null } | null;
}

const fieldOf = (type: string) => type.charAt(0).toLowerCase() + type.slice(1);

/** `create<Type>`: the operation is named `<prefix>Create<name>` (name: the type's unless given). */
export function createRow<TNode, TInput>(prefix: string, type: string, fields: string, name = type): Document<Saved<TNode>, { input: TInput }> {
  const field = fieldOf(type);
  return operation(
    `${prefix}Create${name}`,
    `mutation ${prefix}Create${name}($input: ${type}Input!) { saved: create${type}(input: {${field}: $input}) { row: ${field} { ${fields} } } }`,
  );
}

/** `update<Type>ByRowId` with a patch. */
export function updateRow<TNode, TPatch>(prefix: string, type: string, fields: string, name = type): Document<Saved<TNode>, { id: Uuid; patch: TPatch }> {
  const field = fieldOf(type);
  return operation(
    `${prefix}Update${name}`,
    `mutation ${prefix}Update${name}($id: UUID!, $patch: ${type}Patch!) {
      saved: update${type}ByRowId(input: {rowId: $id, ${field}Patch: $patch}) { row: ${field} { ${fields} } }
    }`,
  );
}

/** `delete<Type>ByRowId`. */
export function deleteRow(prefix: string, type: string, name = type): Document<{ removed: { id: string | null } | null }, { id: Uuid }> {
  return operation(`${prefix}Delete${name}`, `mutation ${prefix}Delete${name}($id: UUID!) { removed: delete${type}ByRowId(input: {rowId: $id}) { id: deleted${type}Id } }`);
}

// ---------------------------------------------------------------------------
// Scalars and enums as the API sends them
// ---------------------------------------------------------------------------

/** UUID. */
export type Uuid = string;
/** YYYY-MM-DD, in the property's calendar. */
export type IsoDate = string;
/** ISO 8601 timestamp with offset. */
export type Timestamp = string;
/** BigInt: an integer number of minor units, as a string. */
export type MinorUnits = string;

/** A decimal the API sends as a string (BigFloat), e.g. a percent "10.00". */
export type Decimal = string;

/** A list the API pages (totalCount) or returns whole; a null node is a row the user may not see. */
export type Connection<T> = { totalCount: number; nodes: Array<T | null> } | null;
export type Nodes<T> = { nodes: Array<T | null> };

/** A page of a list, as the API takes it. */
export interface Page {
  first: number;
  offset: number;
}

/** A property and a range of its dates, both included (reports, the rate calendar). */
export interface ReportRange {
  propertyId: Uuid;
  fromDate: IsoDate;
  toDate: IsoDate;
}

export const staffRoles = ["owner", "manager", "front_desk", "housekeeping", "housekeeping_supervisor", "accountant"] as const;
export type StaffRole = (typeof staffRoles)[number];

export const reservationStatuses = ["held", "confirmed", "checked_in", "checked_out", "cancelled", "no_show"] as const;
export type ReservationStatus = (typeof reservationStatuses)[number];

/** What a reservation that never became a booking is (Reservation.holdState). */
export type HoldState = "active" | "expired" | "released";

export type HousekeepingStatus = "dirty" | "clean" | "inspected" | "out_of_order";
export type PaymentStatus = "requires_payment" | "processing" | "authorized" | "captured" | "partially_refunded" | "refunded" | "failed" | "cancelled";
export type NotificationStatus = "pending" | "sent" | "failed" | "skipped";

// ---------------------------------------------------------------------------
// Signing in
// ---------------------------------------------------------------------------

export const login = operation<{ login: { result: string | null } | null }, { email: string; password: string }>(
  "Login",
  `mutation Login($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { result } }`,
);

export const logout = operation<{ logout: { result: boolean | null } | null }>(
  "Logout",
  `mutation Logout { logout(input: {}) { result } }`,
);

export interface MembershipNode {
  role: StaffRole;
  propertyByPropertyId: {
    rowId: Uuid; name: string; kind: "hotel" | "vacation_rental"; timeZone: string; currency: string; isPublished: boolean;
    unitsByPropertyId: { totalCount: number };
  } | null;
}

export interface CurrentStaffData {
  currentUser: {
    rowId: Uuid;
    email: string;
    displayName: string;
    propertyMembershipsByUserId: { nodes: Array<MembershipNode | null> };
  } | null;
}

/** The signed-in user and the properties they are staff of, with their role at each. */
export const currentStaff = operation<CurrentStaffData>(
  "CurrentStaff",
  `query CurrentStaff {
    currentUser {
      rowId email displayName
      propertyMembershipsByUserId(orderBy: PROPERTY_ID_ASC) {
        nodes { role propertyByPropertyId { rowId name kind timeZone currency isPublished unitsByPropertyId { totalCount } } }
      }
    }
  }`,
);

// ---------------------------------------------------------------------------
// Reservations
// ---------------------------------------------------------------------------

const reservationFields = `
  fragment ReservationFields on Reservation {
    rowId propertyId confirmationCode status arrival departure nights adults children
    currency totalAmount channel createdAt unitPinned
    paymentDueBy unpaidPrepayment noShowFrom expectedArrivalTime
    holdState holdExpiresAt checkedOutAt cancelledAt noShowAt
    roomNo guestName group { rowId groupCode name }
    guest { rowId fullName email phone }
    unit { rowId name housekeepingStatus }
    roomType { rowId name }
  }`;

/** A reservation as lists show it. */
export interface ReservationNode {
  rowId: Uuid;
  propertyId: Uuid;
  confirmationCode: string | null;
  status: ReservationStatus;
  arrival: IsoDate;
  departure: IsoDate;
  nights: number;
  adults: number;
  children: number;
  currency: string;
  totalAmount: MinorUnits;
  channel: string;
  createdAt: Timestamp;
  /** Staff pinned the stay to its unit (or moved it by hand): the allocator never moves it. */
  unitPinned: boolean;
  /** Payment due: a due payment failed; the booking is cancelled at this moment if still unpaid (null: nothing due). */
  paymentDueBy: Timestamp | null;
  /** Prepayments that fell due and are unpaid (what check-in warns of). */
  unpaidPrepayment: MinorUnits | null;
  /** The card on file as people name it, "Visa •• 4242" (the reservation page and the payment-due list read it). */
  cardOnFile?: string | null;
  /** From when a no-show may be recorded (the property's no-show time after arrival). */
  noShowFrom: Timestamp | null;
  /** When the guest expects to arrive on the arrival day, local "HH:MM:SS" (the desk sets it, like special requests); null: not known. */
  expectedArrivalTime: string | null;
  /** A reservation never confirmed: "active" (held), "expired" (an abandoned checkout), "released" (let go); null for a booking. */
  holdState: HoldState | null;
  holdExpiresAt: Timestamp | null;
  checkedOutAt: Timestamp | null;
  cancelledAt: Timestamp | null;
  noShowAt: Timestamp | null;
  guest: { rowId: Uuid; fullName: string; email: string | null; phone: string | null } | null;
  unit: { rowId: Uuid; name: string; housekeepingStatus: HousekeepingStatus } | null;
  roomType: { rowId: Uuid; name: string } | null;
  /** The room's place in its group's rooming list, who sleeps in it, and its group (null outside a group). */
  roomNo: number | null;
  guestName: string | null;
  group: { rowId: Uuid; groupCode: string; name: string | null } | null;
}

/** One line of the price locked at booking (reservations.price_lines, snake_case JSON). */
export interface PriceLine {
  /** extra: an extra booked with the stay (issue 22); its VAT is a tax line with the same extra_id. */
  kind: "night" | "discount" | "fee" | "extra" | "tax";
  date: IsoDate | null;
  description: string;
  quantity: number;
  amount: number;
  is_inclusive: boolean;
  /** The extra of an `extra` line (and of its tax line). */
  extra_id?: Uuid;
}

export interface CancellationPolicy {
  terms?: string;
  is_refundable?: boolean;
  free_cancellation_until?: Timestamp | null;
  late_cancellation_penalty?: number;
}

export interface PaymentIntentNode {
  rowId: Uuid;
  kind: "deposit" | "balance";
  amount: MinorUnits;
  currency: string;
  status: PaymentStatus;
  dueAt: Timestamp;
  amountCaptured: MinorUnits;
  amountRefunded: MinorUnits;
  failureCode: string | null;
  failureMessage: string | null;
  attempts: { nodes: Array<{ rowId: Uuid; amount: MinorUnits; currency: string; status: string; capturedAt: Timestamp | null; failureCode: string | null; failureMessage: string | null; createdAt: Timestamp } | null> };
  refunds: { nodes: Array<{ rowId: Uuid; amount: MinorUnits; currency: string; status: string; reason: string | null; refundedAt: Timestamp | null; failureMessage: string | null; createdAt: Timestamp } | null> };
}

export interface NotificationNode {
  rowId: Uuid;
  template: string;
  channel: "email" | "sms";
  recipient: string;
  status: NotificationStatus;
  sendAfter: Timestamp;
  sentAt: Timestamp | null;
  attempts: number;
  lastError: string | null;
  subject: string | null;
  createdAt: Timestamp;
}

export interface PostingNode {
  rowId: string;
  amount: MinorUnits;
  currency: string;
  entry: { occurredAt: Timestamp; description: string; causeType: string } | null;
}

/**
 * A move of a stay by the allocator to another unit of its room type, made
 * to fit another booking (app_public.allocation_moves; front office staff
 * read them, others get none).
 */
export interface ReservationMoveNode {
  rowId: Uuid;
  arrival: IsoDate;
  departure: IsoDate;
  movedAt: Timestamp;
  fromUnit: { rowId: Uuid; name: string } | null;
  toUnit: { rowId: Uuid; name: string } | null;
  causedBy: { rowId: Uuid; confirmationCode: string | null; status: ReservationStatus; guest: { fullName: string } | null } | null;
}

/** A reservation with everything its page shows. */
export interface ReservationDetailNode extends ReservationNode {
  /** Staff waived the payment guarantee (the booking is kept whatever it paid), and the reason of the last extension or waiver. */
  paymentGuaranteeWaivedAt: Timestamp | null;
  paymentGuaranteeNote: string | null;
  roomAmount: MinorUnits;
  feesAmount: MinorUnits;
  taxesAmount: MinorUnits;
  penaltyAmount: MinorUnits | null;
  refundAmount: MinorUnits | null;
  priceLines: PriceLine[];
  /** The children's ages given at booking (issue 22), one per child, or null. */
  childAges: number[] | null;
  /** The extras booked with the stay (issue 22): name as booked, how many, basis. */
  extras: { nodes: Array<{ rowId: Uuid; extraId: Uuid; position: number; name: string; basis: "per_stay" | "per_night" | "per_guest_night"; quantity: number } | null> };
  cancellationPolicy: CancellationPolicy;
  specialRequests: string | null;
  confirmedAt: Timestamp | null;
  checkedInAt: Timestamp | null;
  cancellationReason: string | null;
  updatedAt: Timestamp;
  ratePlan: { rowId: Uuid; name: string; mealPlan: string } | null;
  propertyByPropertyId: { rowId: Uuid; name: string; timeZone: string; currency: string; checkInTime: string; checkOutTime: string } | null;
  /** The day the guest in house hung do-not-disturb (property calendar), or null. */
  doNotDisturbOn: IsoDate | null;
  /** The price the desk set (createDeskHold), or null. */
  rateOverride: {
    kind: "room_amount" | "discount_percent";
    quotedRoomAmount: MinorUnits;
    roomAmount: MinorUnits;
    discountPercent: string;
    reason: string;
    creatorRole: string;
    createdAt: Timestamp;
    userByCreatedBy: { displayName: string } | null;
  } | null;
  folio: {
    rowId: Uuid;
    status: "open" | "closed";
    closedAt: Timestamp | null;
    balances: { nodes: Array<{ currency: string; balance: MinorUnits } | null> };
    /** Only with withLedger: the ledger's descriptions are for owners, managers and accountants. */
    postings?: { nodes: Array<PostingNode | null> };
    invoices: { nodes: Array<{ rowId: Uuid; kind: "invoice" | "credit_note"; documentNumber: string; totalAmount: MinorUnits; currency: string; issuedAt: Timestamp } | null> };
  } | null;
  paymentIntents: { nodes: Array<PaymentIntentNode | null> };
  notifications?: { nodes: Array<NotificationNode | null> };
  /** The allocator's moves of this stay, oldest first. */
  allocationMoves: { nodes: Array<ReservationMoveNode | null> };
}

/** Conditions the API offers on allReservations (equality only, indexed columns). */
export interface ReservationCondition {
  propertyId?: Uuid;
  confirmationCode?: string;
  guestId?: Uuid;
  unitId?: Uuid;
  roomTypeId?: Uuid;
  arrival?: IsoDate;
  /** The rooms of a booking group. */
  groupId?: Uuid;
}

export const reservationOrderBy = [
  "ARRIVAL_ASC", "ARRIVAL_DESC", "DEPARTURE_ASC", "DEPARTURE_DESC", "CONFIRMATION_CODE_ASC", "CONFIRMATION_CODE_DESC",
  "PRIMARY_KEY_ASC", "PRIMARY_KEY_DESC",
] as const;
export type ReservationOrderBy = (typeof reservationOrderBy)[number];

export const reservations = operation<
  { allReservations: { totalCount: number; nodes: Array<ReservationNode | null> } | null },
  { first: number; offset: number; orderBy: ReservationOrderBy[]; condition: ReservationCondition }
>(
  "Reservations",
  `query Reservations($first: Int!, $offset: Int!, $orderBy: [ReservationOrderBy!], $condition: ReservationCondition) {
    allReservations(first: $first, offset: $offset, orderBy: $orderBy, condition: $condition) {
      totalCount
      nodes { ...ReservationFields }
    }
  }
  ${reservationFields}`,
);

/**
 * The reservations list: a property's bookings (and live holds), searched in
 * the database by guest name, email, phone or code (searchReservations);
 * expired and released holds only with includeHolds.
 */
export const searchReservations = operation<
  { searchReservations: { totalCount: number; nodes: Array<ReservationNode | null> } | null },
  { propertyId: Uuid; search: string | null; includeHolds: boolean; first: number; offset: number; orderBy: ReservationOrderBy[]; condition: ReservationCondition }
>(
  "SearchReservations",
  `query SearchReservations($propertyId: UUID!, $search: String, $includeHolds: Boolean!, $first: Int!, $offset: Int!, $orderBy: [ReservationOrderBy!], $condition: ReservationCondition) {
    searchReservations(propertyId: $propertyId, search: $search, includeHolds: $includeHolds, first: $first, offset: $offset, orderBy: $orderBy, condition: $condition) {
      totalCount
      nodes { ...ReservationFields }
    }
  }
  ${reservationFields}`,
);

export const reservation = operation<
  { reservationByRowId: ReservationDetailNode | null },
  { id: Uuid; withLedger: boolean; withNotifications: boolean }
>(
  "Reservation",
  `query Reservation($id: UUID!, $withLedger: Boolean!, $withNotifications: Boolean!) {
    reservationByRowId(rowId: $id) {
      ...ReservationFields
      roomAmount feesAmount taxesAmount penaltyAmount refundAmount priceLines cancellationPolicy specialRequests childAges
      extras { nodes { rowId extraId position name basis quantity } }
      holdExpiresAt confirmedAt checkedInAt checkedOutAt cancelledAt noShowAt cancellationReason updatedAt cardOnFile
      paymentGuaranteeWaivedAt paymentGuaranteeNote doNotDisturbOn
      ratePlan { rowId name mealPlan }
      propertyByPropertyId { rowId name timeZone currency checkInTime checkOutTime }
      rateOverride { kind quotedRoomAmount roomAmount discountPercent reason creatorRole createdAt userByCreatedBy { displayName } }
      folio {
        rowId status closedAt
        balances { nodes { currency balance } }
        postings(orderBy: ROW_ID_ASC) @include(if: $withLedger) {
          nodes { rowId amount currency entry { occurredAt description causeType } }
        }
        invoices(orderBy: NUMBER_ASC) { nodes { rowId kind documentNumber totalAmount currency issuedAt } }
      }
      paymentIntents(orderBy: PRIMARY_KEY_ASC) {
        nodes {
          rowId kind amount currency status dueAt amountCaptured amountRefunded failureCode failureMessage
          attempts { nodes { rowId amount currency status capturedAt failureCode failureMessage createdAt } }
          refunds { nodes { rowId amount currency status reason refundedAt failureMessage createdAt } }
        }
      }
      notifications @include(if: $withNotifications) {
        nodes { rowId template channel recipient status sendAfter sentAt attempts lastError subject createdAt }
      }
      allocationMoves(orderBy: [MOVED_AT_ASC]) {
        nodes {
          rowId arrival departure movedAt
          fromUnit { rowId name }
          toUnit { rowId name }
          causedBy { rowId confirmationCode status guest { fullName } }
        }
      }
    }
  }
  ${reservationFields}`,
);

/** Several reservations by id in one request (aliases r0, r1, ...; at most `reservationsByIdBatch`: 7 keeps the operation within the API's 300 fields). */
export const reservationsByIdBatch = 7;
export function reservationsById(count: number): Document<Record<string, ReservationNode | null>, Record<string, Uuid>> {
  const n = Math.max(1, Math.min(count, reservationsByIdBatch));
  const variables = Array.from({ length: n }, (_, i) => `$id${i}: UUID!`).join(", ");
  const fields = Array.from({ length: n }, (_, i) => `r${i}: reservationByRowId(rowId: $id${i}) { ...ReservationFields }`).join("\n    ");
  return operation(`ReservationsById${n}`, `query ReservationsById${n}(${variables}) {\n    ${fields}\n  }\n  ${reservationFields}`);
}

/** The columns the front office patches (grant update (special_requests, expected_arrival_time)); returns them with the list fields. */
export const updateReservation = operation<
  { updateReservationByRowId: { reservation: (ReservationNode & { specialRequests: string | null; updatedAt: Timestamp }) | null } | null },
  { id: Uuid; patch: { specialRequests?: string | null; expectedArrivalTime?: string | null } }
>(
  "UpdateReservation",
  `mutation UpdateReservation($id: UUID!, $patch: ReservationPatch!) {
    updateReservationByRowId(input: {rowId: $id, reservationPatch: $patch}) { reservation { ...ReservationFields specialRequests updatedAt } }
  }
  ${reservationFields}`,
);

/**
 * The desk's guest details of a booking: name, email, phone
 * (app_public.update_reservation_guest: front office; typed errors).
 */
export const updateReservationGuest = operation<
  { updateReservationGuest: { reservation: (ReservationNode & { updatedAt: Timestamp }) | null } | null },
  { reservationId: Uuid; fullName: string; email: string; phone: string | null }
>(
  "UpdateReservationGuest",
  `mutation UpdateReservationGuest($reservationId: UUID!, $fullName: String!, $email: String!, $phone: String) {
    updateReservationGuest(input: {reservationId: $reservationId, fullName: $fullName, email: $email, phone: $phone}) {
      reservation: result { ...ReservationFields updatedAt }
    }
  }
  ${reservationFields}`,
);

/** Every stay the desk accounts for on a day: arrivals, departures, in house, no-shows, cancellations (app_public.front_desk_day), and the property's check-in time (an arrival expected before it is early). */
export const frontDeskDay = operation<
  { frontDeskDay: { totalCount: number; nodes: Array<ReservationNode | null> } | null; propertyByRowId: { checkInTime: string } | null },
  { propertyId: Uuid; day: IsoDate }
>(
  "FrontDeskDay",
  `query FrontDeskDay($propertyId: UUID!, $day: Date!) {
    propertyByRowId(rowId: $propertyId) { checkInTime }
    frontDeskDay(propertyId: $propertyId, day: $day) {
      totalCount
      nodes { ...ReservationFields }
    }
  }
  ${reservationFields}`,
);

/** One line of a reservation's history in words (app_public.reservation_timeline). */
export interface ReservationHistoryLineNode {
  occurredAt: Timestamp;
  summary: string;
  actorName: string | null;
  actorRole: string | null;
  requestId: string | null;
}

export const reservationTimeline = operation<
  { reservationTimeline: { nodes: Array<ReservationHistoryLineNode | null> } | null },
  { id: Uuid }
>(
  "ReservationTimeline",
  `query ReservationTimeline($id: UUID!) {
    reservationTimeline(reservationId: $id) { nodes { occurredAt summary actorName actorRole requestId } }
  }`,
);

export interface ReservationEventNode {
  occurredAt: Timestamp;
  tableName: string;
  operation: "INSERT" | "UPDATE" | "DELETE";
  actorUserId: Uuid | null;
  actorName: string | null;
  actorRole: string | null;
  requestId: string | null;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
}

export const reservationHistory = operation<
  { reservationHistory: { nodes: Array<ReservationEventNode | null> } | null },
  { id: Uuid }
>(
  "ReservationHistory",
  `query ReservationHistory($id: UUID!) {
    reservationHistory(reservationId: $id) {
      nodes { occurredAt tableName operation actorUserId actorName actorRole requestId oldValues newValues }
    }
  }`,
);

// ---------------------------------------------------------------------------
// Booking operations (each takes an idempotency key)
// ---------------------------------------------------------------------------

/** The state of a reservation after a booking operation (type Booking). */
export interface BookingResult {
  reservationId: Uuid;
  propertyId: Uuid;
  confirmationCode: string | null;
  status: ReservationStatus;
  arrival: IsoDate;
  departure: IsoDate;
  currency: string;
  totalAmount: MinorUnits;
  penaltyAmount: MinorUnits | null;
  refundAmount: MinorUnits | null;
}

const bookingFields = `reservationId propertyId confirmationCode status arrival departure currency totalAmount penaltyAmount refundAmount`;

/** What a booking operation answers: the reservation after it, aliased `booking` whatever the mutation. */
export interface BookingAnswer {
  booking: { result: BookingResult | null } | null;
}

/**
 * A booking operation (the mutation `name` with a lower-case first letter),
 * answering with the reservation; `args` maps each input field to its
 * GraphQL type, in the order the document lists them.
 */
export function bookingMutation<TVariables>(name: string, args: Record<keyof TVariables & string, string>): Document<BookingAnswer, TVariables> {
  const fields = Object.keys(args) as Array<keyof TVariables & string>;
  const field = name.charAt(0).toLowerCase() + name.slice(1);
  return operation(
    name,
    `mutation ${name}(${fields.map((f) => `$${f}: ${args[f]}`).join(", ")}) {
      booking: ${field}(input: {${fields.map((f) => `${f}: $${f}`).join(", ")}}) { result { ${bookingFields} } }
    }`,
  );
}

export const checkIn = bookingMutation<{ reservationId: Uuid; idempotencyKey: string; force: boolean; acknowledgeUnpaid: boolean }>("CheckIn", {
  reservationId: "UUID!", idempotencyKey: "String!", force: "Boolean!", acknowledgeUnpaid: "Boolean!",
});

export const checkOut = bookingMutation<{ reservationId: Uuid; idempotencyKey: string }>("CheckOut", { reservationId: "UUID!", idempotencyKey: "String!" });

export const cancelReservation = bookingMutation<{ reservationId: Uuid; idempotencyKey: string; reason: string | null }>("CancelReservation", {
  reservationId: "UUID!", idempotencyKey: "String!", reason: "String",
});

/**
 * The party size of a stay (modifyReservation with adults, children and the
 * children's ages only: re-priced on its plan). childAges null keeps the
 * booking's while its number of children stays (issue 22).
 */
export const changePartySize = operation<BookingAnswer, { reservationId: Uuid; idempotencyKey: string; adults: number; children: number; childAges: number[] | null }>(
  "ChangePartySize",
  `mutation ChangePartySize($reservationId: UUID!, $idempotencyKey: String!, $adults: Int!, $children: Int!, $childAges: [Int]) {
    booking: modifyReservation(input: {reservationId: $reservationId, idempotencyKey: $idempotencyKey, adults: $adults, children: $children, childAges: $childAges}) {
      result { ${bookingFields} }
    }
  }`,
);

export const markNoShow = bookingMutation<{ reservationId: Uuid; idempotencyKey: string }>("MarkNoShow", { reservationId: "UUID!", idempotencyKey: "String!" });

/**
 * Every mutation of the API that takes an idempotencyKey (the test checks
 * this list against the schema). The client sends those only through
 * `runKeyed`, which requires a key made once per user action.
 */
export const keyedMutations = [
  "setRates", "createHold", "createDeskHold", "checkOut", "markNoShow", "cancelReservation", "checkIn", "moveUnit", "confirmBooking",
  "modifyReservation", "markPayoutPaid", "runPayouts", "pay", "refundPayment", "releaseBlock", "createBlock",
  "issueInvoice", "issueCreditNote", "attachPaymentMethod", "setPropertyLegalDetails", "setFolioBillTo", "sendInvoice",
  // The desk's folio work (documents/desk.ts).
  "postFolioCharge", "postFolioAllowance", "correctFolioEntry", "takeFolioPayment", "refundFolioPayment", "createFolio",
  "routeFolioPostings", "transferFolioToCityLedger", "openCashShift", "closeCashShift",
  // The payment guarantee and the card on file (documents/guarantee.ts).
  "extendPaymentDeadline", "waivePaymentGuarantee", "chargeCardOnFile",
  // Group and multi-room bookings (migration 000073; features/groups/documents.ts).
  "createGroupHold", "confirmGroup", "cancelGroup",
  // Changes to a confirmed group.
  "changeGroupDates", "addGroupRoom",
] as const;
export type KeyedMutation = (typeof keyedMutations)[number];

/** The documents above, for the schema test. */
export const allDocuments: ReadonlyArray<Document<unknown, unknown>> = [
  login, logout, currentStaff, reservations, reservation, reservationsById(1), reservationsById(reservationsByIdBatch),
  updateReservation, frontDeskDay, reservationHistory, checkIn, searchReservations, updateReservationGuest, reservationTimeline, changePartySize, checkOut, cancelReservation, markNoShow,
];

