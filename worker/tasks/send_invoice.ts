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


/** The message's text, in the document's language: what it is, its total and what is due, and who sent it. */
export function invoiceEmail(d: InvoiceDocument): { subject: string; text: string } {
  const sp = speechOf(d);
  const seller = d.seller?.legal_name ?? d.property_name;
  const title = titleOf(d);
  const name = d.bill_to.name ?? "";
  const booking = d.bill_to.confirmation_code;
  const pt = sp.language === "pt";
  const lines = pt
    ? [
        name ? `Olá ${name},` : "Olá,",
        "",
        `Segue em anexo ${d.kind === "invoice" ? "a fatura" : "a nota de crédito"} ${d.document_number} de ${d.property_name}${booking ? `, reserva ${booking}.` : "."}`,
        `Total: ${sp.money(d.total_amount)}.`,
      ]
    : [
        name ? `Hello ${name},` : "Hello,",
        "",
        `Please find attached ${d.kind === "invoice" ? "invoice" : "credit note"} ${d.document_number} from ${d.property_name}${booking ? ` for booking ${booking}.` : "."}`,
        `Total: ${sp.money(d.total_amount)}.`,
      ];
  if (d.credited_number) lines.push(pt ? `Retifica a fatura ${d.credited_number}.` : `It credits invoice ${d.credited_number}.`);
  if (d.kind === "invoice" && d.amount_due != null) {
    lines.push(
      d.amount_due > 0
        ? `${sp.w.amountDue}: ${sp.money(d.amount_due)}.`
        : d.amount_due < 0
          ? pt ? `A seu favor: ${sp.money(-d.amount_due)}.` : `Your account is in credit by ${sp.money(-d.amount_due)}.`
          : pt ? "Pago na totalidade. Obrigado." : "Paid in full, thank you.",
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
