// The desk's folio calls (documents/desk.ts), added to the data provider
// (dataProvider.ts spreads them in). Every money mutation takes only an
// IdempotencyKey (idempotency.ts): one per user action.
import type { IsoDate, MinorUnits, Uuid } from "../../platform/documents.ts";
import {
  arAging, cashShifts, closeCashShift, companies, correctFolioEntry, createCompany, createFolio, folioExtras, openCashShift,
  postFolioAllowance, postFolioCharge, refundFolioPayment, routeFolioPostings, stayFolios, takeFolioPayment, transferFolioToCityLedger,
  updateCompany,
  type ArAgingNode, type CashShiftNode, type CompanyNode, type CompanyValues, type DeskPaymentMethod, type FolioExtraNode, type FolioResult,
  type StayFolioNode,
} from "./documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import { missing, present, type RequestOptions } from "../../platform/results.ts";
import { saveRow } from "../../platform/rows.ts";
import type { IdempotencyKey } from "../../platform/idempotency.ts";

type Key = { idempotencyKey: IdempotencyKey };

const folioOf = (result: FolioResult | null | undefined): FolioResult => {
  if (!result) throw missing("the folio");
  return result;
};

export interface DeskMethods {
  stayFolios(params: { reservationId: Uuid }, options?: RequestOptions): Promise<StayFolioNode[]>;
  /** The active extras of a property's catalogue, in the catalogue's order. */
  folioExtras(params: { propertyId: Uuid }, options?: RequestOptions): Promise<FolioExtraNode[]>;
  postFolioCharge(params: Key & { folioId: Uuid; extraId: Uuid; quantity: number; note: string | null }): Promise<FolioResult>;
  postFolioAllowance(params: Key & { folioId: Uuid; amount: MinorUnits; reason: string }): Promise<FolioResult>;
  correctFolioEntry(params: Key & { entryId: Uuid; folioId: Uuid; reason: string }): Promise<FolioResult>;
  takeFolioPayment(params: Key & { folioId: Uuid; method: DeskPaymentMethod; amount: MinorUnits; reference: string | null }): Promise<FolioResult>;
  refundFolioPayment(params: Key & { folioId: Uuid; method: DeskPaymentMethod; amount: MinorUnits; reason: string; goodwill: boolean }): Promise<FolioResult>;
  createFolio(params: Key & { reservationId: Uuid; label: string; companyId: Uuid | null }): Promise<FolioResult>;
  routeFolioPostings(params: Key & { fromFolioId: Uuid; toFolioId: Uuid; entryIds: Uuid[] }): Promise<FolioResult>;
  transferFolioToCityLedger(params: Key & { folioId: Uuid; companyId: Uuid }): Promise<FolioResult>;
  /** The companies of a property (active and not), by name. */
  companies(params: { propertyId: Uuid }, options?: RequestOptions): Promise<CompanyNode[]>;
  saveCompany(params: { propertyId: Uuid; id: Uuid | null; values: CompanyValues }): Promise<CompanyNode>;
  arAging(params: { propertyId: Uuid; asOf: IsoDate }, options?: RequestOptions): Promise<ArAgingNode[]>;
  /** A property's cash shifts, newest first. */
  cashShifts(params: { propertyId: Uuid }, options?: RequestOptions): Promise<CashShiftNode[]>;
  openCashShift(params: Key & { propertyId: Uuid; openingFloat: MinorUnits }): Promise<{ rowId: Uuid }>;
  closeCashShift(params: Key & { shiftId: Uuid; countedAmount: MinorUnits; note: string | null }): Promise<{ rowId: Uuid; expectedAmount: MinorUnits | null; difference: MinorUnits | null }>;
}

export function createDeskMethods(client: GraphQLClient): DeskMethods {
  return {
    async stayFolios({ reservationId }, options = {}) {
      const data = await client.request(stayFolios, { reservationId }, options);
      // The primary folio first, then the others as they were opened.
      return present(data.reservationByRowId?.folios.nodes).sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.createdAt.localeCompare(b.createdAt));
    },
    async folioExtras({ propertyId }, options = {}) {
      const data = await client.request(folioExtras, { propertyId }, options);
      return present(data.allFolioExtras?.nodes)
        .filter((e) => e.isActive)
        .sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name));
    },
    postFolioCharge: async (params) => folioOf((await client.request(postFolioCharge, params)).postFolioCharge?.result),
    postFolioAllowance: async (params) => folioOf((await client.request(postFolioAllowance, params)).postFolioAllowance?.result),
    correctFolioEntry: async (params) => folioOf((await client.request(correctFolioEntry, params)).correctFolioEntry?.result),
    takeFolioPayment: async (params) => folioOf((await client.request(takeFolioPayment, params)).takeFolioPayment?.result),
    refundFolioPayment: async (params) => folioOf((await client.request(refundFolioPayment, params)).refundFolioPayment?.result),
    createFolio: async (params) => folioOf((await client.request(createFolio, params)).createFolio?.result),
    routeFolioPostings: async (params) => folioOf((await client.request(routeFolioPostings, params)).routeFolioPostings?.result),
    transferFolioToCityLedger: async (params) => folioOf((await client.request(transferFolioToCityLedger, params)).transferFolioToCityLedger?.result),
    async companies({ propertyId }, options = {}) {
      const data = await client.request(companies, { propertyId }, options);
      return present(data.allCompanies?.nodes).sort((a, b) => a.name.localeCompare(b.name));
    },
    saveCompany({ propertyId, id, values }) {
      return saveRow(client, { create: createCompany, update: updateCompany }, { id, patch: values, input: { ...values, propertyId } }, "company");
    },
    async arAging(params, options = {}) {
      const data = await client.request(arAging, params, options);
      return present(data.arAging?.nodes);
    },
    async cashShifts({ propertyId }, options = {}) {
      const data = await client.request(cashShifts, { propertyId }, options);
      return present(data.allCashShifts?.nodes).sort((a, b) => b.openedAt.localeCompare(a.openedAt));
    },
    async openCashShift(params) {
      const result = (await client.request(openCashShift, params)).openCashShift?.result;
      if (!result) throw missing("the cash shift");
      return result;
    },
    async closeCashShift(params) {
      const result = (await client.request(closeCashShift, params)).closeCashShift?.result;
      if (!result) throw missing("the cash shift");
      return result;
    },
  };
}
