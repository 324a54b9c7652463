// The console's GraphQL documents for legal invoices (issue 18): the
// property's legal details (the seller), a folio's bill-to, and sending a
// document by email. Checked against server/schema.graphql by
// tests/api/admin_invoicing_documents.test.ts.
import { operation, type Timestamp, type Uuid } from "../../platform/documents.ts";

export interface LegalDetailsValues {
  legalName: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
  vatId: string | null;
  registration: string | null;
  invoiceFooter: string | null;
  email: string | null;
  phone: string | null;
}

export interface LegalDetailsNode extends LegalDetailsValues {
  propertyId: Uuid;
  updatedAt: Timestamp;
}

const legalFields = "propertyId legalName addressLine1 addressLine2 postalCode city countryCode vatId registration invoiceFooter email phone updatedAt";

export const legalDetails = operation<
  { allPropertyLegalDetails: { nodes: ReadonlyArray<LegalDetailsNode | null> } | null },
  { propertyId: Uuid }
>(
  "InvoicingLegalDetails",
  `query InvoicingLegalDetails($propertyId: UUID!) {
    allPropertyLegalDetails(condition: {propertyId: $propertyId}, first: 1) { nodes { ${legalFields} } }
  }`,
);

export const setPropertyLegalDetails = operation<
  { setPropertyLegalDetails: { result: LegalDetailsNode | null } | null },
  LegalDetailsValues & { propertyId: Uuid; idempotencyKey: string }
>(
  "InvoicingSetLegalDetails",
  `mutation InvoicingSetLegalDetails($propertyId: UUID!, $legalName: String, $addressLine1: String, $addressLine2: String, $postalCode: String,
      $city: String, $countryCode: String, $vatId: String, $registration: String, $invoiceFooter: String, $email: String, $phone: String,
      $idempotencyKey: String!) {
    setPropertyLegalDetails(input: {propertyId: $propertyId, legalName: $legalName, addressLine1: $addressLine1, addressLine2: $addressLine2,
        postalCode: $postalCode, city: $city, countryCode: $countryCode, vatId: $vatId, registration: $registration,
        invoiceFooter: $invoiceFooter, email: $email, phone: $phone, idempotencyKey: $idempotencyKey}) { result { ${legalFields} } }
  }`,
);

/** Whom a folio's next invoice is addressed to (Folio.billTo, JSON from the database). */
export interface BillTo {
  source: "folio" | "company" | "guest" | "none";
  name?: string;
  address_line1?: string;
  address_line2?: string;
  postal_code?: string;
  city?: string;
  country_code?: string;
  tax_id?: string;
  email?: string;
  confirmation_code?: string;
  arrival?: string;
  departure?: string;
  guest_name?: string;
}

export interface BillToValues {
  name: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  countryCode: string | null;
  taxId: string | null;
  email: string | null;
}

export const folioBillTo = operation<{ folioByRowId: { rowId: Uuid; billTo: BillTo | null } | null }, { folioId: Uuid }>(
  "InvoicingFolioBillTo",
  `query InvoicingFolioBillTo($folioId: UUID!) { folioByRowId(rowId: $folioId) { rowId billTo } }`,
);

export const setFolioBillTo = operation<
  { setFolioBillTo: { result: { rowId: Uuid; billTo: BillTo | null } | null } | null },
  BillToValues & { folioId: Uuid; idempotencyKey: string }
>(
  "InvoicingSetFolioBillTo",
  `mutation InvoicingSetFolioBillTo($folioId: UUID!, $name: String, $addressLine1: String, $addressLine2: String, $postalCode: String,
      $city: String, $countryCode: String, $taxId: String, $email: String, $idempotencyKey: String!) {
    setFolioBillTo(input: {folioId: $folioId, name: $name, addressLine1: $addressLine1, addressLine2: $addressLine2, postalCode: $postalCode,
        city: $city, countryCode: $countryCode, taxId: $taxId, email: $email, idempotencyKey: $idempotencyKey}) { result { rowId billTo } }
  }`,
);

export type DeliveryStatus = "pending" | "sent" | "failed";

export interface InvoiceDeliveryNode {
  rowId: Uuid;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  requestedAt: Timestamp;
  sentAt: Timestamp | null;
}

const deliveryFields = "rowId recipient status attempts lastError requestedAt sentAt";

export interface InvoiceSendingNode {
  rowId: Uuid;
  documentNumber: string;
  billTo: BillTo;
  deliveries: { nodes: ReadonlyArray<InvoiceDeliveryNode | null> };
}

export const invoiceSending = operation<{ invoiceByRowId: InvoiceSendingNode | null }, { invoiceId: Uuid }>(
  "InvoicingInvoiceSending",
  `query InvoicingInvoiceSending($invoiceId: UUID!) {
    invoiceByRowId(rowId: $invoiceId) { rowId documentNumber billTo deliveries(orderBy: REQUESTED_AT_DESC, first: 10) { nodes { ${deliveryFields} } } }
  }`,
);

export const sendInvoice = operation<
  { sendInvoice: { result: InvoiceDeliveryNode | null } | null },
  { invoiceId: Uuid; email: string | null; idempotencyKey: string }
>(
  "InvoicingSendInvoice",
  `mutation InvoicingSendInvoice($invoiceId: UUID!, $email: String, $idempotencyKey: String!) {
    sendInvoice(input: {invoiceId: $invoiceId, email: $email, idempotencyKey: $idempotencyKey}) { result { ${deliveryFields} } }
  }`,
);

/** The documents above, for the schema test. */
export const invoicingDocuments = [legalDetails, setPropertyLegalDetails, folioBillTo, setFolioBillTo, invoiceSending, sendInvoice] as const;

/** The keyed mutations among them. */
export const invoicingKeyedMutations = ["sendInvoice", "setFolioBillTo", "setPropertyLegalDetails"] as const;
