// The revenue screens' calls, added to the data provider
// (platform/dataProvider.ts spreads them in): the setup (room types, units,
// rate plans and their discounts, fees, taxes, extras; saved through
// platform/rows.ts) and the rate calendar.
import type { Decimal, ReportRange, Uuid } from "../../platform/documents.ts";
import {
  createFee, createFolioExtra, createLosDiscount, createRatePlan, createRoomType, createTax, createUnit, deleteFee, deleteLosDiscount,
  deleteRatePlan, deleteRoomType, deleteTax, deleteUnit, rateGrid, revenueSetup, roomsLeft, setRates, updateFee, updateFolioExtra, updateRatePlan,
  updateRoomType, updateTax, updateUnit, promoCodes, createPromoCode, setPromoCodeActive,
  type PromoCodeNode, type PromoCodeValues,
  type ExtraNode, type ExtraValues, type FeeNode, type FeeValues, type LosDiscountNode, type RateGridDayNode, type RatePlanNode,
  type RatePlanValues, type RatesChange, type RoomsLeftClaimNode, type RoomsLeftUnitNode, type RoomTypeNode, type RoomTypeValues, type TaxNode, type TaxValues, type UnitNode, type UnitValues,
} from "./documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import type { IdempotencyKey } from "../../platform/idempotency.ts";
import { missing, notReturned, present, type RequestOptions } from "../../platform/results.ts";
import { saveRow } from "../../platform/rows.ts";
import { addDays } from "../../ui/dates.ts";

export interface RevenueSetupData {
  roomTypes: RoomTypeNode[];
  units: UnitNode[];
  ratePlans: RatePlanNode[];
  fees: FeeNode[];
  taxes: TaxNode[];
  /** The extras catalogue, in the desk's order (then name), inactive ones too. */
  extras: ExtraNode[];
}

export interface RevenueMethods {
  revenueSetup(params: { propertyId: Uuid }, options?: RequestOptions): Promise<RevenueSetupData>;
  saveRoomType(params: { propertyId: Uuid; id: Uuid | null; values: RoomTypeValues }): Promise<RoomTypeNode>;
  deleteRoomType(params: { id: Uuid }): Promise<void>;
  saveUnit(params: { propertyId: Uuid; id: Uuid | null; values: UnitValues }): Promise<UnitNode>;
  deleteUnit(params: { id: Uuid }): Promise<void>;
  saveRatePlan(params: { propertyId: Uuid; currency: string; id: Uuid | null; roomTypeId: Uuid; values: RatePlanValues }): Promise<RatePlanNode>;
  deleteRatePlan(params: { id: Uuid }): Promise<void>;
  addLosDiscount(params: { propertyId: Uuid; ratePlanId: Uuid; minNights: number; percentOff: Decimal }): Promise<LosDiscountNode>;
  deleteLosDiscount(params: { id: Uuid }): Promise<void>;
  saveFee(params: { propertyId: Uuid; currency: string; id: Uuid | null; values: FeeValues }): Promise<FeeNode>;
  deleteFee(params: { id: Uuid }): Promise<void>;
  saveTax(params: { propertyId: Uuid; currency: string; id: Uuid | null; values: TaxValues }): Promise<TaxNode>;
  /** Adds an extra to the catalogue, or changes one (deactivate: isActive false; extras are never deleted, charges name them). */
  saveExtra(params: { propertyId: Uuid; currency: string; id: Uuid | null; values: ExtraValues }): Promise<ExtraNode>;
  deleteTax(params: { id: Uuid }): Promise<void>;
  rateGrid(params: ReportRange, options?: RequestOptions): Promise<RateGridDayNode[]>;
  setRates(params: RatesChange & { idempotencyKey: IdempotencyKey }): Promise<number>;
  /** Rooms left per room type and night of [firstDate, endDate): active units less the live claims on them. */
  roomsLeft(params: { propertyId: Uuid; firstDate: string; endDate: string }, options?: RequestOptions): Promise<RoomsLeft>;
  /** The property's promo codes, by code, inactive ones too. */
  promoCodes(params: { propertyId: Uuid }, options?: RequestOptions): Promise<PromoCodeNode[]>;
  /** A new promo code (createPromoCode: a code is its own key, a second one is CODE_TAKEN). */
  createPromoCode(params: PromoCodeValues & { propertyId: Uuid }): Promise<PromoCodeNode>;
  /** Switches a promo code off (or on again); setting what it is changes nothing. */
  setPromoCodeActive(params: { promoCodeId: Uuid; isActive: boolean }): Promise<PromoCodeNode>;
}

/** Per room type: its active units, and the rooms left on each night (date → count). */
export type RoomsLeft = Map<Uuid, { active: number; left: Map<string, number> }>;

/** Counts rooms left per room type and night from the units and the live claims of the window. */
export function countRoomsLeft(units: RoomsLeftUnitNode[], claims: RoomsLeftClaimNode[], dates: string[]): RoomsLeft {
  const typeOf = new Map(units.filter((u) => u.isActive).map((u) => [u.rowId, u.roomTypeId]));
  const result: RoomsLeft = new Map();
  for (const roomTypeId of typeOf.values()) {
    const entry = result.get(roomTypeId) ?? { active: 0, left: new Map<string, number>() };
    entry.active += 1;
    result.set(roomTypeId, entry);
  }
  for (const entry of result.values()) for (const date of dates) entry.left.set(date, entry.active);
  // Live claims never overlap on a unit (the exclusion constraint): one claim a night is one room taken.
  for (const claim of claims) {
    const roomTypeId = typeOf.get(claim.unitId);
    if (!roomTypeId) continue;
    const entry = result.get(roomTypeId)!;
    for (const date of dates) if (claim.startDate <= date && claim.endDate > date) entry.left.set(date, entry.left.get(date)! - 1);
  }
  return result;
}

export function createRevenueMethods(client: GraphQLClient): RevenueMethods {
  return {
    async promoCodes({ propertyId }, options = {}) {
      return present((await client.request(promoCodes, { propertyId }, options)).allPromoCodes?.nodes);
    },
    async createPromoCode(params) {
      const made = (await client.request(createPromoCode, params)).createPromoCode?.result;
      if (!made) throw notReturned("promo code");
      return made;
    },
    async setPromoCodeActive(params) {
      const changed = (await client.request(setPromoCodeActive, params)).setPromoCodeActive?.result;
      if (!changed) throw notReturned("promo code");
      return changed;
    },
    async revenueSetup({ propertyId }, options = {}) {
      const data = await client.request(revenueSetup, { propertyId }, options);
      return {
        roomTypes: present(data.allRoomTypes?.nodes),
        units: present(data.allUnits?.nodes),
        ratePlans: present(data.allRatePlans?.nodes),
        fees: present(data.allFees?.nodes),
        taxes: present(data.allTaxes?.nodes),
        extras: present(data.allFolioExtras?.nodes).sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name)),
      };
    },
    saveRoomType({ propertyId, id, values }) {
      return saveRow(client, { create: createRoomType, update: updateRoomType }, { id, patch: values, input: { ...values, propertyId } }, "room type");
    },
    async deleteRoomType({ id }) {
      await client.request(deleteRoomType, { id });
    },
    saveUnit({ propertyId, id, values }) {
      return saveRow(client, { create: createUnit, update: updateUnit }, { id, patch: values, input: { ...values, propertyId } }, "unit");
    },
    async deleteUnit({ id }) {
      await client.request(deleteUnit, { id });
    },
    saveRatePlan({ propertyId, currency, id, roomTypeId, values }) {
      return saveRow(client, { create: createRatePlan, update: updateRatePlan }, { id, patch: values, input: { ...values, propertyId, roomTypeId, currency } }, "rate plan");
    },
    async deleteRatePlan({ id }) {
      await client.request(deleteRatePlan, { id });
    },
    async addLosDiscount(input) {
      const saved = (await client.request(createLosDiscount, { input })).saved?.row;
      if (!saved) throw missing("the discount");
      return saved;
    },
    async deleteLosDiscount({ id }) {
      await client.request(deleteLosDiscount, { id });
    },
    saveFee({ propertyId, currency, id, values }) {
      return saveRow(client, { create: createFee, update: updateFee }, { id, patch: values, input: { ...values, propertyId, currency } }, "fee");
    },
    async deleteFee({ id }) {
      await client.request(deleteFee, { id });
    },
    saveTax({ propertyId, currency, id, values }) {
      return saveRow(client, { create: createTax, update: updateTax }, { id, patch: values, input: { ...values, propertyId, currency } }, "tax");
    },
    saveExtra({ propertyId, currency, id, values }) {
      return saveRow(client, { create: createFolioExtra, update: updateFolioExtra }, { id, patch: values, input: { ...values, propertyId, currency } }, "extra");
    },
    async deleteTax({ id }) {
      await client.request(deleteTax, { id });
    },
    async rateGrid(params, options = {}) {
      const data = await client.request(rateGrid, params, options);
      return present(data.rateGrid?.nodes);
    },
    async roomsLeft({ propertyId, firstDate, endDate }, options = {}) {
      const data = await client.request(roomsLeft, { propertyId, firstDate, endDate }, options);
      const dates: string[] = [];
      for (let d = firstDate; d < endDate; d = addDays(d, 1)) dates.push(d);
      return countRoomsLeft(present(data.allUnits?.nodes), present(data.tapeChartClaims?.nodes), dates);
    },
    async setRates(params) {
      const data = await client.request(setRates, params);
      const result = data.setRates?.result;
      if (result === null || result === undefined) throw missing("the number of dates changed");
      return result;
    },
  };
}
