// The PDF of an issued invoice or credit note, made with pdfkit (see
// docs/dependencies.md for why): A4, the seller's legal details and the
// bill-to at the top, one line per night with its VAT rate and amount, the
// totals, the VAT summary per rate, the payments received and the amount
// still due, the seller's footer (bank details) and page numbers at the
// foot of every page. Text is set in DejaVu Sans when the system has it
// (any script a guest's name is written in), else in Helvetica (Latin-1).
import { existsSync } from "node:fs";
import PDFDocument from "pdfkit";
import {
  addressLines, dueText, lineText, methodText, netOf, otherTaxesOf, paidOf, speechOf, titleOf, vatOf, vatTotalOf,
  type InvoiceDocument, type InvoiceLine,
} from "./document.ts";

const fontDirs = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu"];

/** Regular and bold font files with wide Unicode coverage, or pdfkit's built-in Helvetica. */
function fonts(): { regular: string; bold: string } {
  for (const dir of fontDirs) {
    const regular = `${dir}/DejaVuSans.ttf`;
    const bold = `${dir}/DejaVuSans-Bold.ttf`;
    if (existsSync(regular) && existsSync(bold)) return { regular, bold };
  }
  return { regular: "Helvetica", bold: "Helvetica-Bold" };
}

/**
 * A new A4 PDF 1.7 of Keepr's (Creator "Keepr", the title shown in the
 * viewer's title bar) with the fonts "regular" and "bold" registered, and
 * done: the whole file once the caller has called doc.end().
 */
export function startPdf(options: {
  margins: { top: number; bottom: number; left: number; right: number };
  info: { Title: string; Author: string; Subject: string; CreationDate: Date };
  lang: string;
  bufferPages?: boolean;
}): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const f = fonts();
  const doc = new PDFDocument({
    size: "A4",
    margins: options.margins,
    bufferPages: options.bufferPages ?? false,
    info: { ...options.info, Creator: "Keepr", Producer: "Keepr (pdfkit)" },
    pdfVersion: "1.7",
    lang: options.lang,
    displayTitle: true,
  });
  doc.registerFont("regular", f.regular);
  doc.registerFont("bold", f.bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  return { doc, done };
}

const A4 = { width: 595.28, height: 841.89 };
const margin = 48;
const footerHeight = 54;
const ink = "#111111";
const muted = "#555555";
const rule = "#cccccc";

interface Column {
  title: string;
  width: number;
  align: "left" | "right";
  text: (l: InvoiceLine) => string;
}

export function renderInvoicePdf(d: InvoiceDocument): Promise<Buffer> {
  const sp = speechOf(d);
  const w = sp.w;
  const { doc, done } = startPdf({
    margins: { top: margin, bottom: margin + footerHeight, left: margin, right: margin },
    bufferPages: true,
    info: {
      Title: `${titleOf(d)} ${d.document_number}`,
      Author: d.seller?.legal_name ?? d.property_name,
      Subject: `${titleOf(d)} ${d.document_number} — ${d.property_name}`,
      CreationDate: d.issued_at,
    },
    lang: sp.language,
  });

  const width = A4.width - 2 * margin;
  const cur = (minor: number) => sp.money(minor);
  const bottom = () => A4.height - margin - footerHeight;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  // Seller (left) and the document's title, number and date (right).
  const top = doc.y;
  const seller = d.seller;
  doc.font("bold").fontSize(12).fillColor(ink).text(seller?.legal_name ?? d.property_name, margin, top, { width: width * 0.55 });
  doc.font("regular").fontSize(9).fillColor(muted);
  const sellerLines = [
    ...(seller?.legal_name && seller.legal_name !== d.property_name ? [d.property_name] : []),
    ...(seller ? addressLines(seller, sp) : d.property_city ? [d.property_city] : []),
    ...(seller?.vat_id ? [`${w.vatId} ${seller.vat_id}`] : []),
    ...(seller?.registration ? [seller.registration] : []),
    ...[seller?.email, seller?.phone].filter((x): x is string => !!x),
  ];
  for (const text of sellerLines) doc.text(text, { width: width * 0.55 });
  const leftBottom = doc.y;

  const rightX = margin + width * 0.58;
  const rightWidth = width * 0.42;
  doc.font("bold").fontSize(18).fillColor(ink).text(`${titleOf(d)}`, rightX, top, { width: rightWidth, align: "right" });
  doc.font("bold").fontSize(11).text(d.document_number, { width: rightWidth, align: "right" });
  doc.font("regular").fontSize(9).fillColor(muted).text(`${w.issued} ${sp.issued}`, { width: rightWidth, align: "right" });
  if (d.credited_number) {
    doc.text(`${w.credits} ${d.credited_number}`, { width: rightWidth, align: "right" });
    if (d.reason) doc.text(`${w.reason}: ${d.reason}`, { width: rightWidth, align: "right" });
  }
  doc.y = Math.max(leftBottom, doc.y) + 18;

  // Bill to (left) and the stay (right).
  const blockTop = doc.y;
  const b = d.bill_to;
  doc.font("bold").fontSize(8).fillColor(muted).text(w.billTo, margin, blockTop, { width: width * 0.55, characterSpacing: 0.5 });
  doc.font("bold").fontSize(10).fillColor(ink).text(b.name ?? "", { width: width * 0.55 });
  doc.font("regular").fontSize(9);
  for (const text of addressLines(b, sp)) doc.text(text, { width: width * 0.55 });
  if (b.tax_id) doc.text(`${w.taxId} ${b.tax_id}`, { width: width * 0.55 });
  if (b.email) doc.fillColor(muted).text(b.email, { width: width * 0.55 });
  const billBottom = doc.y;
  if (b.confirmation_code) {
    doc.font("bold").fontSize(8).fillColor(muted).text(w.stay, rightX, blockTop, { width: rightWidth, align: "right", characterSpacing: 0.5 });
    doc.font("regular").fontSize(9).fillColor(ink).text(`${w.booking} ${b.confirmation_code}`, { width: rightWidth, align: "right" });
    if (b.arrival && b.departure) doc.text(`${sp.day(b.arrival)} – ${sp.day(b.departure)}`, { width: rightWidth, align: "right" });
    if (b.guest_name && b.guest_name !== b.name) doc.text(`${w.guest} ${b.guest_name}`, { width: rightWidth, align: "right" });
  }
  doc.y = Math.max(billBottom, doc.y) + 18;

  // Lines.
  const breakdown = d.lines.some((l) => l.net !== undefined);
  const columns: Column[] = breakdown
    ? [
        { title: w.date, width: 70, align: "left", text: (l) => (l.date ? sp.day(l.date) : "") },
        { title: w.description, width: width - 70 - 26 - 62 - 40 - 58 - 66, align: "left", text: (l) => lineText(l, sp) },
        { title: w.qty, width: 26, align: "right", text: (l) => (l.quantity != null ? String(l.quantity) : "") },
        { title: w.net, width: 62, align: "right", text: (l) => (l.kind === "tax" ? "" : cur(netOf(l))) },
        { title: w.vatRate, width: 40, align: "right", text: (l) => (l.kind === "tax" ? "—" : sp.percent(l.vat_rate ?? 0)) },
        { title: w.vat, width: 58, align: "right", text: (l) => (l.kind === "tax" ? "" : cur(vatOf(l))) },
        { title: w.amount, width: 66, align: "right", text: (l) => cur(l.amount) },
      ]
    : [
        { title: w.description, width: width - 150, align: "left", text: (l) => l.description },
        { title: "", width: 60, align: "left", text: (l) => (l.kind === "tax" ? w.tax : "") },
        { title: w.amount, width: 90, align: "right", text: (l) => cur(l.amount) },
      ];
  const pad = 4;
  const header = () => {
    ensure(40);
    let x = margin;
    const y = doc.y;
    doc.font("bold").fontSize(8).fillColor(muted);
    for (const c of columns) {
      doc.text(c.title, x + pad, y, { width: c.width - 2 * pad, align: c.align, lineBreak: false });
      x += c.width;
    }
    doc.y = y + 13;
    doc.moveTo(margin, doc.y).lineTo(margin + width, doc.y).lineWidth(0.75).strokeColor(ink).stroke();
    doc.y += 4;
  };
  header();
  for (const l of d.lines) {
    doc.font("regular").fontSize(9);
    const heights = columns.map((c) => doc.heightOfString(c.text(l) || " ", { width: c.width - 2 * pad }));
    const h = Math.max(...heights) + 6;
    if (doc.y + h > bottom()) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    let x = margin;
    doc.font("regular").fontSize(9).fillColor(ink);
    for (const c of columns) {
      doc.text(c.text(l), x + pad, y + 3, { width: c.width - 2 * pad, align: c.align });
      x += c.width;
    }
    doc.y = y + h;
    doc.moveTo(margin, doc.y).lineTo(margin + width, doc.y).lineWidth(0.5).strokeColor(rule).stroke();
  }
  doc.y += 10;

  // Totals.
  const totalsX = margin + width - 320;
  const totalRow = (label: string, value: string, strong = false) => {
    ensure(28);
    const y = doc.y;
    doc.font(strong ? "bold" : "regular").fontSize(strong ? 10.5 : 9).fillColor(ink);
    const labelHeight = doc.heightOfString(label, { width: 230 });
    doc.text(label, totalsX, y, { width: 230 });
    doc.text(value, totalsX + 230, y, { width: 90, align: "right" });
    doc.y = y + Math.max(labelHeight + 2, strong ? 15 : 13);
  };
  totalRow(w.net, cur(d.net_amount));
  if (breakdown) {
    for (const v of d.vat_summary ?? []) if (v.vat !== 0) totalRow(`${w.vat} ${sp.percent(v.rate)}`, cur(v.vat));
    for (const l of d.lines.filter((x) => x.kind === "tax")) totalRow(`${lineText(l, sp)}, ${w.noVat}`, cur(l.amount));
    if ((d.vat_summary ?? []).every((v) => v.vat === 0) && vatTotalOf(d) === 0 && otherTaxesOf(d) === 0) totalRow(w.vat, cur(0));
  } else {
    totalRow(w.taxes, cur(d.tax_amount));
  }
  doc.moveTo(totalsX, doc.y + 2).lineTo(margin + width, doc.y + 2).lineWidth(0.75).strokeColor(ink).stroke();
  doc.y += 6;
  totalRow(w.total, cur(d.total_amount), true);

  // VAT summary per rate.
  if (breakdown && (d.vat_summary ?? []).length > 0) {
    doc.y += 12;
    ensure(30 + 13 * (d.vat_summary ?? []).length);
    doc.font("bold").fontSize(8).fillColor(muted).text(w.vatSummary, margin, doc.y, { characterSpacing: 0.5 });
    doc.y += 3;
    const vcols = [
      { t: w.rate, w: 70 }, { t: w.net, w: 90 }, { t: w.vat, w: 90 }, { t: w.gross, w: 90 },
    ];
    const row = (cells: string[], bold = false) => {
      const y = doc.y;
      let x = margin;
      doc.font(bold ? "bold" : "regular").fontSize(9).fillColor(bold ? muted : ink);
      cells.forEach((cell, i) => {
        doc.text(cell, x + pad, y, { width: vcols[i]!.w - 2 * pad, align: i === 0 ? "left" : "right", lineBreak: false });
        x += vcols[i]!.w;
      });
      doc.y = y + 13;
    };
    row(vcols.map((c) => c.t), true);
    for (const v of d.vat_summary ?? []) row([v.rate === 0 ? w.noVatRate : sp.percent(v.rate), cur(v.net), cur(v.vat), cur(v.gross)]);
  }

  // Payments received and the amount due.
  if (d.kind === "invoice" && d.payments) {
    doc.y += 12;
    ensure(30 + 13 * Math.max(d.payments.length, 1));
    doc.font("bold").fontSize(8).fillColor(muted).text(w.payments, margin, doc.y, { characterSpacing: 0.5 });
    doc.y += 3;
    if (d.payments.length === 0) {
      doc.font("regular").fontSize(9).fillColor(ink).text(w.none, margin + pad, doc.y);
    }
    for (const p of d.payments) {
      ensure(14);
      const y = doc.y;
      doc.font("regular").fontSize(9).fillColor(ink);
      doc.text(sp.day(p.date), margin + pad, y, { width: 66, lineBreak: false });
      doc.text(methodText(p.method, sp), margin + 74, y, { width: 90, lineBreak: false });
      doc.text(p.description ?? "", margin + 168, y, { width: width - 168 - 100, lineBreak: false, ellipsis: true });
      doc.text(cur(p.amount), margin + width - 100, y, { width: 100 - pad, align: "right", lineBreak: false });
      doc.y = y + 13;
    }
    const due = dueText(d, sp);
    if (due) {
      doc.y += 4;
      totalRow(w.paid, cur(paidOf(d)));
      totalRow(due.label, cur(due.amount), true);
    }
  }

  // Footer and page numbers on every page.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = A4.height - margin - footerHeight + 14;
    doc.moveTo(margin, y - 6).lineTo(margin + width, y - 6).lineWidth(0.5).strokeColor(rule).stroke();
    doc.font("regular").fontSize(7.5).fillColor(muted);
    const footer = [seller?.invoice_footer, [seller?.legal_name ?? d.property_name, seller?.vat_id ? `${w.vatId} ${seller.vat_id}` : null].filter(Boolean).join(" · ")]
      .filter((x): x is string => !!x)
      .join("\n");
    // Text set inside the bottom margin must not start a new page.
    const savedBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.text(footer, margin, y, { width: width - 80, height: footerHeight - 14 });
    doc.text(`${d.document_number} · ${w.page(i - range.start + 1, range.count)}`, margin + width - 140, y, { width: 140, align: "right", lineBreak: false });
    doc.page.margins.bottom = savedBottom;
  }
  doc.end();
  return done;
}
