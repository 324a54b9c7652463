// An issued invoice or credit note as its printable forms (HTML, PDF) and
// its email read it: the frozen row of app_public.invoices (seller, bill-to,
// lines, VAT summary, payments, amount due) plus the property's name and
// time zone. Documents issued before the legal breakdown (issue 18) have
// lines {description, kind, amount} and no seller: every helper here reads
// both.
import { z } from "zod";
import { formatMoney } from "../shared/money.ts";
import { guestLanguageOf, localeOf, type GuestLanguage } from "../shared/guest-languages.ts";

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
  /** The language the document is written in: the property's when it was issued (a guest language: en, pt, es; others read in English). */
  language: z.string().nullish(),
});
export type InvoiceDocument = z.infer<typeof invoiceDocument>;
export type InvoiceLine = InvoiceDocument["lines"][number];
export type Party = z.infer<typeof party>;

/** The SELECT that reads a document with the caller's rights (RLS decides), by id ($1). */
export const documentQuery = `
  select i.kind, i.document_number, c.document_number as credited_number, i.reason, i.currency, i.lines,
         i.net_amount, i.tax_amount, i.total_amount, i.bill_to, i.seller, i.vat_summary, i.payments, i.amount_due, i.issued_at,
         p.name as property_name, p.city as property_city, p.time_zone,
         coalesce(i.seller ->> 'language', p.language) as language
    from app_public.invoices i
    join app_public.properties p on p.id = i.property_id
    left join app_public.invoices c on c.property_id = i.property_id and c.id = i.credits_invoice_id
   where i.id = $1`;

/** What a document's words are: a label per part, and the phrases with numbers. */
export interface Words {
  invoice: string; credit_note: string; issued: string; credits: string; reason: string;
  billTo: string; billToTitle: string; stay: string; booking: string; guest: string; to: string;
  vatId: string; taxId: string;
  date: string; description: string; qty: string; net: string; vatRate: string; vat: string; amount: string;
  taxes: string; tax: string; total: string; noVat: string; noVatRate: string;
  vatSummary: string; vatSummaryTitle: string; rate: string; gross: string;
  payments: string; paymentsTitle: string; method: string; none: string; paid: string;
  amountDue: string; inCredit: string; paidInFull: string; page: (i: number, n: number) => string;
  night: string; perPersonNight: string; perNight: string; included: string;
  cancellation: string; noShow: string; earlier: string;
  discount: (percent: string, nights: string) => string;
  extraGuests: (n: string) => string;
  methods: Record<string, string>;
}

/** The words of a document, per guest language (the property's; the others read English). */
const words: Record<GuestLanguage, Words> & { en: Words } = {
  en: {
    invoice: "Invoice", credit_note: "Credit note", issued: "Issued", credits: "Credits invoice", reason: "Reason",
    billTo: "BILL TO", billToTitle: "Bill to", stay: "STAY", booking: "Booking", guest: "Guest", to: "to",
    vatId: "VAT id", taxId: "Tax id",
    date: "Date", description: "Description", qty: "Qty", net: "Net", vatRate: "VAT %", vat: "VAT", amount: "Amount",
    taxes: "Taxes", tax: "Tax", total: "Total", noVat: "no VAT", noVatRate: "No VAT",
    vatSummary: "VAT SUMMARY", vatSummaryTitle: "VAT summary", rate: "Rate", gross: "Gross",
    payments: "PAYMENTS RECEIVED", paymentsTitle: "Payments received", method: "Method", none: "None yet.", paid: "Paid",
    amountDue: "Amount due", inCredit: "In credit", paidInFull: "Paid in full", page: (i: number, n: number) => `page ${i} of ${n}`,
    night: "Night", perPersonNight: "per person per night", perNight: "per night", included: "included",
    cancellation: "Cancellation fee", noShow: "No-show fee", earlier: "Invoiced earlier",
    discount: (percent: string, nights: string) => `${percent}% off stays of ${nights} nights or more`,
    extraGuests: (n: string) => `(incl. ${n} extra guest${n === "1" ? "" : "s"})`,
    methods: {} as Record<string, string>,
  },
  pt: {
    invoice: "Fatura", credit_note: "Nota de crédito", issued: "Emitida em", credits: "Retifica a fatura", reason: "Motivo",
    billTo: "FATURAR A", billToTitle: "Faturar a", stay: "ESTADIA", booking: "Reserva", guest: "Hóspede", to: "a",
    vatId: "NIF", taxId: "NIF",
    date: "Data", description: "Descrição", qty: "Qtd", net: "Líquido", vatRate: "IVA %", vat: "IVA", amount: "Valor",
    taxes: "Impostos", tax: "Imposto", total: "Total", noVat: "não sujeito a IVA", noVatRate: "Sem IVA",
    vatSummary: "RESUMO DO IVA", vatSummaryTitle: "Resumo do IVA", rate: "Taxa", gross: "Bruto",
    payments: "PAGAMENTOS RECEBIDOS", paymentsTitle: "Pagamentos recebidos", method: "Meio", none: "Nenhum ainda.", paid: "Pago",
    amountDue: "Valor em dívida", inCredit: "A seu favor", paidInFull: "Pago na totalidade", page: (i: number, n: number) => `página ${i} de ${n}`,
    night: "Noite", perPersonNight: "por pessoa e noite", perNight: "por noite", included: "incluído",
    cancellation: "Taxa de cancelamento", noShow: "Taxa de não comparência", earlier: "Faturado anteriormente",
    discount: (percent: string, nights: string) => `${percent}% de desconto em estadias de ${nights} noites ou mais`,
    extraGuests: (n: string) => `(incl. ${n} hóspede${n === "1" ? "" : "s"} extra)`,
    methods: { Card: "Cartão", Cash: "Numerário", "Bank transfer": "Transferência bancária", Refund: "Reembolso", "City ledger": "Conta corrente", "Another folio": "Outra conta" } as Record<string, string>,
  },
  es: {
    invoice: "Factura", credit_note: "Factura rectificativa", issued: "Emitida el", credits: "Rectifica la factura", reason: "Motivo",
    billTo: "FACTURAR A", billToTitle: "Facturar a", stay: "ESTANCIA", booking: "Reserva", guest: "Huésped", to: "a",
    vatId: "NIF-IVA", taxId: "NIF",
    date: "Fecha", description: "Descripción", qty: "Cant.", net: "Base", vatRate: "IVA %", vat: "IVA", amount: "Importe",
    taxes: "Impuestos", tax: "Impuesto", total: "Total", noVat: "no sujeto a IVA", noVatRate: "Sin IVA",
    vatSummary: "RESUMEN DEL IVA", vatSummaryTitle: "Resumen del IVA", rate: "Tipo", gross: "Bruto",
    payments: "PAGOS RECIBIDOS", paymentsTitle: "Pagos recibidos", method: "Medio", none: "Ninguno todavía.", paid: "Pagado",
    amountDue: "Importe pendiente", inCredit: "A su favor", paidInFull: "Pagado por completo", page: (i: number, n: number) => `página ${i} de ${n}`,
    night: "Noche", perPersonNight: "por persona y noche", perNight: "por noche", included: "incluido",
    cancellation: "Gastos de cancelación", noShow: "Gastos por no presentarse", earlier: "Facturado anteriormente",
    discount: (percent: string, nights: string) => `${percent}% de descuento en estancias de ${nights} noches o más`,
    extraGuests: (n: string) => `(incl. ${n} huésped${n === "1" ? "" : "es"} extra)`,
    methods: { Card: "Tarjeta", Cash: "Efectivo", "Bank transfer": "Transferencia bancaria", Refund: "Reembolso", "City ledger": "Cuenta de crédito", "Another folio": "Otra cuenta" } as Record<string, string>,
  },
};

/** How a document speaks: its words, and numbers, dates and countries in its language. */
export interface Speech {
  language: GuestLanguage;
  w: Words;
  money(minor: number): string;
  percent(rate: number): string;
  day(date: string): string;
  issued: string;
  country(code: string | undefined): string | undefined;
}

export function speechOf(d: InvoiceDocument): Speech {
  const language = guestLanguageOf(d.language);
  const locale = localeOf(language);
  const percentFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
  const dayFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  return {
    language,
    w: words[language],
    money: (minor) => formatMoney(minor, d.currency, language === "en" ? "en" : locale),
    percent: (rate) => `${percentFormat.format(rate)} %`,
    day: (date) => {
      const t = new Date(`${date}T12:00:00Z`);
      return Number.isNaN(t.getTime()) ? date : dayFormat.format(t);
    },
    issued: new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: d.time_zone }).format(d.issued_at),
    country: (code) => {
      if (!code) return undefined;
      try {
        return new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

export const titleOf = (d: Pick<InvoiceDocument, "kind" | "language">) => words[guestLanguageOf(d.language)][d.kind];

/** Every language's document words (for the check that each has every word). */
export const invoiceWords = words;

/** English-only helpers kept for callers outside a document (the email's subject uses speechOf). */
export function money(minor: number, currency: string): string {
  return formatMoney(minor, currency, "en");
}

/** A party's address as printed lines: street, extra line, postal code and city, country. */
export function addressLines(p: Party | null | undefined, s: Speech): string[] {
  if (!p) return [];
  const cityLine = [p.postal_code, p.city].filter(Boolean).join(" ");
  return [p.address_line1, p.address_line2, cityLine || undefined, s.country(p.country_code)].filter((x): x is string => !!x);
}

/**
 * A line's description as the document prints it. Beside its Date column a
 * night's date is said there, so "Double · Night of Thu 17 Dec 2026 (incl. 1
 * extra guest)" reads "Double · Night (incl. 1 extra guest)"; the words
 * Keepr wrote (night, discount, city tax basis, cancellation) are put in the
 * document's language; names staff gave (room types, fees, taxes, extras)
 * print as they are.
 */
export function lineText(l: InvoiceLine, s: Speech): string {
  const w = s.w;
  let text = l.description;
  if (l.type === "night") {
    text = text.replace(/Night of \p{L}+ \d{1,2} \p{L}+ \d{4}/u, l.date ? w.night : `${w.night} ${l.date ?? ""}`.trim());
    text = text.replace(/\(incl\. (\d+) extra guests?\)/, (_m, n: string) => w.extraGuests(n));
  } else if (l.type === "discount") {
    text = text.replace(/^([\d.]+)% off stays of (\d+) nights or more$/, (_m, p: string, n: string) => w.discount(p, n));
  } else if (l.type === "city_tax") {
    text = text.replace(/\(per person per night(, included)?\)$/, (_m, inc?: string) => `(${w.perPersonNight}${inc ? `, ${w.included}` : ""})`)
      .replace(/\(per night(, included)?\)$/, (_m, inc?: string) => `(${w.perNight}${inc ? `, ${w.included}` : ""})`);
  } else if (l.type === "cancellation") {
    text = text === "No-show fee" ? w.noShow : text === "Cancellation fee" ? w.cancellation : text;
  } else if (l.type === "adjustment" && text === "Invoiced earlier") {
    text = w.earlier;
  }
  return text;
}

export const methodText = (method: string | null | undefined, s: Speech) =>
  (method ?? "").split(", ").map((m) => s.w.methods[m] ?? m).join(", ");

/** A line's net and VAT: documents before the breakdown have neither (revenue = net, tax lines = tax). */
export const netOf = (l: InvoiceLine) => l.net ?? (l.kind === "revenue" ? l.amount : 0);
export const vatOf = (l: InvoiceLine) => l.vat ?? 0;

/** Taxes that are not VAT (city tax), summed for the totals. */
export const otherTaxesOf = (d: InvoiceDocument) => d.lines.filter((l) => l.kind === "tax").reduce((s, l) => s + l.amount, 0);
export const vatTotalOf = (d: InvoiceDocument) => d.tax_amount - otherTaxesOf(d);

export const paidOf = (d: InvoiceDocument) => (d.payments ?? []).reduce((s, p) => s + p.amount, 0);

/** The last line of the totals: what is still due on the folio, or that it is paid or in credit. */
export function dueText(d: InvoiceDocument, s: Speech): { label: string; amount: number } | null {
  if (d.kind !== "invoice" || d.amount_due == null) return null;
  if (d.amount_due > 0) return { label: s.w.amountDue, amount: d.amount_due };
  if (d.amount_due < 0) return { label: s.w.inCredit, amount: -d.amount_due };
  return { label: s.w.paidInFull, amount: 0 };
}

export const fileNameOf = (d: Pick<InvoiceDocument, "document_number">) => `${d.document_number.replace(/[^A-Za-z0-9-]/g, "_")}.pdf`;
