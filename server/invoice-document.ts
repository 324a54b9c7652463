// An issued invoice or credit note as its printable forms (HTML, PDF) and
// its email read it: the frozen row of app_public.invoices (seller, bill-to,
// lines, VAT summary, payments, amount due) plus the property's name and
// time zone. Documents issued before the legal breakdown (issue 18) have
// lines {description, kind, amount} and no seller: every helper here reads
// both.
import { z } from "zod";

const amount = z.union([z.number(), z.string()]).transform(Number);

const line = z.object({
  key: z.string().optional(),
  type: z.string().optional(),
  kind: z.enum(["revenue", "tax"]),
  date: z.string().nullish(),
  description: z.string(),
  quantity: z.number().nullish(),
  net: amount.optional(),
  vat_rate: amount.nullish(),
  vat: amount.optional(),
  amount,
});

const party = z.looseObject({
    name: z.string().optional(),
    legal_name: z.string().optional(),
    address_line1: z.string().optional(),
    address_line2: z.string().optional(),
    postal_code: z.string().optional(),
    city: z.string().optional(),
    country_code: z.string().optional(),
    tax_id: z.string().optional(),
    vat_id: z.string().optional(),
    registration: z.string().optional(),
    invoice_footer: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    confirmation_code: z.string().optional(),
    arrival: z.string().optional(),
    departure: z.string().optional(),
    guest_name: z.string().optional(),
});

export const invoiceDocument = z.object({
  kind: z.enum(["invoice", "credit_note"]),
  document_number: z.string(),
  credited_number: z.string().nullish(),
  reason: z.string().nullish(),
  currency: z.string(),
  lines: z.array(line),
  net_amount: amount,
  tax_amount: amount,
  total_amount: amount,
  bill_to: party,
  seller: party.nullish(),
  vat_summary: z.array(z.object({ rate: amount, net: amount, vat: amount, gross: amount })).nullish(),
  payments: z.array(z.object({ date: z.string(), method: z.string().nullish(), description: z.string().nullish(), amount })).nullish(),
  amount_due: amount.nullish(),
  issued_at: z.union([z.date(), z.string()]).transform((v) => new Date(v)),
  property_name: z.string(),
  property_city: z.string().nullish(),
  time_zone: z.string(),
});
export type InvoiceDocument = z.infer<typeof invoiceDocument>;
export type InvoiceLine = InvoiceDocument["lines"][number];
export type Party = z.infer<typeof party>;

/** The SELECT that reads a document with the caller's rights (RLS decides), by id ($1). */
export const documentQuery = `
  select i.kind, i.document_number, c.document_number as credited_number, i.reason, i.currency, i.lines,
         i.net_amount, i.tax_amount, i.total_amount, i.bill_to, i.seller, i.vat_summary, i.payments, i.amount_due, i.issued_at,
         p.name as property_name, p.city as property_city, p.time_zone
    from app_public.invoices i
    join app_public.properties p on p.id = i.property_id
    left join app_public.invoices c on c.property_id = i.property_id and c.id = i.credits_invoice_id
   where i.id = $1`;

export const titleOf = (d: Pick<InvoiceDocument, "kind">) => (d.kind === "invoice" ? "Invoice" : "Credit note");

export function money(minor: number, currency: string): string {
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

export const percent = (rate: number) => `${new Intl.NumberFormat("en", { maximumFractionDigits: 3 }).format(rate)} %`;

/** A calendar date (YYYY-MM-DD) as people read it: 5 Dec 2026. */
export function day(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? date : new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(d);
}

export const issuedOn = (d: Pick<InvoiceDocument, "issued_at" | "time_zone">) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: d.time_zone }).format(d.issued_at);

const countryName = (code: string | undefined) => {
  if (!code) return undefined;
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
};

/** A party's address as printed lines: street, extra line, postal code and city, country. */
export function addressLines(p: Party | null | undefined): string[] {
  if (!p) return [];
  const cityLine = [p.postal_code, p.city].filter(Boolean).join(" ");
  return [p.address_line1, p.address_line2, cityLine || undefined, countryName(p.country_code)].filter((x): x is string => !!x);
}

/**
 * A line's description beside its Date column: a night's date is said there,
 * so "Double · Night of Thu 17 Dec 2026 (incl. 1 extra guest)" reads
 * "Double · Night (incl. 1 extra guest)".
 */
export const lineText = (l: InvoiceLine) =>
  l.type === "night" && l.date ? l.description.replace(/Night of \p{L}+ \d{1,2} \p{L}+ \d{4}/u, "Night") : l.description;

/** A line's net and VAT: documents before the breakdown have neither (revenue = net, tax lines = tax). */
export const netOf = (l: InvoiceLine) => l.net ?? (l.kind === "revenue" ? l.amount : 0);
export const vatOf = (l: InvoiceLine) => l.vat ?? 0;

/** Taxes that are not VAT (city tax), summed for the totals. */
export const otherTaxesOf = (d: InvoiceDocument) => d.lines.filter((l) => l.kind === "tax").reduce((s, l) => s + l.amount, 0);
export const vatTotalOf = (d: InvoiceDocument) => d.tax_amount - otherTaxesOf(d);

export const paidOf = (d: InvoiceDocument) => (d.payments ?? []).reduce((s, p) => s + p.amount, 0);

/** The last line of the totals: what is still due on the folio, or that it is paid or in credit. */
export function dueText(d: InvoiceDocument): { label: string; amount: number } | null {
  if (d.kind !== "invoice" || d.amount_due == null) return null;
  if (d.amount_due > 0) return { label: "Amount due", amount: d.amount_due };
  if (d.amount_due < 0) return { label: "In credit", amount: -d.amount_due };
  return { label: "Paid in full", amount: 0 };
}

export const fileNameOf = (d: Pick<InvoiceDocument, "document_number">) => `${d.document_number.replace(/[^A-Za-z0-9-]/g, "_")}.pdf`;
