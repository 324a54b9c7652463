// GET /invoices/:id — the printable invoice or credit note (HTML, styled for
// paper) — and GET /invoices/:id.pdf, the same document as a PDF
// (invoices/pdf.ts). Read with the caller's own rights, exactly as
// the GraphQL API would (server/caller-documents.ts), so RLS decides who
// sees which document (staff of the property, the guest who booked);
// anyone else gets 404.
import { createHash } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import { readAsCaller, sendPdf, type CallerDocumentOptions } from "./caller-documents.ts";
import {
  addressLines, documentQuery, dueText, fileNameOf, invoiceDocument, lineText, methodText, netOf, paidOf, speechOf, titleOf, vatOf,
  type InvoiceDocument,
} from "../invoices/document.ts";
import { renderInvoicePdf } from "../invoices/pdf.ts";

/** The page's only style; no scripts, images or fonts. */
const style = `
body{font:14px/1.5 system-ui,sans-serif;color:#111;max-width:760px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:0}table{width:100%;border-collapse:collapse;margin:1.5rem 0}
td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{border:0}tfoot tr.total td{font-weight:600;border-top:2px solid #111}.meta{display:flex;justify-content:space-between;gap:2rem}
.muted{color:#555}.r{text-align:right}h2{font-size:.8rem;letter-spacing:.05em;text-transform:uppercase;color:#555;margin:1.5rem 0 .25rem}
footer{margin-top:2rem;border-top:1px solid #ddd;padding-top:.5rem;font-size:12px;color:#555;white-space:pre-line}
@media (max-width:600px){body{margin:1rem auto;font-size:13px}.meta{display:block}.meta .r{text-align:left}h1{font-size:1.3rem}td,th{padding:.3rem .2rem}}
@media print{body{margin:0}}
`;

/**
 * The invoice page's headers: a policy that allows its one style (by hash)
 * and nothing else, framed by no one (the console shows the HTML it fetched
 * in a frame of its own, under its own policy), never cached, no referrer.
 */
export const invoiceHeaders: Record<string, string> = {
  "cache-control": "private, no-store",
  "content-security-policy": [
    "default-src 'none'",
    `style-src 'sha256-${createHash("sha256").update(style).digest("base64")}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const lines = (items: string[]) => items.map(escapeHtml).join("<br>");

export function renderInvoice(d: InvoiceDocument): string {
  const sp = speechOf(d);
  const w = sp.w;
  const title = escapeHtml(titleOf(d));
  const cur = (minor: number) => escapeHtml(sp.money(minor));
  const seller = d.seller;
  const b = d.bill_to;
  const breakdown = d.lines.some((l) => l.net !== undefined);
  const th = (text: string, n = false) => `<th${n ? ' class="n"' : ""}>${escapeHtml(text)}</th>`;
  const head = breakdown
    ? `<tr>${th(w.date)}${th(w.description)}${th(w.qty, true)}${th(w.net, true)}${th(w.vatRate, true)}${th(w.vat, true)}${th(w.amount, true)}</tr>`
    : `<tr>${th(w.description)}<th></th>${th(w.amount, true)}</tr>`;
  const cols = breakdown ? 7 : 3;
  const rows = d.lines
    .map((l) =>
      breakdown
        ? `<tr><td>${l.date ? escapeHtml(sp.day(l.date)) : ""}</td><td>${escapeHtml(lineText(l, sp))}</td><td class="n">${l.quantity ?? ""}</td>` +
          `<td class="n">${l.kind === "tax" ? "" : cur(netOf(l))}</td><td class="n">${l.kind === "tax" ? "—" : escapeHtml(sp.percent(l.vat_rate ?? 0))}</td>` +
          `<td class="n">${l.kind === "tax" ? "" : cur(vatOf(l))}</td><td class="n">${cur(l.amount)}</td></tr>`
        : `<tr><td>${escapeHtml(l.description)}</td><td>${l.kind === "tax" ? escapeHtml(w.tax) : ""}</td><td class="n">${cur(l.amount)}</td></tr>`,
    )
    .join("");
  const total = (label: string, value: string, cls = "") =>
    `<tr${cls ? ` class="${cls}"` : ""}><td colspan="${cols - 1}" class="r">${escapeHtml(label)}</td><td class="n">${value}</td></tr>`;
  const taxRows = breakdown
    ? [
        ...(d.vat_summary ?? []).filter((v) => v.vat !== 0).map((v) => total(`${w.vat} ${sp.percent(v.rate)}`, cur(v.vat))),
        ...d.lines.filter((l) => l.kind === "tax").map((l) => total(`${lineText(l, sp)}, ${w.noVat}`, cur(l.amount))),
      ].join("")
    : total(w.taxes, cur(d.tax_amount));
  const vatSummary = breakdown && (d.vat_summary ?? []).length > 0
    ? `<h2>${escapeHtml(w.vatSummaryTitle)}</h2><table><thead><tr>${th(w.rate)}${th(w.net, true)}${th(w.vat, true)}${th(w.gross, true)}</tr></thead><tbody>${(d.vat_summary ?? [])
        .map((v) => `<tr><td>${escapeHtml(v.rate === 0 ? w.noVatRate : sp.percent(v.rate))}</td><td class="n">${cur(v.net)}</td><td class="n">${cur(v.vat)}</td><td class="n">${cur(v.gross)}</td></tr>`)
        .join("")}</tbody></table>`
    : "";
  const due = dueText(d, sp);
  const payments = d.kind === "invoice" && d.payments
    ? `<h2>${escapeHtml(w.paymentsTitle)}</h2>${d.payments.length === 0 ? `<p>${escapeHtml(w.none)}</p>` : `<table><thead><tr>${th(w.date)}${th(w.method)}<th></th>${th(w.amount, true)}</tr></thead><tbody>${d.payments
        .map((p) => `<tr><td>${escapeHtml(sp.day(p.date))}</td><td>${escapeHtml(methodText(p.method, sp))}</td><td>${escapeHtml(p.description)}</td><td class="n">${cur(p.amount)}</td></tr>`)
        .join("")}</tbody></table>`}${due ? `<table><tfoot><tr><td class="r">${escapeHtml(w.paid)}</td><td class="n">${cur(paidOf(d))}</td></tr><tr class="total"><td class="r">${escapeHtml(due.label)}</td><td class="n">${cur(due.amount)}</td></tr></tfoot></table>` : ""}`
    : "";
  const sellerLines = seller
    ? [...(seller.legal_name && seller.legal_name !== d.property_name ? [d.property_name] : []), ...addressLines(seller, sp),
       ...(seller.vat_id ? [`${w.vatId} ${seller.vat_id}`] : []), ...(seller.registration ? [seller.registration] : []),
       ...[seller.email, seller.phone].filter((x): x is string => !!x)]
    : [d.property_city ?? ""];
  const billLines = [...addressLines(b, sp), ...(b.tax_id ? [`${w.taxId} ${b.tax_id}`] : []), ...(b.email ? [b.email] : [])];
  const stay = b.confirmation_code
    ? `<p class="muted">${escapeHtml(w.booking)} ${escapeHtml(b.confirmation_code)}${b.arrival && b.departure ? `, ${escapeHtml(sp.day(b.arrival))} ${escapeHtml(w.to)} ${escapeHtml(sp.day(b.departure))}` : ""}${b.guest_name && b.guest_name !== b.name ? ` · ${escapeHtml(w.guest)} ${escapeHtml(b.guest_name)}` : ""}</p>`
    : "";
  return `<!doctype html>
<html lang="${sp.language}"><head><meta charset="utf-8"><title>${title} ${escapeHtml(d.document_number)}</title>
<style>${style}</style></head><body>
<header class="meta"><div><strong>${escapeHtml(seller?.legal_name ?? d.property_name)}</strong><br>${lines(sellerLines)}</div>
<div class="r"><h1>${title} ${escapeHtml(d.document_number)}</h1>
${d.credited_number ? `<p>${escapeHtml(w.credits)} ${escapeHtml(d.credited_number)}${d.reason ? `: ${escapeHtml(d.reason)}` : ""}</p>` : ""}
<p>${escapeHtml(w.issued)} ${escapeHtml(sp.issued)}</p></div></header>
<section><h2>${escapeHtml(w.billToTitle)}</h2><p><strong>${escapeHtml(b.name)}</strong>${billLines.length ? `<br>${lines(billLines)}` : ""}</p>${stay}</section>
<table><thead>${head}</thead><tbody>${rows}</tbody>
<tfoot>${total(w.net, cur(d.net_amount))}${taxRows}${total(w.total, cur(d.total_amount), "total")}</tfoot></table>
${vatSummary}${payments}
${seller?.invoice_footer ? `<footer>${escapeHtml(seller.invoice_footer)}</footer>` : ""}
</body></html>`;
}

export function invoiceRouter(options: CallerDocumentOptions): Router {
  const router = express.Router();
  router.get("/:id", async (req: Request, res: Response) => {
    const raw = String(req.params.id);
    const pdf = raw.endsWith(".pdf");
    const row = await readAsCaller(req, res, options, pdf ? raw.slice(0, -4) : raw, "No such invoice, or you cannot see it.",
      async (client, id) => (await client.query(documentQuery, [id])).rows[0] as unknown);
    if (row === undefined) return;
    const document = invoiceDocument.parse(row);
    if (pdf) sendPdf(res, await renderInvoicePdf(document), fileNameOf(document), req.query.download !== undefined ? "attachment" : "inline");
    else res.type("html").set(invoiceHeaders).send(renderInvoice(document));
  });
  return router;
}
