// The accounting screens' calls, added to the data provider
// (platform/dataProvider.ts spreads them in): folios, the journal, the trial
// balance, invoices, payments and refunds, owners and payouts,
// reconciliation. Mutations that take an idempotency key accept only an
// IdempotencyKey (platform/idempotency.ts): one per user action. Lists page
// with first/offset and return react-admin's {data, total} shape.
import type { IsoDate, MinorUnits, Uuid } from "../../platform/documents.ts";
import {
  differences, folio, folios, invoices, issueCreditNote, issueInvoice, journal, markPayoutPaid, ownerStatement, ownersAndPayouts, pay,
  payments, refundPayment, resolveDifference, runPayouts, trialBalance,
  type AccountBalanceNode, type DifferenceNode, type FolioDetailNode, type FolioListNode, type FolioStatus, type InvoiceKind,
  type InvoiceListNode, type JournalEntryNode, type LedgerAccountNode, type OwnerNode, type OwnerStatementLine, type PaymentListNode,
  type PayoutNode, type RefundListNode, type TrialBalanceNode,
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

/** A card as the desk types it: it goes to the provider's card form, never to Keepr. */
export interface Card {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** Where the simulated provider's card form is, when this Keepr server hosts it (SIMULATED_PROVIDER). */
export const cardFormUrl = "/simulated-provider/v1/tokens";

export interface AccountingMethods {
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
}

export function createAccountingMethods(client: GraphQLClient): AccountingMethods {
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
  };
}
