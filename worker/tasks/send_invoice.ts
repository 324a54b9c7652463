// Sends one invoice or credit note by email with its PDF attached. Payload
// { id } of an invoice delivery (sendInvoice adds the job in the same
// transaction). The message's id is the delivery's, so a job that runs
// twice (a retry, a worker stopped after sending and before recording)
// writes the same outbox file and the same SMTP Message-ID. A mail server
// that refuses the address (5xx), or every mail provider refusing for good,
// fails the delivery for staff to see; other errors are retried (through
// the fallback provider when the primary is down, worker/delivery.ts), and
// recorded as failed on the last try.
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { GuestLanguage } from "../../shared/guest-languages.ts";
import { fileNameOf, invoiceDocument, speechOf, titleOf, type InvoiceDocument } from "../../invoices/document.ts";
import { renderInvoicePdf } from "../../invoices/pdf.ts";
import type { Mailer } from "../mailer.ts";
import { isPermanentDeliveryError } from "../delivery.ts";
import { asWorker } from "../database.ts";
import { recordAsWorker } from "./provider_call.ts";

const payload = z.object({ id: z.uuid() });

const delivery = z.object({
  id: z.uuid(),
  recipient: z.string(),
  status: z.enum(["pending", "sent", "failed"]),
  document: invoiceDocument,
});


/** The email's words, per guest language (typed by shared/guest-languages.ts: a new language fails typecheck here until it has them). */
export const invoiceEmailWords: Record<GuestLanguage, {
  hello: (name: string) => string;
  attached: (kind: "invoice" | "credit_note", number: string, property: string, booking: string | undefined) => string;
  credits: (number: string) => string;
  inCredit: (amount: string) => string;
  paidInFull: string;
}> = {
  en: {
    hello: (name) => (name ? `Hello ${name},` : "Hello,"),
    attached: (kind, number, property, booking) => `Please find attached ${kind === "invoice" ? "invoice" : "credit note"} ${number} from ${property}${booking ? ` for booking ${booking}.` : "."}`,
    credits: (number) => `It credits invoice ${number}.`,
    inCredit: (amount) => `Your account is in credit by ${amount}.`,
    paidInFull: "Paid in full, thank you.",
  },
  pt: {
    hello: (name) => (name ? `Olá ${name},` : "Olá,"),
    attached: (kind, number, property, booking) => `Segue em anexo ${kind === "invoice" ? "a fatura" : "a nota de crédito"} ${number} de ${property}${booking ? `, reserva ${booking}.` : "."}`,
    credits: (number) => `Retifica a fatura ${number}.`,
    inCredit: (amount) => `A seu favor: ${amount}.`,
    paidInFull: "Pago na totalidade. Obrigado.",
  },
  es: {
    hello: (name) => (name ? `Hola, ${name}:` : "Hola:"),
    attached: (kind, number, property, booking) => `Le enviamos adjunta ${kind === "invoice" ? "la factura" : "la factura rectificativa"} ${number} de ${property}${booking ? `, reserva ${booking}.` : "."}`,
    credits: (number) => `Rectifica la factura ${number}.`,
    inCredit: (amount) => `A su favor: ${amount}.`,
    paidInFull: "Pagada por completo. Gracias.",
  },
};

/** The message's text, in the document's language: what it is, its total and what is due, and who sent it. */
export function invoiceEmail(d: InvoiceDocument): { subject: string; text: string } {
  const sp = speechOf(d);
  const e = invoiceEmailWords[sp.language];
  const seller = d.seller?.legal_name ?? d.property_name;
  const title = titleOf(d);
  const booking = d.bill_to.confirmation_code;
  const lines = [e.hello(d.bill_to.name ?? ""), "", e.attached(d.kind, d.document_number, d.property_name, booking), `Total: ${sp.money(d.total_amount)}.`];
  if (d.credited_number) lines.push(e.credits(d.credited_number));
  if (d.kind === "invoice" && d.amount_due != null) {
    lines.push(
      d.amount_due > 0 ? `${sp.w.amountDue}: ${sp.money(d.amount_due)}.` : d.amount_due < 0 ? e.inCredit(sp.money(-d.amount_due)) : e.paidInFull,
    );
  }
  if (d.seller?.invoice_footer) lines.push("", d.seller.invoice_footer);
  lines.push("", seller);
  return { subject: `${title} ${d.document_number} — ${d.property_name}`, text: lines.join("\n") };
}

export function makeSendInvoice(deps: { mailer: Mailer }): Task {
  return async (raw, helpers) => {
    const { id } = payload.parse(raw);
    const row = await helpers.withPgClient((client) =>
      asWorker(client, async (c) => (await c.query<{ d: unknown }>({ name: "send_invoice.load", text: "select app_private.invoice_delivery($1) as d", values: [id] })).rows[0]?.d),
    );
    if (!row) return;
    const d = delivery.parse(row);
    if (d.status !== "pending") return;
    const record = (status: "sent" | "failed" | "pending", messageId: string | null, error: string | null) =>
      recordAsWorker(helpers, "select app_private.record_invoice_delivery($1, $2, $3, $4)", [id, status, messageId, error]);
    try {
      const pdf = await renderInvoicePdf(d.document);
      const { subject, text } = invoiceEmail(d.document);
      const sent = await deps.mailer.send({
        id: `invoice-${id}`,
        to: d.recipient,
        subject,
        text,
        attachments: [{ filename: fileNameOf(d.document), content: pdf, contentType: "application/pdf" }],
      });
      await record("sent", sent.messageId, null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (isPermanentDeliveryError(error)) {
        await record("failed", null, message);
        return;
      }
      if (helpers.job.attempts >= helpers.job.max_attempts) {
        await record("failed", null, `gave up after ${helpers.job.attempts} tries: ${message}`);
        return;
      }
      await record("pending", null, message);
      throw error;
    }
  };
}
