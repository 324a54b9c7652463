// The reports' and exports' GraphQL operations: occupancy, ADR and RevPAR,
// pickup, revenue by channel, the city tax, and the export files. Written by
// hand against server/schema.graphql, and checked against it by
// tests/api/admin_backoffice_documents.test.ts. No DOM or React here.
import { operation, type Connection, type Decimal, type IsoDate, type MinorUnits, type Page, type ReportRange, type Timestamp, type Uuid } from "../../platform/documents.ts";
import type { TaxBasis } from "../revenue/documents.ts";

export type ExportKind = "reservations" | "guests" | "ledger" | "occupancy" | "city_tax";
export type ExportStatus = "pending" | "done" | "failed";

export const exportKinds: readonly ExportKind[] = ["reservations", "guests", "ledger", "occupancy", "city_tax"];

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

/** Room nights and room revenue per night that were on the books at a moment (app_public.on_the_books_report). */
export interface OnTheBooksNode {
  date: IsoDate;
  unitsSold: number;
  roomRevenue: MinorUnits;
}

/** What was on the books at `asOf` for the nights of a range: last year's range as of a year ago is the STLY pace. */
export const onTheBooksReport = operation<
  { onTheBooksReport: { nodes: Array<OnTheBooksNode | null> } | null },
  ReportRange & { asOf: string }
>(
  "BackofficeOnTheBooksReport",
  `query BackofficeOnTheBooksReport($propertyId: UUID!, $fromDate: Date!, $toDate: Date!, $asOf: Datetime!) {
    onTheBooksReport(propertyId: $propertyId, fromDate: $fromDate, toDate: $toDate, asOf: $asOf) {
      nodes { date unitsSold roomRevenue }
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

/** The documents above, for the schema test (none takes an idempotency key). */
export const reportsDocuments = [stayReports, onTheBooksReport, pickupReport, cityTaxReport, exportsList, requestExport] as const;
