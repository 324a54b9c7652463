// GET /invoices/:id — the printable invoice or credit note (HTML, styled for
// paper). Read with the caller's own rights, exactly as the GraphQL API
// would: the same bearer token, role and claims, so RLS decides who sees
// which document (staff of the property, the guest who booked).
import { createHash } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import { AuthError, identify, pgSettingsFor } from "./auth.ts";
import { sendError } from "./errors.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Line {
  description: string;
  kind: "revenue" | "tax";
  amount: number;
}

interface Document {
  kind: "invoice" | "credit_note";
  document_number: string;
  credited_number: string | null;
  reason: string | null;
  currency: string;
  lines: Line[];
  net_amount: string;
  tax_amount: string;
  total_amount: string;
  bill_to: { name: string; email: string; confirmation_code: string; arrival: string; departure: string };
  issued_at: Date;
  property_name: string;
  property_city: string | null;
  time_zone: string;
}

/** The page's only style; no scripts, images or fonts. */
const style = `
body{font:14px/1.5 system-ui,sans-serif;color:#111;max-width:760px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:0}table{width:100%;border-collapse:collapse;margin:1.5rem 0}
td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}
tfoot td{font-weight:600;border:0}.meta{display:flex;justify-content:space-between;gap:2rem}
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

function money(minor: number | string, currency: string): string {
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(Number(minor) / 10 ** digits);
}

export function renderInvoice(d: Document): string {
  const title = d.kind === "invoice" ? "Invoice" : "Credit note";
  const issued = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: d.time_zone }).format(d.issued_at);
  const rows = d.lines
    .map((l) => `<tr><td>${escapeHtml(l.description)}</td><td>${l.kind === "tax" ? "Tax" : ""}</td><td class="n">${escapeHtml(money(l.amount, d.currency))}</td></tr>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} ${escapeHtml(d.document_number)}</title>
<style>${style}</style></head><body>
<header class="meta"><div><h1>${title} ${escapeHtml(d.document_number)}</h1>
${d.credited_number ? `<p>Credits invoice ${escapeHtml(d.credited_number)}${d.reason ? `: ${escapeHtml(d.reason)}` : ""}</p>` : ""}
<p>Issued ${escapeHtml(issued)}</p></div>
<div><strong>${escapeHtml(d.property_name)}</strong><br>${escapeHtml(d.property_city)}</div></header>
<section><h2>Bill to</h2><p>${escapeHtml(d.bill_to.name)}<br>${escapeHtml(d.bill_to.email)}<br>
Booking ${escapeHtml(d.bill_to.confirmation_code)}, ${escapeHtml(d.bill_to.arrival)} to ${escapeHtml(d.bill_to.departure)}</p></section>
<table><thead><tr><th>Description</th><th></th><th class="n">Amount</th></tr></thead><tbody>${rows}</tbody>
<tfoot><tr><td>Net</td><td></td><td class="n">${escapeHtml(money(d.net_amount, d.currency))}</td></tr>
<tr><td>Taxes</td><td></td><td class="n">${escapeHtml(money(d.tax_amount, d.currency))}</td></tr>
<tr><td>Total</td><td></td><td class="n">${escapeHtml(money(d.total_amount, d.currency))}</td></tr></tfoot></table>
</body></html>`;
}

export function invoiceRouter(options: { apiPool: pg.Pool; jwtSecret: string }): Router {
  const router = express.Router();
  router.get("/:id", async (req: Request, res: Response) => {
    const send = (status: number, code: string, message: string) => sendError(res, status, code, message);
    let settings: Record<string, string>;
    try {
      settings = pgSettingsFor(identify(req.header("authorization"), options.jwtSecret), req.requestId!);
    } catch (error) {
      if (error instanceof AuthError) return send(401, error.code, error.message);
      throw error;
    }
    const id = String(req.params.id);
    if (!uuidPattern.test(id)) return send(404, "NTFND", "No such invoice, or you cannot see it.");
    const client = await options.apiPool.connect();
    try {
      await client.query("begin read only");
      for (const [key, value] of Object.entries(settings)) {
        await client.query(key === "role" ? `set local role ${client.escapeIdentifier(value)}` : "select set_config($1, $2, true)", key === "role" ? [] : [key, value]);
      }
      const { rows } = await client.query<Document>(
        `select i.kind, i.document_number, c.document_number as credited_number, i.reason, i.currency, i.lines,
                i.net_amount, i.tax_amount, i.total_amount, i.bill_to, i.issued_at,
                p.name as property_name, p.city as property_city, p.time_zone
           from app_public.invoices i
           join app_public.properties p on p.id = i.property_id
           left join app_public.invoices c on c.property_id = i.property_id and c.id = i.credits_invoice_id
          where i.id = $1`,
        [id],
      );
      await client.query("commit");
      if (!rows[0]) return send(404, "NTFND", "No such invoice, or you cannot see it.");
      res.type("html").set(invoiceHeaders).send(renderInvoice(rows[0]));
    } catch (error) {
      await client.query("rollback").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  });
  return router;
}
