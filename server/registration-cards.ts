// GET /registration-cards/:reservationId.pdf — the guest's registration
// card to print and sign at check-in: the property, the stay, the guest's
// identity document as the desk recorded it (recordRegistrationCard), a
// declaration and the signature and date lines. Read with the caller's own
// rights, as the GraphQL API would (server/caller-documents.ts):
// row security lets the property's front office read a card, and anyone else
// (housekeeping, an accountant, another property, a guest) gets 404, as for
// a reservation without a card. Made with pdfkit, set up as invoices are
// (invoices/pdf.ts startPdf: A4, DejaVu Sans when the system has it).
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { startPdf } from "../invoices/pdf.ts";
import { readAsCaller, sendPdf, type CallerDocumentOptions } from "./caller-documents.ts";

/** The card with its stay and property, read as the caller (RLS decides). */
const cardQuery = `
  select c.full_name, c.document_type::text, c.document_number, c.issuing_country, c.nationality,
         c.date_of_birth::text, c.issued_on::text, c.expires_on::text, c.address, c.updated_at,
         r.confirmation_code, lower(r.stay)::text as arrival, upper(r.stay)::text as departure, r.adults, r.children,
         u.name as unit_name, rt.name as room_type_name,
         p.name as property_name, p.address as property_address, p.city as property_city, p.country_code as property_country,
         p.time_zone, coalesce(ru.display_name, '') as recorded_by
    from app_public.registration_cards c
    join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
    join app_public.properties p on p.id = c.property_id
    left join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
    left join app_public.room_types rt on rt.property_id = r.property_id and rt.id = r.room_type_id
    left join app_public.users ru on ru.id = c.recorded_by
   where c.reservation_id = $1`;

const cardRow = z.object({
  full_name: z.string(),
  document_type: z.enum(["passport", "national_id", "driving_licence", "residence_permit", "other"]),
  document_number: z.string(),
  issuing_country: z.string().length(2),
  nationality: z.string().length(2),
  date_of_birth: z.string(),
  issued_on: z.string(),
  expires_on: z.string().nullable(),
  address: z.string().nullable(),
  updated_at: z.date(),
  confirmation_code: z.string().nullable(),
  arrival: z.string(),
  departure: z.string(),
  adults: z.number(),
  children: z.number(),
  unit_name: z.string().nullable(),
  room_type_name: z.string().nullable(),
  property_name: z.string(),
  property_address: z.string().nullable(),
  property_city: z.string().nullable(),
  property_country: z.string(),
  time_zone: z.string(),
  recorded_by: z.string(),
});
export type RegistrationCard = z.infer<typeof cardRow>;

const documentTypes: Record<RegistrationCard["document_type"], string> = {
  passport: "Passport",
  national_id: "National identity card",
  driving_licence: "Driving licence",
  residence_permit: "Residence permit",
  other: "Other document",
};

const regions = new Intl.DisplayNames(["en"], { type: "region" });
/** "Portugal (PT)": the country's English name and its code. */
export const countryName = (code: string) => `${regions.of(code) ?? code} (${code})`;

/** 2026-12-06 → "6 December 2026" (a date as people read it, no time zone involved). */
const day = (iso: string) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));

export function renderRegistrationCardPdf(card: RegistrationCard): Promise<Buffer> {
  const margin = 56;
  const { doc, done } = startPdf({
    margins: { top: margin, bottom: margin, left: margin, right: margin },
    info: {
      Title: `Registration card ${card.confirmation_code ?? ""}`.trim(),
      Author: card.property_name,
      Subject: `Registration card — ${card.property_name}`,
      CreationDate: card.updated_at,
    },
    lang: "en",
  });
  const width = doc.page.width - 2 * margin;
  const ink = "#111111";
  const muted = "#555555";

  doc.font("bold").fontSize(16).fillColor(ink).text(card.property_name, { width });
  const place = [card.property_address, card.property_city, regions.of(card.property_country)].filter(Boolean).join(", ");
  if (place) doc.font("regular").fontSize(10).fillColor(muted).text(place, { width });
  doc.moveDown(1);
  doc.font("bold").fontSize(20).fillColor(ink).text("Registration card", { width });
  doc.moveDown(0.8);

  const section = (title: string, rows: Array<[string, string]>) => {
    doc.font("bold").fontSize(9).fillColor(muted).text(title.toUpperCase(), { width, characterSpacing: 0.5 });
    doc.moveDown(0.3);
    for (const [label, value] of rows) {
      const y = doc.y;
      doc.font("regular").fontSize(11).fillColor(muted).text(label, margin, y, { width: 160 });
      const labelBottom = doc.y;
      doc.font("bold").fontSize(11).fillColor(ink).text(value, margin + 170, y, { width: width - 170 });
      doc.y = Math.max(doc.y, labelBottom) + 4;
    }
    doc.moveDown(0.8);
  };

  const guests = `${card.adults} adult${card.adults === 1 ? "" : "s"}${card.children > 0 ? `, ${card.children} child${card.children === 1 ? "" : "ren"}` : ""}`;
  section("Stay", [
    ["Booking", card.confirmation_code ?? "—"],
    ["Arrival", day(card.arrival)],
    ["Departure", day(card.departure)],
    ["Room", [card.unit_name, card.room_type_name].filter(Boolean).join(" · ") || "—"],
    ["Guests", guests],
  ]);
  section("Guest", [
    ["Full name", card.full_name],
    ["Date of birth", day(card.date_of_birth)],
    ["Nationality", countryName(card.nationality)],
    ...(card.address ? [["Home address", card.address] as [string, string]] : []),
  ]);
  section("Identity document", [
    ["Type", documentTypes[card.document_type]],
    ["Number", card.document_number],
    ["Issued by", countryName(card.issuing_country)],
    ["Issued on", day(card.issued_on)],
    ["Expires on", card.expires_on ? day(card.expires_on) : "Does not expire"],
  ]);

  doc.font("regular").fontSize(10).fillColor(ink).text(
    "I confirm that the details above are correct. The property keeps them for the period the law requires and shows them only to its front office.",
    margin, doc.y, { width },
  );
  doc.moveDown(3);
  const lineY = doc.y;
  const half = (width - 40) / 2;
  doc.moveTo(margin, lineY).lineTo(margin + half, lineY).lineWidth(0.8).strokeColor(ink).stroke();
  doc.moveTo(margin + half + 40, lineY).lineTo(margin + width, lineY).stroke();
  doc.font("regular").fontSize(9).fillColor(muted).text("Guest's signature", margin, lineY + 4, { width: half });
  doc.text("Date", margin + half + 40, lineY + 4, { width: half });
  doc.moveDown(2);
  const recorded = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: card.time_zone }).format(card.updated_at);
  doc.font("regular").fontSize(8).fillColor(muted).text(`Recorded${card.recorded_by ? ` by ${card.recorded_by}` : ""} on ${recorded} (${card.time_zone}).`, margin, doc.y, { width });
  doc.end();
  return done;
}

export function registrationCardRouter(options: CallerDocumentOptions): Router {
  const router = express.Router();
  router.get("/:id", async (req: Request, res: Response) => {
    const raw = String(req.params.id);
    const id = raw.endsWith(".pdf") ? raw.slice(0, -4) : "";
    const row = await readAsCaller(req, res, options, id, "No registration card for this reservation, or you cannot see it.",
      async (client, uuid) => (await client.query(cardQuery, [uuid])).rows[0] as unknown);
    if (row === undefined) return;
    const card = cardRow.parse(row);
    sendPdf(res, await renderRegistrationCardPdf(card), `registration-card-${card.confirmation_code ?? id}.pdf`);
  });
  return router;
}
