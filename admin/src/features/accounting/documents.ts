// The accounting screens' GraphQL operations: folios, the journal, the
// trial balance, invoices, payments and refunds, owners and payouts,
// reconciliation. Written by hand against server/schema.graphql, and checked
// against it by tests/api/admin_backoffice_documents.test.ts. No DOM or React here.
import { operation, type Connection, type Decimal, type IsoDate, type MinorUnits, type Nodes, type Page, type PaymentIntentNode, type ReservationStatus, type Timestamp, type Uuid } from "../../platform/documents.ts";

export type FolioStatus = "open" | "closed";
export type AccountKind = "asset" | "liability" | "equity" | "revenue" | "expense";
export type InvoiceKind = "invoice" | "credit_note";
export type AttemptStatus = "pending" | "authorized" | "captured" | "failed";
export type RefundStatus = "pending" | "succeeded" | "failed";
export type ReconciliationDifferenceKind = "missing" | "extra" | "amount_mismatch";

// ---------------------------------------------------------------------------
// Folios
// ---------------------------------------------------------------------------

export interface BalanceNode {
  currency: string;
  balance: MinorUnits;
}

export interface FolioReservationNode {
  rowId: Uuid;
  confirmationCode: string | null;
  status: ReservationStatus;
  arrival: IsoDate;
  departure: IsoDate;
  currency: string;
  totalAmount: MinorUnits;
  guest: { fullName: string } | null;
}

export interface FolioListNode {
  rowId: Uuid;
  propertyId: Uuid;
  status: FolioStatus;
  /** guest (a stay's) or company (a company's city ledger). */
  kind: "guest" | "company";
  label: string;
  company: { name: string } | null;
  createdAt: Timestamp;
  closedAt: Timestamp | null;
  reservation: FolioReservationNode | null;
  balances: Nodes<BalanceNode>;
}

const folioListFields = `
  rowId propertyId status createdAt closedAt kind label company: companyByPropertyIdAndCompanyId { name }
  reservation { rowId confirmationCode status arrival departure currency totalAmount guest { fullName } }
  balances { nodes { currency balance } }`;

/** A property's folios, newest first, optionally by status and only unsettled ones (app_public.folio_list). */
export const folios = operation<
  { folioList: Connection<FolioListNode> },
  Page & { propertyId: Uuid; status: FolioStatus | null; unsettled: boolean }
>(
  "BackofficeFolios",
  `query BackofficeFolios($propertyId: UUID!, $status: FolioStatus, $unsettled: Boolean!, $first: Int!, $offset: Int!) {
    folioList(propertyId: $propertyId, status: $status, unsettled: $unsettled, first: $first, offset: $offset) {
      totalCount
      nodes { ${folioListFields} }
    }
  }`,
);

export interface AccountRef {
  rowId: Uuid;
  code: string;
  name: string;
  kind: AccountKind;
}

export interface AttemptNode {
  rowId: Uuid;
  amount: MinorUnits;
  currency: string;
  status: AttemptStatus;
  createdAt: Timestamp;
  capturedAt: Timestamp | null;
  failureCode: string | null;
  failureMessage: string | null;
}

export interface RefundNode {
  rowId: Uuid;
  amount: MinorUnits;
  currency: string;
  status: RefundStatus;
  reason: string | null;
  createdAt: Timestamp;
  refundedAt: Timestamp | null;
  failureMessage: string | null;
}

export interface FolioIntentNode
  extends Pick<PaymentIntentNode, "rowId" | "kind" | "amount" | "currency" | "status" | "dueAt" | "amountCaptured" | "amountRefunded" | "failureMessage"> {
  attempts: Nodes<AttemptNode>;
  refunds: Nodes<RefundNode>;
}

export interface InvoiceRef {
  rowId: Uuid;
  kind: InvoiceKind;
  documentNumber: string;
  currency: string;
  netAmount: MinorUnits;
  taxAmount: MinorUnits;
  totalAmount: MinorUnits;
  issuedAt: Timestamp;
  reason: string | null;
  creditNote: { rowId: Uuid; documentNumber: string } | null;
  creditedInvoice: { rowId: Uuid; documentNumber: string } | null;
}

export interface FolioPostingNode {
  rowId: string;
  amount: MinorUnits;
  currency: string;
  account: AccountRef | null;
  entry: { rowId: Uuid; occurredAt: Timestamp; description: string; causeType: string; reversesEntryId: Uuid | null } | null;
}

export interface FolioDetailNode extends FolioListNode {
  reservationId: Uuid | null;
  isPrimary: boolean;
  company: { rowId: Uuid; name: string; paymentTermsDays: number } | null;
  reservation: (FolioReservationNode & {
    nights: number;
    /** The card on file as people name it ("Visa •• 4242"), or null. */
    cardOnFile: string | null;
    guest: { fullName: string; email: string } | null;
    unit: { name: string } | null;
    paymentIntents: Nodes<FolioIntentNode>;
  }) | null;
  postings: Nodes<FolioPostingNode>;
  invoices: Nodes<InvoiceRef>;
}

const invoiceRefFields = `rowId kind documentNumber currency netAmount taxAmount totalAmount issuedAt reason
  creditNote { rowId documentNumber } creditedInvoice { rowId documentNumber }`;

/** One folio with its reservation, payments, ledger lines and invoices. */
export const folio = operation<{ folioByRowId: FolioDetailNode | null }, { id: Uuid }>(
  "BackofficeFolio",
  `query BackofficeFolio($id: UUID!) {
    folioByRowId(rowId: $id) {
      rowId propertyId status createdAt closedAt reservationId kind label isPrimary
      company: companyByPropertyIdAndCompanyId { rowId name paymentTermsDays }
      balances { nodes { currency balance } }
      reservation {
        rowId confirmationCode status arrival departure nights currency totalAmount cardOnFile
        guest { fullName email }
        unit { name }
        paymentIntents(orderBy: PRIMARY_KEY_ASC) {
          nodes {
            rowId kind amount currency status dueAt amountCaptured amountRefunded failureMessage
            attempts(orderBy: CREATED_AT_ASC) { nodes { rowId amount currency status createdAt capturedAt failureCode failureMessage } }
            refunds(orderBy: CREATED_AT_ASC) { nodes { rowId amount currency status reason createdAt refundedAt failureMessage } }
          }
        }
      }
      postings(orderBy: ROW_ID_ASC) {
        nodes { rowId amount currency account { rowId code name kind } entry { rowId occurredAt description causeType reversesEntryId } }
      }
      invoices(orderBy: ISSUED_AT_ASC) { nodes { ${invoiceRefFields} } }
    }
  }`,
);

// ---------------------------------------------------------------------------
// The journal, accounts and the trial balance
// ---------------------------------------------------------------------------

export interface JournalPostingNode {
  rowId: string;
  amount: MinorUnits;
  currency: string;
  folioId: Uuid | null;
  account: AccountRef | null;
}

export interface JournalEntryNode {
  rowId: Uuid;
  occurredAt: Timestamp;
  causeType: "reservation" | "payment" | "refund" | "payout" | "adjustment";
  causeId: Uuid | null;
  description: string;
  reversesEntryId: Uuid | null;
  userByCreatedBy: { displayName: string } | null;
  postings: Nodes<JournalPostingNode>;
}

export interface JournalVariables extends Page {
  propertyId: Uuid;
  fromDate: IsoDate | null;
  toDate: IsoDate | null;
  accountId: Uuid | null;
}

/** Journal entries dated in a range of the property's calendar, newest first (app_public.journal_entries_between). */
export const journal = operation<{ journalEntriesBetween: Connection<JournalEntryNode> }, JournalVariables>(
  "BackofficeJournal",
  `query BackofficeJournal($propertyId: UUID!, $fromDate: Date, $toDate: Date, $accountId: UUID, $first: Int!, $offset: Int!) {
    journalEntriesBetween(propertyId: $propertyId, fromDate: $fromDate, toDate: $toDate, accountId: $accountId, first: $first, offset: $offset) {
      totalCount
      nodes {
        rowId occurredAt causeType causeId description reversesEntryId
        userByCreatedBy { displayName }
        postings(orderBy: ROW_ID_ASC) { nodes { rowId amount currency folioId account { rowId code name kind } } }
      }
    }
  }`,
);

export interface LedgerAccountNode extends AccountRef {
  purpose: string | null;
}

export interface AccountBalanceNode {
  accountId: Uuid;
  code: string;
  name: string;
  kind: AccountKind;
  purpose: string | null;
  currency: string;
  balance: MinorUnits;
}

export interface TrialBalanceNode {
  currency: string;
  debits: MinorUnits;
  credits: MinorUnits;
  difference: MinorUnits;
}

/** The chart of accounts, each account's balance per currency, and the trial balance per currency. */
export const trialBalance = operation<
  {
    allLedgerAccounts: { nodes: Array<LedgerAccountNode | null> } | null;
    allAccountBalances: { nodes: Array<AccountBalanceNode | null> } | null;
    allTrialBalances: { nodes: Array<TrialBalanceNode | null> } | null;
  },
  { propertyId: Uuid }
>(
  "BackofficeTrialBalance",
  `query BackofficeTrialBalance($propertyId: UUID!) {
    allLedgerAccounts(condition: {propertyId: $propertyId}, orderBy: CODE_ASC) { nodes { rowId code name kind purpose } }
    allAccountBalances(condition: {propertyId: $propertyId}, orderBy: [CODE_ASC, CURRENCY_ASC]) {
      nodes { accountId code name kind purpose currency balance }
    }
    allTrialBalances(condition: {propertyId: $propertyId}, orderBy: CURRENCY_ASC) { nodes { currency debits credits difference } }
  }`,
);

// ---------------------------------------------------------------------------
// Invoices, payments, refunds
// ---------------------------------------------------------------------------

export interface InvoiceListNode extends InvoiceRef {
  folioId: Uuid;
  billTo: { name?: string; email?: string; tax_id?: string; confirmation_code?: string; arrival?: IsoDate; departure?: IsoDate };
  userByIssuedBy: { displayName: string } | null;
}

export const invoices = operation<
  { allInvoices: Connection<InvoiceListNode> },
  // kind absent: both kinds (a null in a condition would mean "kind is null").
  Page & { propertyId: Uuid; kind?: InvoiceKind }
>(
  "BackofficeInvoices",
  `query BackofficeInvoices($propertyId: UUID!, $kind: InvoiceKind, $first: Int!, $offset: Int!) {
    allInvoices(condition: {propertyId: $propertyId, kind: $kind}, orderBy: [ISSUED_AT_DESC, NUMBER_DESC], first: $first, offset: $offset) {
      totalCount
      nodes { ${invoiceRefFields} folioId billTo userByIssuedBy { displayName } }
    }
  }`,
);

export interface PaymentReservationRef {
  rowId: Uuid;
  confirmationCode: string | null;
  guest: { fullName: string } | null;
}

export interface PaymentListNode extends AttemptNode {
  intent: { rowId: Uuid; kind: "deposit" | "balance"; folioId: Uuid; reservation: PaymentReservationRef | null } | null;
}

export interface RefundListNode extends RefundNode {
  userByCreatedBy: { displayName: string } | null;
  intent: { rowId: Uuid; folioId: Uuid; reservation: PaymentReservationRef | null } | null;
}

const reservationRef = `reservation { rowId confirmationCode guest { fullName } }`;

/** Card payments (attempts) and refunds of a property, newest first. */
export const payments = operation<
  { allPaymentAttempts: Connection<PaymentListNode>; allRefunds: Connection<RefundListNode> },
  Page & { propertyId: Uuid; refundsFirst: number; refundsOffset: number }
>(
  "BackofficePayments",
  `query BackofficePayments($propertyId: UUID!, $first: Int!, $offset: Int!, $refundsFirst: Int!, $refundsOffset: Int!) {
    allPaymentAttempts(condition: {propertyId: $propertyId}, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], first: $first, offset: $offset) {
      totalCount
      nodes {
        rowId amount currency status createdAt capturedAt failureCode failureMessage
        intent { rowId kind folioId ${reservationRef} }
      }
    }
    allRefunds(condition: {propertyId: $propertyId}, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], first: $refundsFirst, offset: $refundsOffset) {
      totalCount
      nodes {
        rowId amount currency status reason createdAt refundedAt failureMessage
        userByCreatedBy { displayName }
        intent { rowId folioId ${reservationRef} }
      }
    }
  }`,
);

// Money operations: each takes an idempotency key.

export const pay = operation<
  { pay: { result: { rowId: Uuid; status: AttemptStatus; amount: MinorUnits; currency: string } | null } | null },
  { intentId: Uuid; paymentToken: string; idempotencyKey: string }
>(
  "BackofficePay",
  `mutation BackofficePay($intentId: UUID!, $paymentToken: String!, $idempotencyKey: String!) {
    pay(input: {intentId: $intentId, paymentToken: $paymentToken, idempotencyKey: $idempotencyKey}) { result { rowId status amount currency } }
  }`,
);

export const refundPayment = operation<
  { refundPayment: { result: { rowId: Uuid; status: RefundStatus; amount: MinorUnits; currency: string } | null } | null },
  { intentId: Uuid; amount: MinorUnits; reason: string | null; idempotencyKey: string }
>(
  "BackofficeRefundPayment",
  `mutation BackofficeRefundPayment($intentId: UUID!, $amount: BigInt!, $reason: String, $idempotencyKey: String!) {
    refundPayment(input: {intentId: $intentId, amount: $amount, reason: $reason, idempotencyKey: $idempotencyKey}) { result { rowId status amount currency } }
  }`,
);

export const issueInvoice = operation<
  { issueInvoice: { result: { rowId: Uuid; documentNumber: string } | null } | null },
  { folioId: Uuid; idempotencyKey: string }
>(
  "BackofficeIssueInvoice",
  `mutation BackofficeIssueInvoice($folioId: UUID!, $idempotencyKey: String!) {
    issueInvoice(input: {folioId: $folioId, idempotencyKey: $idempotencyKey}) { result { rowId documentNumber } }
  }`,
);

export const issueCreditNote = operation<
  { issueCreditNote: { result: { rowId: Uuid; documentNumber: string } | null } | null },
  { invoiceId: Uuid; reason: string; idempotencyKey: string }
>(
  "BackofficeIssueCreditNote",
  `mutation BackofficeIssueCreditNote($invoiceId: UUID!, $reason: String!, $idempotencyKey: String!) {
    issueCreditNote(input: {invoiceId: $invoiceId, reason: $reason, idempotencyKey: $idempotencyKey}) { result { rowId documentNumber } }
  }`,
);

// ---------------------------------------------------------------------------
// Owners, statements, payouts
// ---------------------------------------------------------------------------

export interface OwnerNode {
  rowId: Uuid;
  name: string;
  email: string | null;
  commissionPercent: Decimal;
}

export interface PayoutNode {
  rowId: Uuid;
  ownerId: Uuid;
  periodEnd: IsoDate;
  currency: string;
  roomRevenue: MinorUnits;
  cancellationRevenue: MinorUnits;
  commission: MinorUnits;
  ownerShare: MinorUnits;
  paidAt: Timestamp | null;
  createdAt: Timestamp;
  owner: { name: string } | null;
}

const payoutFields = `rowId ownerId periodEnd currency roomRevenue cancellationRevenue commission ownerShare paidAt createdAt owner { name }`;

export const ownersAndPayouts = operation<
  { allOwners: { nodes: Array<OwnerNode | null> } | null; allPayouts: Connection<PayoutNode> },
  Page & { propertyId: Uuid }
>(
  "BackofficeOwnersAndPayouts",
  `query BackofficeOwnersAndPayouts($propertyId: UUID!, $first: Int!, $offset: Int!) {
    allOwners(condition: {propertyId: $propertyId}, orderBy: PRIMARY_KEY_ASC) { nodes { rowId name email commissionPercent } }
    allPayouts(condition: {propertyId: $propertyId}, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], first: $first, offset: $offset) {
      totalCount
      nodes { ${payoutFields} }
    }
  }`,
);

export interface OwnerStatementLine {
  reservationId: Uuid;
  confirmationCode: string | null;
  unitName: string | null;
  arrival: IsoDate;
  departure: IsoDate;
  status: ReservationStatus;
  currency: string;
  rentalRevenue: MinorUnits;
  fees: MinorUnits;
  commission: MinorUnits;
  ownerShare: MinorUnits;
  paidOut: MinorUnits;
}

export const ownerStatement = operation<
  { ownerStatement: { nodes: Array<OwnerStatementLine | null> } | null },
  { ownerId: Uuid; periodStart: IsoDate; periodEnd: IsoDate }
>(
  "BackofficeOwnerStatement",
  `query BackofficeOwnerStatement($ownerId: UUID!, $periodStart: Date!, $periodEnd: Date!) {
    ownerStatement(ownerId: $ownerId, periodStart: $periodStart, periodEnd: $periodEnd) {
      nodes { reservationId confirmationCode unitName arrival departure status currency rentalRevenue fees commission ownerShare paidOut }
    }
  }`,
);

export const runPayouts = operation<
  { runPayouts: { result: Array<PayoutNode | null> | null } | null },
  { propertyId: Uuid; periodEnd: IsoDate; idempotencyKey: string }
>(
  "BackofficeRunPayouts",
  `mutation BackofficeRunPayouts($propertyId: UUID!, $periodEnd: Date!, $idempotencyKey: String!) {
    runPayouts(input: {propertyId: $propertyId, periodEnd: $periodEnd, idempotencyKey: $idempotencyKey}) { result { ${payoutFields} } }
  }`,
);

export const markPayoutPaid = operation<
  { markPayoutPaid: { result: { rowId: Uuid; paidAt: Timestamp | null } | null } | null },
  { payoutId: Uuid; idempotencyKey: string }
>(
  "BackofficeMarkPayoutPaid",
  `mutation BackofficeMarkPayoutPaid($payoutId: UUID!, $idempotencyKey: String!) {
    markPayoutPaid(input: {payoutId: $payoutId, idempotencyKey: $idempotencyKey}) { result { rowId paidAt } }
  }`,
);

// ---------------------------------------------------------------------------
// Reconciliation
// ---------------------------------------------------------------------------

export interface DifferenceNode {
  rowId: Uuid;
  kind: ReconciliationDifferenceKind;
  reference: string | null;
  providerObjectId: string | null;
  currency: string | null;
  ledgerAmount: MinorUnits | null;
  reportAmount: MinorUnits | null;
  createdAt: Timestamp;
  resolvedAt: Timestamp | null;
  resolutionNote: string | null;
}

const differenceFields = `rowId kind reference providerObjectId currency ledgerAmount reportAmount createdAt resolvedAt resolutionNote`;

export const differences = operation<{ allReconciliationDifferences: Connection<DifferenceNode> }, Page & { propertyId: Uuid }>(
  "BackofficeDifferences",
  `query BackofficeDifferences($propertyId: UUID!, $first: Int!, $offset: Int!) {
    allReconciliationDifferences(condition: {propertyId: $propertyId}, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], first: $first, offset: $offset) {
      totalCount
      nodes { ${differenceFields} }
    }
  }`,
);

/** Marks a difference resolved with a note (grant update (resolved_at, resolution_note); owner, manager, accountant). */
export const resolveDifference = operation<
  { updateReconciliationDifferenceByRowId: { reconciliationDifference: DifferenceNode | null } | null },
  { id: Uuid; resolvedAt: Timestamp; resolutionNote: string }
>(
  "BackofficeResolveDifference",
  `mutation BackofficeResolveDifference($id: UUID!, $resolvedAt: Datetime!, $resolutionNote: String!) {
    updateReconciliationDifferenceByRowId(input: {rowId: $id, reconciliationDifferencePatch: {resolvedAt: $resolvedAt, resolutionNote: $resolutionNote}}) {
      reconciliationDifference { ${differenceFields} }
    }
  }`,
);

/** The documents above, for the schema test. */
export const accountingDocuments = [
  folios, folio, journal, trialBalance, invoices, payments, pay, refundPayment, issueInvoice, issueCreditNote,
  ownersAndPayouts, ownerStatement, runPayouts, markPayoutPaid, differences, resolveDifference,
] as const;

/** The keyed mutations among them (the schema test checks each passes a required $idempotencyKey). */
export const accountingKeyedMutations = ["issueCreditNote", "issueInvoice", "markPayoutPaid", "pay", "refundPayment", "runPayouts"] as const;
