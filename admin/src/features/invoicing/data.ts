// The console's calls for legal invoices, added to the data provider
// (dataProvider.ts spreads them in): the property's legal details, a
// folio's bill-to, the PDF of a document and sending it by email.
import type { Uuid } from "../../platform/documents.ts";
import {
  folioBillTo, invoiceSending, legalDetails, sendInvoice, setFolioBillTo, setPropertyLegalDetails,
  type BillTo, type BillToValues, type InvoiceDeliveryNode, type InvoiceSendingNode, type LegalDetailsNode, type LegalDetailsValues,
} from "./documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import type { IdempotencyKey } from "../../platform/idempotency.ts";
import { missing, notFound, type RequestOptions } from "../../platform/results.ts";
import { fetchServerFile } from "../../platform/serverFiles.ts";

export interface InvoicingMethods {
  legalDetails(params: { propertyId: Uuid }, options?: RequestOptions): Promise<LegalDetailsNode | null>;
  setPropertyLegalDetails(params: { propertyId: Uuid; values: LegalDetailsValues; idempotencyKey: IdempotencyKey }): Promise<LegalDetailsNode>;
  folioBillTo(params: { folioId: Uuid }, options?: RequestOptions): Promise<BillTo | null>;
  setFolioBillTo(params: { folioId: Uuid; values: BillToValues; idempotencyKey: IdempotencyKey }): Promise<BillTo | null>;
  invoiceSending(params: { invoiceId: Uuid }, options?: RequestOptions): Promise<InvoiceSendingNode>;
  sendInvoice(params: { invoiceId: Uuid; email: string | null; idempotencyKey: IdempotencyKey }): Promise<InvoiceDeliveryNode>;
  /** The document's PDF (GET /invoices/:id.pdf, read with the user's rights). */
  invoicePdf(params: { id: Uuid }, options?: RequestOptions): Promise<Blob>;
}

export function createInvoicingMethods(client: GraphQLClient): InvoicingMethods {
  return {
    async legalDetails({ propertyId }, options = {}) {
      const data = await client.request(legalDetails, { propertyId }, options);
      return data.allPropertyLegalDetails?.nodes.find((n) => n !== null) ?? null;
    },
    async setPropertyLegalDetails({ propertyId, values, idempotencyKey }) {
      const data = await client.request(setPropertyLegalDetails, { propertyId, ...values, idempotencyKey });
      if (!data.setPropertyLegalDetails?.result) throw missing("the legal details");
      return data.setPropertyLegalDetails.result;
    },
    async folioBillTo({ folioId }, options = {}) {
      const data = await client.request(folioBillTo, { folioId }, options);
      return data.folioByRowId?.billTo ?? null;
    },
    async setFolioBillTo({ folioId, values, idempotencyKey }) {
      const data = await client.request(setFolioBillTo, { folioId, ...values, idempotencyKey });
      if (!data.setFolioBillTo?.result) throw missing("the folio");
      return data.setFolioBillTo.result.billTo;
    },
    async invoiceSending({ invoiceId }, options = {}) {
      const data = await client.request(invoiceSending, { invoiceId }, options);
      if (!data.invoiceByRowId) throw notFound("invoice");
      return data.invoiceByRowId;
    },
    async sendInvoice(params) {
      const data = await client.request(sendInvoice, params);
      if (!data.sendInvoice?.result) throw missing("the delivery");
      return data.sendInvoice.result;
    },
    async invoicePdf({ id }, options = {}) {
      const response = await fetchServerFile(`/invoices/${encodeURIComponent(id)}.pdf`, "application/pdf", "The PDF could not be made.", options);
      return response.blob();
    },
  };
}
