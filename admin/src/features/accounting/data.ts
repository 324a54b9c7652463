// The back office's calls, added to the data provider (dataProvider.ts
// spreads them in): accounting, reports and exports, revenue and the rate
// calendar. Mutations that take an idempotency key accept only an
// IdempotencyKey (idempotency.ts): one per user action. Lists page with
// first/offset and return react-admin's {data, total} shape.
import type { IsoDate, MinorUnits, Uuid } from "../../platform/documents.ts";
import {
  createFee, createLosDiscount, createRatePlan, createRoomType, createTax, createUnit, deleteFee, deleteLosDiscount, deleteRatePlan,
  deleteRoomType, deleteTax, deleteUnit, differences, exportsList, folio, folios, invoices, issueCreditNote, issueInvoice, journal,
  markPayoutPaid, ownerStatement, ownersAndPayouts, pay, payments, rateGrid, refundPayment, requestExport, resolveDifference,
  revenueSetup, runPayouts, setRates, createFolioExtra, updateFolioExtra, stayReports, pickupReport, cityTaxReport, trialBalance, updateFee, updateRatePlan, updateRoomType, updateTax, updateUnit,
  type AccountBalanceNode, type ChannelRevenueNode, type CityTaxNode, type ExtraNode, type ExtraValues, type Decimal, type DifferenceNode, type ExportKind, type ExportNode, type FeeNode,
  type FeeValues, type FolioDetailNode, type FolioListNode, type FolioStatus, type InvoiceKind, type InvoiceListNode,
  type JournalEntryNode, type LedgerAccountNode, type LosDiscountNode, type OccupancyNode, type OwnerNode, type OwnerStatementLine,
  type PaymentListNode, type PayoutNode, type PickupNode, type RateGridDayNode, type RatePlanNode, type RatePlanValues, type RatesChange,
  type RefundListNode, type ReportRange, type RoomTypeNode, type RoomTypeValues, type TaxNode, type TaxValues, type TrialBalanceNode,
  type UnitNode, type UnitValues,
} from "./documents.ts";
import { ApiError, type GraphQLClient } from "../../platform/graphql.ts";
import type { IdempotencyKey } from "../../platform/idempotency.ts";
import { missing, notFound, paged, pageOf, present, type Paged, type Paging, type RequestOptions } from "../../platform/results.ts";
import { fetchServerFile } from "../../platform/serverFiles.ts";

export interface TrialBalance {
  accounts: LedgerAccountNode[];
  balances: AccountBalanceNode[];
  totals: TrialBalanceNode[];
}

export interface StayReports {
  occupancy: OccupancyNode[];
  channels: ChannelRevenueNode[];
}

export interface RevenueSetupData {
  roomTypes: RoomTypeNode[];
  units: UnitNode[];
  ratePlans: RatePlanNode[];
  fees: FeeNode[];
  taxes: TaxNode[];
  /** The extras catalogue, in the desk's order (then name), inactive ones too. */
  extras: ExtraNode[];
}

/** A card as the desk types it: it goes to the provider's card form, never to Keepr. */
export interface Card {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** Where the simulated provider's card form is, when this Keepr server hosts it (SIMULATED_PROVIDER). */
export const cardFormUrl = "/simulated-provider/v1/tokens";

export interface BackofficeMethods {
  // Accounting
  folios(params: Paging & { propertyId: Uuid; status: FolioStatus | null; unsettled: boolean }, options?: RequestOptions): Promise<Paged<FolioListNode>>;
  folio(params: { id: Uuid }, options?: RequestOptions): Promise<FolioDetailNode>;
  journal(params: Paging & { propertyId: Uuid; fromDate: IsoDate | null; toDate: IsoDate | null; accountId: Uuid | null }, options?: RequestOptions): Promise<Paged<JournalEntryNode>>;
  trialBalance(params: { propertyId: Uuid }, options?: RequestOptions): Promise<TrialBalance>;
  invoices(params: Paging & { propertyId: Uuid; kind: InvoiceKind | null }, options?: RequestOptions): Promise<Paged<InvoiceListNode>>;
  /** The printable invoice or credit note the server renders (GET /invoices/:id, read with the user's rights). */
  invoiceHtml(params: { id: Uuid }, options?: RequestOptions): Promise<string>;
  payments(params: { propertyId: Uuid; attempts: Paging; refunds: Paging }, options?: RequestOptions): Promise<{ attempts: Paged<PaymentListNode>; refunds: Paged<RefundListNode> }>;
  /** Turns a card into a provider token at the provider's card form (the number never reaches Keepr's API). */
  cardToken(card: Card): Promise<string>;
  pay(params: { intentId: Uuid; paymentToken: string; idempotencyKey: IdempotencyKey }): Promise<{ rowId: Uuid; status: string }>;
  refundPayment(params: { intentId: Uuid; amount: MinorUnits; reason: string | null; idempotencyKey: IdempotencyKey }): Promise<{ rowId: Uuid; status: string }>;
  issueInvoice(params: { folioId: Uuid; idempotencyKey: IdempotencyKey }): Promise<{ rowId: Uuid; documentNumber: string }>;
  issueCreditNote(params: { invoiceId: Uuid; reason: string; idempotencyKey: IdempotencyKey }): Promise<{ rowId: Uuid; documentNumber: string }>;
  ownersAndPayouts(params: Paging & { propertyId: Uuid }, options?: RequestOptions): Promise<{ owners: OwnerNode[]; payouts: Paged<PayoutNode> }>;
  ownerStatement(params: { ownerId: Uuid; periodStart: IsoDate; periodEnd: IsoDate }, options?: RequestOptions): Promise<OwnerStatementLine[]>;
  runPayouts(params: { propertyId: Uuid; periodEnd: IsoDate; idempotencyKey: IdempotencyKey }): Promise<PayoutNode[]>;
  markPayoutPaid(params: { payoutId: Uuid; idempotencyKey: IdempotencyKey }): Promise<{ rowId: Uuid; paidAt: string | null }>;
  differences(params: Paging & { propertyId: Uuid }, options?: RequestOptions): Promise<Paged<DifferenceNode>>;
  resolveDifference(params: { id: Uuid; resolutionNote: string }): Promise<DifferenceNode>;
  // Reports and exports
  /** Occupancy, ADR, RevPAR per night and revenue by channel, for the nights of a range. */
  stayReports(params: ReportRange, options?: RequestOptions): Promise<StayReports>;
  /** Bookings made per day of a range and channel. */
  pickupReport(params: ReportRange, options?: RequestOptions): Promise<PickupNode[]>;
  /** The city tax per month of stay and tax (per night / per person-night), with cancelled stays. */
  cityTaxReport(params: ReportRange, options?: RequestOptions): Promise<CityTaxNode[]>;
  exports(params: Paging & { propertyId: Uuid }, options?: RequestOptions): Promise<Paged<ExportNode>>;
  requestExport(params: { propertyId: Uuid; kind: ExportKind; fromDate: IsoDate; toDate: IsoDate }): Promise<ExportNode>;
  // Revenue
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
}

export function createBackofficeMethods(client: GraphQLClient): BackofficeMethods {
  return {
    async folios({ propertyId, status, unsettled, ...paging }, options = {}) {
      const data = await client.request(folios, { propertyId, status, unsettled, ...pageOf(paging) }, options);
      return paged(data.folioList);
    },
    async folio({ id }, options = {}) {
      const data = await client.request(folio, { id }, options);
      if (!data.folioByRowId) throw notFound("folio");
      return data.folioByRowId;
    },
    async journal({ propertyId, fromDate, toDate, accountId, ...paging }, options = {}) {
      const data = await client.request(journal, { propertyId, fromDate, toDate, accountId, ...pageOf(paging) }, options);
      return paged(data.journalEntriesBetween);
    },
    async trialBalance({ propertyId }, options = {}) {
      const data = await client.request(trialBalance, { propertyId }, options);
      return {
        accounts: present(data.allLedgerAccounts?.nodes),
        balances: present(data.allAccountBalances?.nodes),
        totals: present(data.allTrialBalances?.nodes),
      };
    },
    async invoices({ propertyId, kind, ...paging }, options = {}) {
      const data = await client.request(invoices, { propertyId, ...(kind ? { kind } : {}), ...pageOf(paging) }, options);
      return paged(data.allInvoices);
    },
    async invoiceHtml({ id }, options = {}) {
      const response = await fetchServerFile(`/invoices/${encodeURIComponent(id)}`, "text/html", "The invoice could not be opened.", options);
      return response.text();
    },
    async payments({ propertyId, attempts, refunds }, options = {}) {
      const a = pageOf(attempts);
      const r = pageOf(refunds);
      const data = await client.request(payments, { propertyId, ...a, refundsFirst: r.first, refundsOffset: r.offset }, options);
      return { attempts: paged(data.allPaymentAttempts), refunds: paged(data.allRefunds) };
    },
    async cardToken(card) {
      let response: Response;
      try {
        response = await fetch(cardFormUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ number: card.number.replace(/[\s-]/g, ""), exp_month: card.expMonth, exp_year: card.expYear, cvc: card.cvc }),
        });
      } catch {
        throw new ApiError("Cannot reach the payment provider's card form. Check the connection, then try again.", 0, { code: "NETWORK" });
      }
      if (response.status === 404) {
        throw new ApiError(
          "This Keepr server does not host the payment provider's card form (an external provider is configured): take the card on the provider's own terminal.",
          404,
          { code: "CARD_FORM_UNAVAILABLE" },
        );
      }
      let body: { id?: string; error?: { code?: string; message?: string } };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new ApiError(`The payment provider answered HTTP ${response.status}. Try again in a moment.`, response.status || 502, { code: "BAD_RESPONSE" });
      }
      if (!response.ok || !body.id) {
        throw new ApiError(body.error?.message ?? "The card was refused by the payment provider.", response.status >= 500 ? 503 : 400, {
          code: body.error?.code ? `CARD_${body.error.code.toUpperCase()}` : "CARD_REFUSED",
        });
      }
      return body.id;
    },
    async pay(params) {
      const data = await client.request(pay, params);
      if (!data.pay?.result) throw missing("the payment");
      return data.pay.result;
    },
    async refundPayment(params) {
      const data = await client.request(refundPayment, params);
      if (!data.refundPayment?.result) throw missing("the refund");
      return data.refundPayment.result;
    },
    async issueInvoice(params) {
      const data = await client.request(issueInvoice, params);
      if (!data.issueInvoice?.result) throw missing("the invoice");
      return data.issueInvoice.result;
    },
    async issueCreditNote(params) {
      const data = await client.request(issueCreditNote, params);
      if (!data.issueCreditNote?.result) throw missing("the credit note");
      return data.issueCreditNote.result;
    },
    async ownersAndPayouts({ propertyId, ...paging }, options = {}) {
      const data = await client.request(ownersAndPayouts, { propertyId, ...pageOf(paging) }, options);
      return { owners: present(data.allOwners?.nodes), payouts: paged(data.allPayouts) };
    },
    async ownerStatement(params, options = {}) {
      const data = await client.request(ownerStatement, params, options);
      return present(data.ownerStatement?.nodes);
    },
    async runPayouts(params) {
      const data = await client.request(runPayouts, params);
      return present(data.runPayouts?.result);
    },
    async markPayoutPaid(params) {
      const data = await client.request(markPayoutPaid, params);
      if (!data.markPayoutPaid?.result) throw missing("the payout");
      return data.markPayoutPaid.result;
    },
    async differences({ propertyId, ...paging }, options = {}) {
      const data = await client.request(differences, { propertyId, ...pageOf(paging) }, options);
      return paged(data.allReconciliationDifferences);
    },
    async resolveDifference({ id, resolutionNote }) {
      const data = await client.request(resolveDifference, { id, resolutionNote, resolvedAt: new Date().toISOString() });
      const difference = data.updateReconciliationDifferenceByRowId?.reconciliationDifference;
      if (!difference) throw notFound("difference");
      return difference;
    },

    async stayReports(params, options = {}) {
      const data = await client.request(stayReports, params, options);
      return { occupancy: present(data.occupancyReport?.nodes), channels: present(data.channelRevenueReport?.nodes) };
    },
    async pickupReport(params, options = {}) {
      const data = await client.request(pickupReport, params, options);
      return present(data.pickupReport?.nodes);
    },
    async cityTaxReport(params, options = {}) {
      const data = await client.request(cityTaxReport, params, options);
      return present(data.cityTaxReport?.nodes);
    },
    async exports({ propertyId, ...paging }, options = {}) {
      const data = await client.request(exportsList, { propertyId, ...pageOf(paging) }, options);
      return paged(data.allExports);
    },
    async requestExport(params) {
      const data = await client.request(requestExport, params);
      if (!data.requestExport?.result) throw missing("the export");
      return data.requestExport.result;
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
    async saveRoomType({ propertyId, id, values }) {
      const saved = id
        ? (await client.request(updateRoomType, { id, patch: values })).updateRoomTypeByRowId?.roomType
        : (await client.request(createRoomType, { input: { ...values, propertyId } })).createRoomType?.roomType;
      if (!saved) throw notFound("room type");
      return saved;
    },
    async deleteRoomType({ id }) {
      await client.request(deleteRoomType, { id });
    },
    async saveUnit({ propertyId, id, values }) {
      const saved = id
        ? (await client.request(updateUnit, { id, patch: values })).updateUnitByRowId?.unit
        : (await client.request(createUnit, { input: { ...values, propertyId } })).createUnit?.unit;
      if (!saved) throw notFound("unit");
      return saved;
    },
    async deleteUnit({ id }) {
      await client.request(deleteUnit, { id });
    },
    async saveRatePlan({ propertyId, currency, id, roomTypeId, values }) {
      const saved = id
        ? (await client.request(updateRatePlan, { id, patch: values })).updateRatePlanByRowId?.ratePlan
        : (await client.request(createRatePlan, { input: { ...values, propertyId, roomTypeId, currency } })).createRatePlan?.ratePlan;
      if (!saved) throw notFound("rate plan");
      return saved;
    },
    async deleteRatePlan({ id }) {
      await client.request(deleteRatePlan, { id });
    },
    async addLosDiscount(input) {
      const saved = (await client.request(createLosDiscount, { input })).createRatePlanLosDiscount?.ratePlanLosDiscount;
      if (!saved) throw missing("the discount");
      return saved;
    },
    async deleteLosDiscount({ id }) {
      await client.request(deleteLosDiscount, { id });
    },
    async saveFee({ propertyId, currency, id, values }) {
      const saved = id
        ? (await client.request(updateFee, { id, patch: values })).updateFeeByRowId?.fee
        : (await client.request(createFee, { input: { ...values, propertyId, currency } })).createFee?.fee;
      if (!saved) throw notFound("fee");
      return saved;
    },
    async deleteFee({ id }) {
      await client.request(deleteFee, { id });
    },
    async saveTax({ propertyId, currency, id, values }) {
      const saved = id
        ? (await client.request(updateTax, { id, patch: values })).updateTaxByRowId?.tax
        : (await client.request(createTax, { input: { ...values, propertyId, currency } })).createTax?.tax;
      if (!saved) throw notFound("tax");
      return saved;
    },
    async saveExtra({ propertyId, currency, id, values }) {
      const saved = id
        ? (await client.request(updateFolioExtra, { id, patch: values })).updateFolioExtraByRowId?.folioExtra
        : (await client.request(createFolioExtra, { input: { ...values, propertyId, currency } })).createFolioExtra?.folioExtra;
      if (!saved) throw notFound("extra");
      return saved;
    },
    async deleteTax({ id }) {
      await client.request(deleteTax, { id });
    },
    async rateGrid(params, options = {}) {
      const data = await client.request(rateGrid, params, options);
      return present(data.rateGrid?.nodes);
    },
    async setRates(params) {
      const data = await client.request(setRates, params);
      const result = data.setRates?.result;
      if (result === null || result === undefined) throw missing("the number of dates changed");
      return result;
    },
  };
}
