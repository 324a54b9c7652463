// The revenue screens' GraphQL operations: room types, units, rate plans and
// their length-of-stay discounts, fees, taxes, the extras catalogue (the
// CRUD of the setup, platform/rows.ts), and the rate calendar. Written by
// hand against server/schema.graphql, and checked against it by
// tests/api/admin_backoffice_documents.test.ts. No DOM or React here.
import { createRow, deleteRow, operation, updateRow, type Decimal, type IsoDate, type MinorUnits, type Nodes, type ReportRange, type Uuid } from "../../platform/documents.ts";

export type MealPlan = "room_only" | "breakfast" | "half_board" | "full_board" | "all_inclusive";
export type CancellationPenaltyKind = "nights" | "percent";
export type ChargePosting = "on_booking" | "nightly";
export type FeeBasis = "per_stay" | "per_night" | "per_guest_night";
export type TaxBasis = "percent_of_room" | "per_night" | "per_person_night";

export const mealPlans: readonly MealPlan[] = ["room_only", "breakfast", "half_board", "full_board", "all_inclusive"];
export const feeBases: readonly FeeBasis[] = ["per_stay", "per_night", "per_guest_night"];
export const taxBases: readonly TaxBasis[] = ["percent_of_room", "per_night", "per_person_night"];

// ---------------------------------------------------------------------------
// Revenue: room types, units, rate plans, fees, taxes
// ---------------------------------------------------------------------------

export interface RoomTypeNode {
  rowId: Uuid;
  name: string;
  description: string | null;
  maxOccupancy: number;
  /** Children younger than this (1–5) sleep in a cot and do not count toward maxOccupancy (issue 22); null: all count. */
  cotBelowAge: number | null;
  isPublished: boolean;
}

export interface UnitNode {
  rowId: Uuid;
  roomTypeId: Uuid;
  name: string;
  isActive: boolean;
  housekeepingStatus: "dirty" | "clean" | "inspected" | "out_of_order";
  ownerId: Uuid | null;
}

export interface LosDiscountNode {
  rowId: Uuid;
  minNights: number;
  percentOff: Decimal;
}

export interface RatePlanNode {
  rowId: Uuid;
  roomTypeId: Uuid;
  name: string;
  description: string | null;
  currency: string;
  basePrice: MinorUnits;
  includedGuests: number;
  extraAdultFee: MinorUnits;
  extraChildFee: MinorUnits;
  mealPlan: MealPlan;
  minStay: number;
  maxStay: number | null;
  isRefundable: boolean;
  freeCancellationDays: number;
  cancellationPenaltyKind: CancellationPenaltyKind;
  cancellationPenaltyValue: number;
  isPublished: boolean;
  depositPercent: Decimal;
  balanceDueDays: number;
  /** Hours the guest has to pay after a due payment failed, before the booking is cancelled (the payment guarantee). */
  paymentDeadlineHours: number;
  chargePosting: ChargePosting;
  /** A derived plan follows this plan's prices (same room type), adjusted; null: its own prices. */
  parentRatePlanId: Uuid | null;
  /** A derived plan's adjustment: a percent of the parent's price (-90 to 100)… */
  adjustmentPercent: Decimal | null;
  /** …or an amount per night (minor units, negative: less). Exactly one on a derived plan. */
  adjustmentAmount: MinorUnits | null;
  /** A derived plan's nightly price is rounded to a multiple of this many minor units. */
  roundingStep: number;
  /** Children by age (issue 22, docs/booking.md "Children by age"): free below this age (1–17)… */
  childFreeBelowAge: number | null;
  /** …priced as adults from this age (1–17); both null: the plan does not price by age (the extra-child fee applies). */
  childAdultFromAge: number | null;
  /** Per night, a child between the two pays this amount (minor units)… */
  childSupplementAmount: MinorUnits | null;
  /** …or this percent of the night (0–100). One of them when some age pays. */
  childSupplementPercent: Decimal | null;
  losDiscounts: Nodes<LosDiscountNode>;
}

export interface FeeNode {
  rowId: Uuid;
  roomTypeId: Uuid | null;
  name: string;
  basis: FeeBasis;
  amount: MinorUnits;
  currency: string;
  isActive: boolean;
}

export interface TaxNode {
  rowId: Uuid;
  name: string;
  basis: TaxBasis;
  percent: Decimal | null;
  amount: MinorUnits | null;
  currency: string;
  isInclusive: boolean;
  appliesToFees: boolean;
  /** Whether a cancellation or no-show penalty carries the tax (VAT yes, a city tax per person-night no). */
  appliesToPenalty: boolean | null;
  isActive: boolean;
}

const roomTypeFields = `rowId name description maxOccupancy cotBelowAge isPublished`;
const unitFields = `rowId roomTypeId name isActive housekeepingStatus ownerId`;
const losDiscountFields = `rowId minNights percentOff`;
const ratePlanFields = `rowId roomTypeId name description currency basePrice includedGuests extraAdultFee extraChildFee mealPlan
  minStay maxStay isRefundable freeCancellationDays cancellationPenaltyKind cancellationPenaltyValue isPublished
  depositPercent balanceDueDays paymentDeadlineHours chargePosting parentRatePlanId adjustmentPercent adjustmentAmount roundingStep
  childFreeBelowAge childAdultFromAge childSupplementAmount childSupplementPercent losDiscounts(orderBy: PRIMARY_KEY_ASC) { nodes { ${losDiscountFields} } }`;
const feeFields = `rowId roomTypeId name basis amount currency isActive`;
const taxFields = `rowId name basis percent amount currency isInclusive appliesToFees appliesToPenalty isActive`;
const extraFields = `rowId name unitPrice currency taxId isActive sortOrder isBookable bookingBasis maxQuantity dailyLimit`;

/** An extra of the property's catalogue (minibar, parking, …) the desk posts to folios (app_public.folio_extras). */
export interface ExtraNode {
  rowId: Uuid;
  name: string;
  /** The price of one, VAT included. */
  unitPrice: MinorUnits;
  currency: string;
  /** The percent tax included in the price, or null. */
  taxId: Uuid | null;
  isActive: boolean;
  sortOrder: number;
  /** Guests may add it when they book (priced by bookingBasis, at most maxQuantity a stay). */
  isBookable: boolean;
  bookingBasis: ExtraBasis;
  maxQuantity: number;
  /** How many bookings may have on one night together (parking spaces); null: no limit. */
  dailyLimit: number | null;
}

/** How a booked extra is priced: once per stay, per night, or per guest per night (times the quantity chosen). */
export type ExtraBasis = "per_stay" | "per_night" | "per_guest_night";
/** An extra's basis in words (the catalogue's and a reservation's extras). */
export const extraBasisLabels: Record<ExtraBasis, string> = { per_stay: "per stay", per_night: "per night", per_guest_night: "per guest per night" };

export interface ExtraValues {
  name: string;
  unitPrice: MinorUnits;
  taxId: Uuid | null;
  isActive: boolean;
  sortOrder: number;
  isBookable: boolean;
  bookingBasis: ExtraBasis;
  maxQuantity: number;
  dailyLimit: number | null;
}

export const createFolioExtra = createRow<ExtraNode, ExtraValues & { propertyId: Uuid; currency: string }>("Backoffice", "FolioExtra", extraFields);

export const updateFolioExtra = updateRow<ExtraNode, Partial<ExtraValues>>("Backoffice", "FolioExtra", extraFields);

export interface RevenueSetup {
  allRoomTypes: { nodes: Array<RoomTypeNode | null> } | null;
  allUnits: { nodes: Array<UnitNode | null> } | null;
  allRatePlans: { nodes: Array<RatePlanNode | null> } | null;
  allFees: { nodes: Array<FeeNode | null> } | null;
  allTaxes: { nodes: Array<TaxNode | null> } | null;
  allFolioExtras: { nodes: Array<ExtraNode | null> } | null;
}

/** What the revenue screens edit: a property's room types, units, rate plans (with LOS discounts), fees and taxes. */
export const revenueSetup = operation<RevenueSetup, { propertyId: Uuid }>(
  "BackofficeRevenueSetup",
  `query BackofficeRevenueSetup($propertyId: UUID!) {
    allRoomTypes(condition: {propertyId: $propertyId}, orderBy: NAME_ASC) { nodes { ${roomTypeFields} } }
    allUnits(condition: {propertyId: $propertyId}, orderBy: NAME_ASC) { nodes { ${unitFields} } }
    allRatePlans(condition: {propertyId: $propertyId}, orderBy: NAME_ASC) { nodes { ${ratePlanFields} } }
    allFees(condition: {propertyId: $propertyId}, orderBy: NAME_ASC) { nodes { ${feeFields} } }
    allTaxes(condition: {propertyId: $propertyId}, orderBy: NAME_ASC) { nodes { ${taxFields} } }
    allFolioExtras(condition: {propertyId: $propertyId}) { nodes { ${extraFields} } }
  }`,
);

export interface RoomTypeValues {
  name: string;
  description: string | null;
  maxOccupancy: number;
  cotBelowAge: number | null;
  isPublished: boolean;
}

export const createRoomType = createRow<RoomTypeNode, RoomTypeValues & { propertyId: Uuid }>("Backoffice", "RoomType", roomTypeFields);

export const updateRoomType = updateRow<RoomTypeNode, Partial<RoomTypeValues>>("Backoffice", "RoomType", roomTypeFields);

export const deleteRoomType = deleteRow("Backoffice", "RoomType");

export interface UnitValues {
  roomTypeId: Uuid;
  name: string;
  isActive: boolean;
}

export const createUnit = createRow<UnitNode, UnitValues & { propertyId: Uuid }>("Backoffice", "Unit", unitFields);

export const updateUnit = updateRow<UnitNode, Partial<UnitValues> & { ownerId?: Uuid | null }>("Backoffice", "Unit", unitFields);

export const deleteUnit = deleteRow("Backoffice", "Unit");

export interface RatePlanValues {
  name: string;
  description: string | null;
  basePrice: MinorUnits;
  includedGuests: number;
  extraAdultFee: MinorUnits;
  extraChildFee: MinorUnits;
  mealPlan: MealPlan;
  minStay: number;
  maxStay: number | null;
  isRefundable: boolean;
  freeCancellationDays: number;
  cancellationPenaltyKind: CancellationPenaltyKind;
  cancellationPenaltyValue: number;
  isPublished: boolean;
  chargePosting: ChargePosting;
  /** The payment schedule: this share of the total at booking, the rest balanceDueDays before arrival (0: at check-in). */
  depositPercent: Decimal;
  balanceDueDays: number;
  /** After a due payment fails, the hours the guest has to pay before the booking is cancelled (1–720). */
  paymentDeadlineHours: number;
  /** Derived plans (docs/booking.md, "Derived rate plans"): the parent, one adjustment, the rounding step; all null/1 for a plan of its own. */
  parentRatePlanId: Uuid | null;
  adjustmentPercent: Decimal | null;
  adjustmentAmount: MinorUnits | null;
  roundingStep: number;
  /** Children by age: the bands and the supplement (all null: not by age). */
  childFreeBelowAge: number | null;
  childAdultFromAge: number | null;
  childSupplementAmount: MinorUnits | null;
  childSupplementPercent: Decimal | null;
}

export const createRatePlan = createRow<RatePlanNode, RatePlanValues & { propertyId: Uuid; roomTypeId: Uuid; currency: string }>("Backoffice", "RatePlan", ratePlanFields);

export const updateRatePlan = updateRow<RatePlanNode, Partial<RatePlanValues>>("Backoffice", "RatePlan", ratePlanFields);

export const deleteRatePlan = deleteRow("Backoffice", "RatePlan");

export const createLosDiscount = createRow<LosDiscountNode, { propertyId: Uuid; ratePlanId: Uuid; minNights: number; percentOff: Decimal }>("Backoffice", "RatePlanLosDiscount", losDiscountFields, "LosDiscount");

export const deleteLosDiscount = deleteRow("Backoffice", "RatePlanLosDiscount", "LosDiscount");

export interface FeeValues {
  roomTypeId: Uuid | null;
  name: string;
  basis: FeeBasis;
  amount: MinorUnits;
  isActive: boolean;
}

export const createFee = createRow<FeeNode, FeeValues & { propertyId: Uuid; currency: string }>("Backoffice", "Fee", feeFields);

export const updateFee = updateRow<FeeNode, Partial<FeeValues>>("Backoffice", "Fee", feeFields);

export const deleteFee = deleteRow("Backoffice", "Fee");

export interface TaxValues {
  name: string;
  basis: TaxBasis;
  percent: Decimal | null;
  amount: MinorUnits | null;
  isInclusive: boolean;
  appliesToFees: boolean;
  appliesToPenalty: boolean;
  isActive: boolean;
}

export const createTax = createRow<TaxNode, TaxValues & { propertyId: Uuid; currency: string }>("Backoffice", "Tax", taxFields);

export const updateTax = updateRow<TaxNode, Partial<TaxValues>>("Backoffice", "Tax", taxFields);

export const deleteTax = deleteRow("Backoffice", "Tax");

// ---------------------------------------------------------------------------
// The rate calendar
// ---------------------------------------------------------------------------

export interface RateGridDayNode {
  ratePlanId: Uuid;
  date: IsoDate;
  price: MinorUnits;
  priceIsOverride: boolean;
  minStay: number;
  maxStay: number | null;
  closedToArrival: boolean;
  closedToDeparture: boolean;
  stopSell: boolean;
  isOverride: boolean;
  /** The plan's own restrictions alone (a derived plan's parent aside): what a copy writes. */
  ownMinStay: number;
  ownMaxStay: number | null;
  ownClosedToArrival: boolean;
  ownClosedToDeparture: boolean;
  ownStopSell: boolean;
}

export const rateGrid = operation<{ rateGrid: { nodes: Array<RateGridDayNode | null> } | null }, ReportRange>(
  "BackofficeRateGrid",
  `query BackofficeRateGrid($propertyId: UUID!, $fromDate: Date!, $toDate: Date!) {
    rateGrid(propertyId: $propertyId, fromDate: $fromDate, toDate: $toDate) {
      nodes { ratePlanId date price priceIsOverride minStay maxStay closedToArrival closedToDeparture stopSell isOverride ownMinStay ownMaxStay ownClosedToArrival ownClosedToDeparture ownStopSell }
    }
  }`,
);

/** A bulk edit of one plan's calendar: null leaves a field as it is; `reset` first clears the overrides. */
export interface RatesChange {
  ratePlanId: Uuid;
  firstDate: IsoDate;
  lastDate: IsoDate;
  price: MinorUnits | null;
  minStay: number | null;
  maxStay: number | null;
  closedToArrival: boolean | null;
  closedToDeparture: boolean | null;
  stopSell: boolean | null;
  /** ISO weekdays, 1 = Monday … 7 = Sunday; null: every day. */
  daysOfWeek: number[] | null;
  reset: boolean;
}

export const setRates = operation<{ setRates: { result: number | null } | null }, RatesChange & { idempotencyKey: string }>(
  "BackofficeSetRates",
  `mutation BackofficeSetRates($ratePlanId: UUID!, $firstDate: Date!, $lastDate: Date!, $idempotencyKey: String!, $price: BigInt,
      $minStay: Int, $maxStay: Int, $closedToArrival: Boolean, $closedToDeparture: Boolean, $stopSell: Boolean, $daysOfWeek: [Int],
      $reset: Boolean!) {
    setRates(input: {ratePlanId: $ratePlanId, firstDate: $firstDate, lastDate: $lastDate, idempotencyKey: $idempotencyKey, price: $price,
      minStay: $minStay, maxStay: $maxStay, closedToArrival: $closedToArrival, closedToDeparture: $closedToDeparture, stopSell: $stopSell,
      daysOfWeek: $daysOfWeek, reset: $reset}) { result }
  }`,
);

/**
 * What the rate calendar's "rooms left" rows count (issue 21): the active
 * units of each room type and the live claims over the window (stays, live
 * holds, blocks), from the tape chart's function. A room type's rooms left on
 * a night are its active units less the claims on them that night: what
 * app_private.room_type_units_left gives a one-night stay (search, quote).
 */
export interface RoomsLeftUnitNode {
  rowId: Uuid;
  roomTypeId: Uuid;
  isActive: boolean;
}
export interface RoomsLeftClaimNode {
  unitId: Uuid;
  startDate: IsoDate;
  endDate: IsoDate;
}
export const roomsLeft = operation<
  { allUnits: { nodes: Array<RoomsLeftUnitNode | null> } | null; tapeChartClaims: { nodes: Array<RoomsLeftClaimNode | null> } | null },
  { propertyId: Uuid; firstDate: IsoDate; endDate: IsoDate }
>(
  "BackofficeRoomsLeft",
  `query BackofficeRoomsLeft($propertyId: UUID!, $firstDate: Date!, $endDate: Date!) {
    allUnits(condition: {propertyId: $propertyId}) { nodes { rowId roomTypeId isActive } }
    tapeChartClaims(propertyId: $propertyId, firstDate: $firstDate, endDate: $endDate) { nodes { unitId startDate endDate } }
  }`,
);

// ---------------------------------------------------------------------------
// Promo codes (issue 22): made and switched off through their functions only
// ---------------------------------------------------------------------------

/** A promo code of the property (app_public.promo_codes, managers): percent or amount off the room price. */
export interface PromoCodeNode {
  rowId: Uuid;
  code: string;
  percentOff: Decimal | null;
  amountOff: MinorUnits | null;
  currency: string;
  ratePlanIds: Uuid[] | null;
  staysFrom: IsoDate | null;
  staysUntil: IsoDate | null;
  bookableFrom: IsoDate | null;
  bookableUntil: IsoDate | null;
  maxUses: number | null;
  uses: number;
  isActive: boolean;
  createdAt: string;
}

const promoCodeFields = `rowId code percentOff amountOff currency ratePlanIds staysFrom staysUntil bookableFrom bookableUntil maxUses uses isActive createdAt`;

export const promoCodes = operation<{ allPromoCodes: Nodes<PromoCodeNode> | null }, { propertyId: Uuid }>(
  "BackofficePromoCodes",
  `query BackofficePromoCodes($propertyId: UUID!) {
    allPromoCodes(condition: {propertyId: $propertyId}, orderBy: CODE_ASC, first: 500) { nodes { ${promoCodeFields} } }
  }`,
);

export interface PromoCodeValues {
  code: string;
  percentOff: Decimal | null;
  amountOff: MinorUnits | null;
  ratePlanIds: Uuid[] | null;
  staysFrom: IsoDate | null;
  staysUntil: IsoDate | null;
  bookableFrom: IsoDate | null;
  bookableUntil: IsoDate | null;
  maxUses: number | null;
}

export const createPromoCode = operation<{ createPromoCode: { result: PromoCodeNode | null } | null }, PromoCodeValues & { propertyId: Uuid }>(
  "BackofficeCreatePromoCode",
  `mutation BackofficeCreatePromoCode($propertyId: UUID!, $code: String!, $percentOff: BigFloat, $amountOff: BigInt, $ratePlanIds: [UUID],
      $staysFrom: Date, $staysUntil: Date, $bookableFrom: Date, $bookableUntil: Date, $maxUses: Int) {
    createPromoCode(input: {propertyId: $propertyId, code: $code, percentOff: $percentOff, amountOff: $amountOff, ratePlanIds: $ratePlanIds,
      staysFrom: $staysFrom, staysUntil: $staysUntil, bookableFrom: $bookableFrom, bookableUntil: $bookableUntil, maxUses: $maxUses}) {
      result { ${promoCodeFields} }
    }
  }`,
);

export const setPromoCodeActive = operation<{ setPromoCodeActive: { result: PromoCodeNode | null } | null }, { promoCodeId: Uuid; isActive: boolean }>(
  "BackofficeSetPromoCodeActive",
  `mutation BackofficeSetPromoCodeActive($promoCodeId: UUID!, $isActive: Boolean!) {
    setPromoCodeActive(input: {promoCodeId: $promoCodeId, isActive: $isActive}) { result { ${promoCodeFields} } }
  }`,
);

/** The documents above, for the schema test. */
export const revenueDocuments = [
  revenueSetup, createRoomType, updateRoomType, deleteRoomType, createUnit, updateUnit, deleteUnit,
  createRatePlan, updateRatePlan, deleteRatePlan, createLosDiscount, deleteLosDiscount,
  createFee, updateFee, deleteFee, createTax, updateTax, deleteTax, createFolioExtra, updateFolioExtra,
  rateGrid, setRates, roomsLeft, promoCodes, createPromoCode, setPromoCodeActive,
] as const;

/** The keyed mutations among them (the schema test checks each passes a required $idempotencyKey). */
export const revenueKeyedMutations = ["setRates"] as const;
