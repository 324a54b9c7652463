// The desk's folio work (issue 18): the folios of a stay, the extras
// catalogue, charges, allowances and corrections, cash and bank payments and
// refunds, splitting and routing, the city ledger (companies and their
// folios, AR aging) and the cash drawer (shifts and their movements).
// Written by hand against server/schema.graphql like the other documents,
// and checked against it by tests/api/admin_desk_documents.test.ts. No DOM
// or React here.
import { createRow, operation, updateRow, type IsoDate, type MinorUnits, type Nodes, type Timestamp, type Uuid } from "../../platform/documents.ts";
import type { BalanceNode } from "../accounting/documents.ts";

export type FolioKind = "guest" | "company";
export type DeskPaymentMethod = "cash" | "bank_transfer";

// ---------------------------------------------------------------------------
// Folios of a stay
// ---------------------------------------------------------------------------

export interface CompanyRef {
  rowId: Uuid;
  name: string;
}

/** One folio as the reservation page and the check-out dialog show it. */
export interface StayFolioNode {
  rowId: Uuid;
  propertyId: Uuid;
  reservationId: Uuid | null;
  status: "open" | "closed";
  kind: FolioKind;
  label: string;
  isPrimary: boolean;
  createdAt: Timestamp;
  company: CompanyRef | null;
  balances: Nodes<BalanceNode>;
}

const stayFolioFields = `rowId propertyId reservationId status kind label isPrimary createdAt
  company: companyByPropertyIdAndCompanyId { rowId name }
  balances { nodes { currency balance } }`;

/** The folios of a reservation (the primary one, the splits, those billed to a company). */
export const stayFolios = operation<{ reservationByRowId: { folios: Nodes<StayFolioNode> } | null }, { reservationId: Uuid }>(
  "DeskStayFolios",
  `query DeskStayFolios($reservationId: UUID!) {
    reservationByRowId(rowId: $reservationId) { folios: foliosByPropertyIdAndReservationId(orderBy: CREATED_AT_ASC) { nodes { ${stayFolioFields} } } }
  }`,
);

// ---------------------------------------------------------------------------
// The extras catalogue
// ---------------------------------------------------------------------------

export interface FolioExtraNode {
  rowId: Uuid;
  name: string;
  unitPrice: MinorUnits;
  currency: string;
  isActive: boolean;
  sortOrder: number;
}

export const folioExtras = operation<{ allFolioExtras: Nodes<FolioExtraNode> | null }, { propertyId: Uuid }>(
  "DeskFolioExtras",
  `query DeskFolioExtras($propertyId: UUID!) {
    allFolioExtras(condition: {propertyId: $propertyId}) { nodes { rowId name unitPrice currency isActive sortOrder } }
  }`,
);

// ---------------------------------------------------------------------------
// Folio operations (each returns the folio it changed)
// ---------------------------------------------------------------------------

export interface FolioResult {
  rowId: Uuid;
  status: "open" | "closed";
}

type Keyed = { idempotencyKey: string };

export const postFolioCharge = operation<
  { postFolioCharge: { result: FolioResult | null } | null },
  Keyed & { folioId: Uuid; extraId: Uuid; quantity: number; note: string | null }
>(
  "DeskPostFolioCharge",
  `mutation DeskPostFolioCharge($folioId: UUID!, $extraId: UUID!, $quantity: Int!, $note: String, $idempotencyKey: String!) {
    postFolioCharge(input: {folioId: $folioId, extraId: $extraId, quantity: $quantity, note: $note, idempotencyKey: $idempotencyKey}) { result { rowId status } }
  }`,
);

export const postFolioAllowance = operation<
  { postFolioAllowance: { result: FolioResult | null } | null },
  Keyed & { folioId: Uuid; amount: MinorUnits; reason: string }
>(
  "DeskPostFolioAllowance",
  `mutation DeskPostFolioAllowance($folioId: UUID!, $amount: BigInt!, $reason: String!, $idempotencyKey: String!) {
    postFolioAllowance(input: {folioId: $folioId, amount: $amount, reason: $reason, idempotencyKey: $idempotencyKey}) { result { rowId status } }
  }`,
);

export const correctFolioEntry = operation<
  { correctFolioEntry: { result: FolioResult | null } | null },
  Keyed & { entryId: Uuid; folioId: Uuid; reason: string }
>(
  "DeskCorrectFolioEntry",
  `mutation DeskCorrectFolioEntry($entryId: UUID!, $folioId: UUID!, $reason: String!, $idempotencyKey: String!) {
    correctFolioEntry(input: {entryId: $entryId, folioId: $folioId, reason: $reason, idempotencyKey: $idempotencyKey}) { result { rowId status } }
  }`,
);

export const takeFolioPayment = operation<
  { takeFolioPayment: { result: FolioResult | null } | null },
  Keyed & { folioId: Uuid; method: DeskPaymentMethod; amount: MinorUnits; reference: string | null }
>(
  "DeskTakeFolioPayment",
  `mutation DeskTakeFolioPayment($folioId: UUID!, $method: DeskPaymentMethod!, $amount: BigInt!, $reference: String, $idempotencyKey: String!) {
    takeFolioPayment(input: {folioId: $folioId, method: $method, amount: $amount, reference: $reference, idempotencyKey: $idempotencyKey}) { result { rowId status } }
  }`,
);

export const refundFolioPayment = operation<
  { refundFolioPayment: { result: FolioResult | null } | null },
  Keyed & { folioId: Uuid; method: DeskPaymentMethod; amount: MinorUnits; reason: string; goodwill: boolean }
>(
  "DeskRefundFolioPayment",
  `mutation DeskRefundFolioPayment($folioId: UUID!, $method: DeskPaymentMethod!, $amount: BigInt!, $reason: String!, $goodwill: Boolean!, $idempotencyKey: String!) {
    refundFolioPayment(input: {folioId: $folioId, method: $method, amount: $amount, reason: $reason, goodwill: $goodwill, idempotencyKey: $idempotencyKey}) { result { rowId status } }
  }`,
);

export const createFolio = operation<
  { createFolio: { result: FolioResult | null } | null },
  Keyed & { reservationId: Uuid; label: string; companyId: Uuid | null }
>(
  "DeskCreateFolio",
  `mutation DeskCreateFolio($reservationId: UUID!, $label: String!, $companyId: UUID, $idempotencyKey: String!) {
    createFolio(input: {reservationId: $reservationId, label: $label, companyId: $companyId, idempotencyKey: $idempotencyKey}) { result { rowId status } }
  }`,
);

export const routeFolioPostings = operation<
  { routeFolioPostings: { result: FolioResult | null } | null },
  Keyed & { fromFolioId: Uuid; toFolioId: Uuid; entryIds: Uuid[] }
>(
  "DeskRouteFolioPostings",
  `mutation DeskRouteFolioPostings($fromFolioId: UUID!, $toFolioId: UUID!, $entryIds: [UUID]!, $idempotencyKey: String!) {
    routeFolioPostings(input: {fromFolioId: $fromFolioId, toFolioId: $toFolioId, entryIds: $entryIds, idempotencyKey: $idempotencyKey}) { result { rowId status } }
  }`,
);

export const transferFolioToCityLedger = operation<
  { transferFolioToCityLedger: { result: FolioResult | null } | null },
  Keyed & { folioId: Uuid; companyId: Uuid }
>(
  "DeskTransferFolioToCityLedger",
  `mutation DeskTransferFolioToCityLedger($folioId: UUID!, $companyId: UUID!, $idempotencyKey: String!) {
    transferFolioToCityLedger(input: {folioId: $folioId, companyId: $companyId, idempotencyKey: $idempotencyKey}) { result { rowId status } }
  }`,
);

// ---------------------------------------------------------------------------
// Companies (the city ledger) and AR aging
// ---------------------------------------------------------------------------

export interface CompanyValues {
  name: string;
  legalName: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  taxId: string | null;
  email: string | null;
  paymentTermsDays: number;
  isActive: boolean;
}

export interface CompanyNode extends CompanyValues {
  rowId: Uuid;
  propertyId: Uuid;
  /** Its city-ledger folio (accounts receivable). */
  folio: { rowId: Uuid; balances: Nodes<BalanceNode> } | null;
}

const companyFields = `rowId propertyId name legalName addressLine1 addressLine2 postalCode city country taxId email paymentTermsDays isActive
  folio { rowId balances { nodes { currency balance } } }`;

export const companies = operation<{ allCompanies: Nodes<CompanyNode> | null }, { propertyId: Uuid }>(
  "DeskCompanies",
  `query DeskCompanies($propertyId: UUID!) {
    allCompanies(condition: {propertyId: $propertyId}) { nodes { ${companyFields} } }
  }`,
);

export const createCompany = createRow<CompanyNode, CompanyValues & { propertyId: Uuid }>("Desk", "Company", companyFields);

export const updateCompany = updateRow<CompanyNode, Partial<CompanyValues>>("Desk", "Company", companyFields);

export interface ArAgingNode {
  companyId: Uuid;
  companyName: string;
  currency: string;
  current: MinorUnits;
  days1To30: MinorUnits;
  days31To60: MinorUnits;
  days61To90: MinorUnits;
  over90: MinorUnits;
  total: MinorUnits;
}

export const arAging = operation<{ arAging: Nodes<ArAgingNode> | null }, { propertyId: Uuid; asOf: IsoDate }>(
  "DeskArAging",
  `query DeskArAging($propertyId: UUID!, $asOf: Date!) {
    arAging(propertyId: $propertyId, asOf: $asOf) { nodes { companyId companyName currency current days1To30 days31To60 days61To90 over90 total } }
  }`,
);

// ---------------------------------------------------------------------------
// The cash drawer
// ---------------------------------------------------------------------------

export interface CashMovementNode {
  rowId: Uuid;
  /** payment (+, cash in) or refund (−, cash out). */
  kind: string;
  amount: MinorUnits;
  folioId: Uuid;
  createdAt: Timestamp;
  entry: { rowId: Uuid; description: string } | null;
}

export interface CashShiftNode {
  rowId: Uuid;
  propertyId: Uuid;
  currency: string;
  openedBy: Uuid;
  openedAt: Timestamp;
  openingFloat: MinorUnits;
  closedAt: Timestamp | null;
  closedBy: Uuid | null;
  countedAmount: MinorUnits | null;
  expectedAmount: MinorUnits | null;
  difference: MinorUnits | null;
  note: string | null;
  opener: { displayName: string } | null;
  movements: Nodes<CashMovementNode>;
}

/** A property's cash shifts, the latest 100, with their cash movements. */
export const cashShifts = operation<{ allCashShifts: Nodes<CashShiftNode> | null }, { propertyId: Uuid }>(
  "DeskCashShifts",
  `query DeskCashShifts($propertyId: UUID!) {
    allCashShifts(condition: {propertyId: $propertyId}, first: 100, orderBy: OPENED_AT_DESC) {
      nodes {
        rowId propertyId currency openedBy openedAt openingFloat closedAt closedBy countedAmount expectedAmount difference note
        opener: userByOpenedBy { displayName }
        movements: cashMovementsByPropertyIdAndShiftId { nodes { rowId kind amount folioId createdAt entry: journalEntryByPropertyIdAndEntryId { rowId description } } }
      }
    }
  }`,
);

export const openCashShift = operation<
  { openCashShift: { result: { rowId: Uuid } | null } | null },
  Keyed & { propertyId: Uuid; openingFloat: MinorUnits }
>(
  "DeskOpenCashShift",
  `mutation DeskOpenCashShift($propertyId: UUID!, $openingFloat: BigInt!, $idempotencyKey: String!) {
    openCashShift(input: {propertyId: $propertyId, openingFloat: $openingFloat, idempotencyKey: $idempotencyKey}) { result { rowId } }
  }`,
);

export const closeCashShift = operation<
  { closeCashShift: { result: { rowId: Uuid; expectedAmount: MinorUnits | null; difference: MinorUnits | null } | null } | null },
  Keyed & { shiftId: Uuid; countedAmount: MinorUnits; note: string | null }
>(
  "DeskCloseCashShift",
  `mutation DeskCloseCashShift($shiftId: UUID!, $countedAmount: BigInt!, $note: String, $idempotencyKey: String!) {
    closeCashShift(input: {shiftId: $shiftId, countedAmount: $countedAmount, note: $note, idempotencyKey: $idempotencyKey}) { result { rowId expectedAmount difference } }
  }`,
);

/** The documents above, for the schema test. */
export const deskDocuments = [
  stayFolios, folioExtras, postFolioCharge, postFolioAllowance, correctFolioEntry, takeFolioPayment, refundFolioPayment,
  createFolio, routeFolioPostings, transferFolioToCityLedger, companies, createCompany, updateCompany, arAging,
  cashShifts, openCashShift, closeCashShift,
] as const;

/** The keyed mutations among them. */
export const deskKeyedMutations = [
  "postFolioCharge", "postFolioAllowance", "correctFolioEntry", "takeFolioPayment", "refundFolioPayment", "createFolio",
  "routeFolioPostings", "transferFolioToCityLedger", "openCashShift", "closeCashShift",
] as const;
