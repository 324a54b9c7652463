// The back office's GraphQL operations: accounting (folios, the journal,
// the trial balance, invoices, payments and refunds, owners and payouts,
// reconciliation), reports and exports, and revenue (room types, units, rate
// plans, fees, taxes, the rate calendar). Written by hand against
// server/schema.graphql like documents.ts, and checked against it by
// tests/api/admin_backoffice_documents.test.ts. No DOM or React here.
import { operation, type IsoDate, type MinorUnits, type PaymentStatus, type ReservationStatus, type Timestamp, type Uuid } from "../../platform/documents.ts";

/** A decimal the API sends as a string (BigFloat), e.g. a percent "10.00". */
export type Decimal = string;

export type FolioStatus = "open" | "closed";
export type AccountKind = "asset" | "liability" | "equity" | "revenue" | "expense";
export type InvoiceKind = "invoice" | "credit_note";
export type AttemptStatus = "pending" | "authorized" | "captured" | "failed";
export type RefundStatus = "pending" | "succeeded" | "failed";
export type ReconciliationDifferenceKind = "missing" | "extra" | "amount_mismatch";
export type ExportKind = "reservations" | "guests" | "ledger" | "occupancy" | "city_tax";
export type ExportStatus = "pending" | "done" | "failed";
export type MealPlan = "room_only" | "breakfast" | "half_board" | "full_board" | "all_inclusive";
export type CancellationPenaltyKind = "nights" | "percent";
export type ChargePosting = "on_booking" | "nightly";
export type FeeBasis = "per_stay" | "per_night" | "per_guest_night";
export type TaxBasis = "percent_of_room" | "per_night" | "per_person_night";

export const exportKinds: readonly ExportKind[] = ["reservations", "guests", "ledger", "occupancy", "city_tax"];
export const mealPlans: readonly MealPlan[] = ["room_only", "breakfast", "half_board", "full_board", "all_inclusive"];
export const feeBases: readonly FeeBasis[] = ["per_stay", "per_night", "per_guest_night"];
export const taxBases: readonly TaxBasis[] = ["percent_of_room", "per_night", "per_person_night"];

type Connection<T> = { totalCount: number; nodes: Array<T | null> } | null;
type Nodes<T> = { nodes: Array<T | null> };

export interface Page {
  first: number;
  offset: number;
}

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

export interface FolioIntentNode {
  rowId: Uuid;
  kind: "deposit" | "balance";
  amount: MinorUnits;
  currency: string;
  status: PaymentStatus;
  dueAt: Timestamp;
  amountCaptured: MinorUnits;
  amountRefunded: MinorUnits;
  failureMessage: string | null;
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

// ---------------------------------------------------------------------------
// Reports and exports
// ---------------------------------------------------------------------------

export interface OccupancyNode {
  date: IsoDate;
  unitsAvailable: number;
  unitsSold: number;
  occupancy: Decimal;
  roomRevenue: MinorUnits;
  adr: MinorUnits | null;
  revpar: MinorUnits | null;
}

export interface PickupNode {
  bookedOn: IsoDate;
  channel: string;
  bookings: number;
  roomNights: number;
  roomRevenue: MinorUnits;
}

export interface ChannelRevenueNode {
  channel: string;
  bookings: number;
  roomNights: number;
  roomRevenue: MinorUnits;
}

export interface ReportRange {
  propertyId: Uuid;
  fromDate: IsoDate;
  toDate: IsoDate;
}

/** Occupancy, ADR and RevPAR per night of stay, and revenue by channel for the nights of the range. */
export const stayReports = operation<
  {
    occupancyReport: { nodes: Array<OccupancyNode | null> } | null;
    channelRevenueReport: { nodes: Array<ChannelRevenueNode | null> } | null;
  },
  ReportRange
>(
  "BackofficeStayReports",
  `query BackofficeStayReports($propertyId: UUID!, $fromDate: Date!, $toDate: Date!) {
    occupancyReport(propertyId: $propertyId, fromDate: $fromDate, toDate: $toDate) {
      nodes { date unitsAvailable unitsSold occupancy roomRevenue adr revpar }
    }
    channelRevenueReport(propertyId: $propertyId, fromDate: $fromDate, toDate: $toDate) {
      nodes { channel bookings roomNights roomRevenue }
    }
  }`,
);

export interface CityTaxNode {
  month: IsoDate;
  taxId: Uuid;
  taxName: string;
  basis: TaxBasis;
  currency: string;
  stays: number;
  nights: number;
  personNights: number;
  taxCharged: MinorUnits;
  cancelledStays: number;
  taxOnCancelled: MinorUnits;
}

/** The city tax per month of stay and per-night / per-person-night tax (app_public.city_tax_report). */
export const cityTaxReport = operation<{ cityTaxReport: { nodes: Array<CityTaxNode | null> } | null }, ReportRange>(
  "BackofficeCityTaxReport",
  `query BackofficeCityTaxReport($propertyId: UUID!, $fromDate: Date!, $toDate: Date!) {
    cityTaxReport(propertyId: $propertyId, fromDate: $fromDate, toDate: $toDate) {
      nodes { month taxId taxName basis currency stays nights personNights taxCharged cancelledStays taxOnCancelled }
    }
  }`,
);

/** Bookings made per day of the range (in the property's calendar) and channel: pickup. */
export const pickupReport = operation<{ pickupReport: { nodes: Array<PickupNode | null> } | null }, ReportRange>(
  "BackofficePickupReport",
  `query BackofficePickupReport($propertyId: UUID!, $fromDate: Date!, $toDate: Date!) {
    pickupReport(propertyId: $propertyId, fromDate: $fromDate, toDate: $toDate) {
      nodes { bookedOn channel bookings roomNights roomRevenue }
    }
  }`,
);

export interface ExportNode {
  rowId: Uuid;
  kind: ExportKind;
  fromDate: IsoDate;
  toDate: IsoDate;
  status: ExportStatus;
  rowCount: string | null;
  byteCount: string | null;
  error: string | null;
  downloadToken: string | null;
  expiresAt: Timestamp | null;
  createdAt: Timestamp;
  finishedAt: Timestamp | null;
  purgedAt: Timestamp | null;
  userByRequestedBy: { displayName: string } | null;
}

const exportFields = `rowId kind fromDate toDate status rowCount byteCount error downloadToken expiresAt createdAt finishedAt purgedAt
  userByRequestedBy { displayName }`;

export const exportsList = operation<{ allExports: Connection<ExportNode> }, Page & { propertyId: Uuid }>(
  "BackofficeExports",
  `query BackofficeExports($propertyId: UUID!, $first: Int!, $offset: Int!) {
    allExports(condition: {propertyId: $propertyId}, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], first: $first, offset: $offset) {
      totalCount
      nodes { ${exportFields} }
    }
  }`,
);

/** Queues an export (the API takes no idempotency key here: the console sends it once per click). */
export const requestExport = operation<
  { requestExport: { result: ExportNode | null } | null },
  { propertyId: Uuid; kind: ExportKind; fromDate: IsoDate; toDate: IsoDate }
>(
  "BackofficeRequestExport",
  `mutation BackofficeRequestExport($propertyId: UUID!, $kind: ExportKind!, $fromDate: Date!, $toDate: Date!) {
    requestExport(input: {propertyId: $propertyId, kind: $kind, fromDate: $fromDate, toDate: $toDate}) { result { ${exportFields} } }
  }`,
);

// ---------------------------------------------------------------------------
// Revenue: room types, units, rate plans, fees, taxes
// ---------------------------------------------------------------------------

export interface RoomTypeNode {
  rowId: Uuid;
  name: string;
  description: string | null;
  maxOccupancy: number;
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

const roomTypeFields = `rowId name description maxOccupancy isPublished`;
const unitFields = `rowId roomTypeId name isActive housekeepingStatus ownerId`;
const ratePlanFields = `rowId roomTypeId name description currency basePrice includedGuests extraAdultFee extraChildFee mealPlan
  minStay maxStay isRefundable freeCancellationDays cancellationPenaltyKind cancellationPenaltyValue isPublished
  depositPercent balanceDueDays paymentDeadlineHours chargePosting losDiscounts(orderBy: PRIMARY_KEY_ASC) { nodes { rowId minNights percentOff } }`;
const feeFields = `rowId roomTypeId name basis amount currency isActive`;
const taxFields = `rowId name basis percent amount currency isInclusive appliesToFees appliesToPenalty isActive`;
const extraFields = `rowId name unitPrice currency taxId isActive sortOrder`;

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
}

export interface ExtraValues {
  name: string;
  unitPrice: MinorUnits;
  taxId: Uuid | null;
  isActive: boolean;
  sortOrder: number;
}

export const createFolioExtra = operation<{ createFolioExtra: { folioExtra: ExtraNode | null } | null }, { input: ExtraValues & { propertyId: Uuid; currency: string } }>(
  "BackofficeCreateFolioExtra",
  `mutation BackofficeCreateFolioExtra($input: FolioExtraInput!) { createFolioExtra(input: {folioExtra: $input}) { folioExtra { ${extraFields} } } }`,
);

export const updateFolioExtra = operation<{ updateFolioExtraByRowId: { folioExtra: ExtraNode | null } | null }, { id: Uuid; patch: Partial<ExtraValues> }>(
  "BackofficeUpdateFolioExtra",
  `mutation BackofficeUpdateFolioExtra($id: UUID!, $patch: FolioExtraPatch!) {
    updateFolioExtraByRowId(input: {rowId: $id, folioExtraPatch: $patch}) { folioExtra { ${extraFields} } }
  }`,
);

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
  isPublished: boolean;
}

export const createRoomType = operation<
  { createRoomType: { roomType: RoomTypeNode | null } | null },
  { input: RoomTypeValues & { propertyId: Uuid } }
>(
  "BackofficeCreateRoomType",
  `mutation BackofficeCreateRoomType($input: RoomTypeInput!) {
    createRoomType(input: {roomType: $input}) { roomType { ${roomTypeFields} } }
  }`,
);

export const updateRoomType = operation<
  { updateRoomTypeByRowId: { roomType: RoomTypeNode | null } | null },
  { id: Uuid; patch: Partial<RoomTypeValues> }
>(
  "BackofficeUpdateRoomType",
  `mutation BackofficeUpdateRoomType($id: UUID!, $patch: RoomTypePatch!) {
    updateRoomTypeByRowId(input: {rowId: $id, roomTypePatch: $patch}) { roomType { ${roomTypeFields} } }
  }`,
);

export const deleteRoomType = operation<{ deleteRoomTypeByRowId: { deletedRoomTypeId: string | null } | null }, { id: Uuid }>(
  "BackofficeDeleteRoomType",
  `mutation BackofficeDeleteRoomType($id: UUID!) { deleteRoomTypeByRowId(input: {rowId: $id}) { deletedRoomTypeId } }`,
);

export interface UnitValues {
  roomTypeId: Uuid;
  name: string;
  isActive: boolean;
}

export const createUnit = operation<{ createUnit: { unit: UnitNode | null } | null }, { input: UnitValues & { propertyId: Uuid } }>(
  "BackofficeCreateUnit",
  `mutation BackofficeCreateUnit($input: UnitInput!) { createUnit(input: {unit: $input}) { unit { ${unitFields} } } }`,
);

export const updateUnit = operation<
  { updateUnitByRowId: { unit: UnitNode | null } | null },
  { id: Uuid; patch: Partial<UnitValues> & { ownerId?: Uuid | null } }
>(
  "BackofficeUpdateUnit",
  `mutation BackofficeUpdateUnit($id: UUID!, $patch: UnitPatch!) { updateUnitByRowId(input: {rowId: $id, unitPatch: $patch}) { unit { ${unitFields} } } }`,
);

export const deleteUnit = operation<{ deleteUnitByRowId: { deletedUnitId: string | null } | null }, { id: Uuid }>(
  "BackofficeDeleteUnit",
  `mutation BackofficeDeleteUnit($id: UUID!) { deleteUnitByRowId(input: {rowId: $id}) { deletedUnitId } }`,
);

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
}

export const createRatePlan = operation<
  { createRatePlan: { ratePlan: RatePlanNode | null } | null },
  { input: RatePlanValues & { propertyId: Uuid; roomTypeId: Uuid; currency: string } }
>(
  "BackofficeCreateRatePlan",
  `mutation BackofficeCreateRatePlan($input: RatePlanInput!) { createRatePlan(input: {ratePlan: $input}) { ratePlan { ${ratePlanFields} } } }`,
);

export const updateRatePlan = operation<
  { updateRatePlanByRowId: { ratePlan: RatePlanNode | null } | null },
  { id: Uuid; patch: Partial<RatePlanValues> }
>(
  "BackofficeUpdateRatePlan",
  `mutation BackofficeUpdateRatePlan($id: UUID!, $patch: RatePlanPatch!) {
    updateRatePlanByRowId(input: {rowId: $id, ratePlanPatch: $patch}) { ratePlan { ${ratePlanFields} } }
  }`,
);

export const deleteRatePlan = operation<{ deleteRatePlanByRowId: { deletedRatePlanId: string | null } | null }, { id: Uuid }>(
  "BackofficeDeleteRatePlan",
  `mutation BackofficeDeleteRatePlan($id: UUID!) { deleteRatePlanByRowId(input: {rowId: $id}) { deletedRatePlanId } }`,
);

export const createLosDiscount = operation<
  { createRatePlanLosDiscount: { ratePlanLosDiscount: LosDiscountNode | null } | null },
  { input: { propertyId: Uuid; ratePlanId: Uuid; minNights: number; percentOff: Decimal } }
>(
  "BackofficeCreateLosDiscount",
  `mutation BackofficeCreateLosDiscount($input: RatePlanLosDiscountInput!) {
    createRatePlanLosDiscount(input: {ratePlanLosDiscount: $input}) { ratePlanLosDiscount { rowId minNights percentOff } }
  }`,
);

export const deleteLosDiscount = operation<{ deleteRatePlanLosDiscountByRowId: { deletedRatePlanLosDiscountId: string | null } | null }, { id: Uuid }>(
  "BackofficeDeleteLosDiscount",
  `mutation BackofficeDeleteLosDiscount($id: UUID!) { deleteRatePlanLosDiscountByRowId(input: {rowId: $id}) { deletedRatePlanLosDiscountId } }`,
);

export interface FeeValues {
  roomTypeId: Uuid | null;
  name: string;
  basis: FeeBasis;
  amount: MinorUnits;
  isActive: boolean;
}

export const createFee = operation<{ createFee: { fee: FeeNode | null } | null }, { input: FeeValues & { propertyId: Uuid; currency: string } }>(
  "BackofficeCreateFee",
  `mutation BackofficeCreateFee($input: FeeInput!) { createFee(input: {fee: $input}) { fee { ${feeFields} } } }`,
);

export const updateFee = operation<{ updateFeeByRowId: { fee: FeeNode | null } | null }, { id: Uuid; patch: Partial<FeeValues> }>(
  "BackofficeUpdateFee",
  `mutation BackofficeUpdateFee($id: UUID!, $patch: FeePatch!) { updateFeeByRowId(input: {rowId: $id, feePatch: $patch}) { fee { ${feeFields} } } }`,
);

export const deleteFee = operation<{ deleteFeeByRowId: { deletedFeeId: string | null } | null }, { id: Uuid }>(
  "BackofficeDeleteFee",
  `mutation BackofficeDeleteFee($id: UUID!) { deleteFeeByRowId(input: {rowId: $id}) { deletedFeeId } }`,
);

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

export const createTax = operation<{ createTax: { tax: TaxNode | null } | null }, { input: TaxValues & { propertyId: Uuid; currency: string } }>(
  "BackofficeCreateTax",
  `mutation BackofficeCreateTax($input: TaxInput!) { createTax(input: {tax: $input}) { tax { ${taxFields} } } }`,
);

export const updateTax = operation<{ updateTaxByRowId: { tax: TaxNode | null } | null }, { id: Uuid; patch: Partial<TaxValues> }>(
  "BackofficeUpdateTax",
  `mutation BackofficeUpdateTax($id: UUID!, $patch: TaxPatch!) { updateTaxByRowId(input: {rowId: $id, taxPatch: $patch}) { tax { ${taxFields} } } }`,
);

export const deleteTax = operation<{ deleteTaxByRowId: { deletedTaxId: string | null } | null }, { id: Uuid }>(
  "BackofficeDeleteTax",
  `mutation BackofficeDeleteTax($id: UUID!) { deleteTaxByRowId(input: {rowId: $id}) { deletedTaxId } }`,
);

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
}

export const rateGrid = operation<{ rateGrid: { nodes: Array<RateGridDayNode | null> } | null }, ReportRange>(
  "BackofficeRateGrid",
  `query BackofficeRateGrid($propertyId: UUID!, $fromDate: Date!, $toDate: Date!) {
    rateGrid(propertyId: $propertyId, fromDate: $fromDate, toDate: $toDate) {
      nodes { ratePlanId date price priceIsOverride minStay maxStay closedToArrival closedToDeparture stopSell isOverride }
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

/** The documents above, for the schema test. */
export const backofficeDocuments = [
  folios, folio, journal, trialBalance, invoices, payments, pay, refundPayment, issueInvoice, issueCreditNote,
  ownersAndPayouts, ownerStatement, runPayouts, markPayoutPaid, differences, resolveDifference,
  stayReports, pickupReport, cityTaxReport, exportsList, requestExport,
  revenueSetup, createRoomType, updateRoomType, deleteRoomType, createUnit, updateUnit, deleteUnit,
  createRatePlan, updateRatePlan, deleteRatePlan, createLosDiscount, deleteLosDiscount,
  createFee, updateFee, deleteFee, createTax, updateTax, deleteTax, createFolioExtra, updateFolioExtra,
  rateGrid, setRates,
] as const;

/** The keyed mutations among them (the schema test checks each passes a required $idempotencyKey). */
export const backofficeKeyedMutations = ["issueCreditNote", "issueInvoice", "markPayoutPaid", "pay", "refundPayment", "runPayouts", "setRates"] as const;
