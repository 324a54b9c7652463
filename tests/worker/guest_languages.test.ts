// Every guest language (shared/guest-languages.ts) in the guest messages: each
// language has every email and SMS English has, every word of the plural and
// terms helpers and of the stay's .ics, with the same Handlebars fields as
// English; a missing one fails here (the worker would say it in English).
// Spanish rendered (plurals, dates, money, terms, refund), a language Keepr
// does not speak (de) wholly English, and a real Spanish booking delivered by
// the worker: its email, SMS and .ics in Spanish.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { guestLanguageCodes } from "../../shared/guest-languages.ts";
import { messageWords, render, type NotificationContext } from "../../worker/notifications/render.ts";
import { builtInTemplates, kinds } from "../../worker/notifications/templates.ts";
import { stayCalendarWords } from "../../channels/stay-calendar.ts";
import { invoiceDocument, invoiceWords, lineText, speechOf } from "../../invoices/document.ts";
import { invoiceEmail, invoiceEmailWords } from "../../worker/tasks/send_invoice.ts";
import { actAs, fileDatabase, inCommit } from "../helpers/db.ts";
import { newOutbox, runDueJobs } from "../helpers/jobs.ts";
import { addDays, createHotel, hold, localDate, newKey, quote } from "../helpers/booking.ts";
import { calendarPartOf, parseStay } from "../helpers/ics.ts";

/** The Handlebars expressions of a template, sorted: "{{money total}}", "{{#if refund}}", … */
const fieldsOf = (source: string) => [...new Set(source.match(/\{\{[^}]*\}\}/g) ?? [])].sort();

describe.each(guestLanguageCodes.filter((l) => l !== "en"))("%s", (language) => {
  const own = builtInTemplates[language];
  const en = builtInTemplates.en;

  it("has every email and SMS English has, with the same fields", () => {
    const missing: string[] = [];
    const differ: string[] = [];
    for (const kind of kinds) {
      const mine = own.email[kind];
      if (!mine) missing.push(`email ${kind}`);
      else for (const part of ["subject", "text", "html"] as const) {
        if (JSON.stringify(fieldsOf(mine[part])) !== JSON.stringify(fieldsOf(en.email[kind]![part]))) differ.push(`email ${kind} ${part}`);
      }
      if (en.sms[kind] && !own.sms[kind]) missing.push(`sms ${kind}`);
      if (en.sms[kind] && own.sms[kind] && JSON.stringify(fieldsOf(own.sms[kind]!)) !== JSON.stringify(fieldsOf(en.sms[kind]!))) differ.push(`sms ${kind}`);
    }
    expect({ missing, differ }).toEqual({ missing: [], differ: [] });
  });

  it("has every word of the helpers, of the stay's .ics, of the invoice and of its email", () => {
    expect(Object.keys(messageWords[language]).sort()).toEqual(Object.keys(messageWords.en).sort());
    expect(Object.keys(stayCalendarWords[language]).sort()).toEqual(Object.keys(stayCalendarWords.en).sort());
    expect(Object.keys(invoiceWords[language]).sort()).toEqual(Object.keys(invoiceWords.en).sort());
    expect(Object.keys(invoiceEmailWords[language]).sort()).toEqual(Object.keys(invoiceEmailWords.en).sort());
    // Every payment method Portuguese names, this language names too.
    expect(Object.keys(invoiceWords[language].methods).sort()).toEqual(Object.keys(invoiceWords.pt.methods).sort());
  });
});

const context: NotificationContext = {
  language: "es",
  code: "ABCD2345",
  guest: { name: "Lucía", email: "lucia@example.com" },
  property: { name: "Hotel del Puerto", city: "Málaga", address: "Calle del Muelle 12", currency: "EUR", time_zone: "Europe/Madrid", check_out_time: "11:00",
    contact_email: "recepcion@puerto.example", contact_phone: "+34 952 000 000", arrival_instructions: "Recoja la llave en recepción." },
  stay: { arrival: "2027-03-10", departure: "2027-03-11", nights: 1, adults: 1, children: 2 },
  room_type: "Doble",
  rate_plan: "Flexible",
  check_in_time: "15:00",
  cancellation_terms: "Free cancellation until 2027-03-08 15:00 Europe/Madrid; afterwards costs 1 night.",
  free_cancellation_until: "2027-03-08T14:00:00+00:00",
  late_cancellation_penalty: 12000,
  total: 24000,
  penalty: 0,
  refund: 7200,
  balance: 0,
  manage_url: "https://book.example/manage?code=ABCD2345",
};

it("Spanish: plurals, dates, money, the terms in words and the refund; <html lang=es>", () => {
  const confirmation = render("confirmation", "email", context);
  expect(confirmation.subject).toBe("Su reserva ABCD2345 en Hotel del Puerto está confirmada");
  expect(confirmation.text).toContain("1 adulto, 2 niños");
  expect(confirmation.text).toContain("(1 noche)");
  expect(confirmation.text).toMatch(/mié\.?, 10 de marzo de 2027/);
  expect(confirmation.text).toMatch(/Cancelación gratuita hasta el 8 de marzo de 2027,? (a las )?15:00 \(hora local de Hotel del Puerto\)\. Después, cancelar cuesta 120,00\s€\./u);
  expect(confirmation.text).toContain("Entrada a partir de las 15:00, salida hasta las 11:00.");
  expect(confirmation.text).toContain("Recoja la llave en recepción.");
  expect(confirmation.text).toContain("Total: 240,00\u00a0€");
  expect(confirmation.html).toMatch(/^<!doctype html><html lang="es">/);
  expect(confirmation.text).not.toMatch(/\b(night|adult|child|Total due|Hello)\b/);
  const cancelled = render("cancellation", "email", { ...context, stay: { ...context.stay, nights: 2, departure: "2027-03-12" } });
  expect(cancelled.text).toContain("2 noches");
  expect(cancelled.text).toContain("Sin gastos de cancelación.");
  expect(cancelled.text).toMatch(/Le estamos reembolsando 72,00\s€ en su tarjeta/u);
  const late = render("modification", "email", { ...context, free_cancellation_until: "2020-01-01T00:00:00Z" });
  expect(late.text).toContain("El plazo de cancelación gratuita ha terminado: cancelar cuesta 120,00\u00a0€.");
  expect(render("pre_arrival", "sms", context).text).toMatch(/^Hotel del Puerto: le esperamos el mié\.?, 10 de marzo de 2027 a partir de las 15:00\. Reserva ABCD2345\.$/);
});

it("the invoice email and the invoice's own words in Spanish", () => {
  const d = invoiceDocument.parse({
    kind: "invoice", document_number: "FT 2027/12", currency: "EUR", net_amount: 30000, tax_amount: 1800, total_amount: 31800,
    lines: [{ kind: "revenue", type: "night", date: "2027-03-10", description: "Doble · Night of Wed 10 Mar 2027 (incl. 2 extra guests)", amount: 15000 }],
    bill_to: { name: "Lucía Pérez", confirmation_code: "ABCD2345" }, amount_due: 0, issued_at: "2027-03-13T10:00:00Z",
    property_name: "Hotel del Puerto", time_zone: "Europe/Madrid", language: "es",
  });
  expect(invoiceEmail(d)).toEqual({
    subject: "Factura FT 2027/12 — Hotel del Puerto",
    text: "Hola, Lucía Pérez:\n\nLe enviamos adjunta la factura FT 2027/12 de Hotel del Puerto, reserva ABCD2345.\nTotal: 318,00\u00a0€.\nPagada por completo. Gracias.\n\nHotel del Puerto",
  });
  expect(lineText(d.lines[0]!, speechOf(d))).toBe("Doble · Noche (incl. 2 huéspedes extra)");
  // English and Portuguese read as before.
  expect(lineText(d.lines[0]!, speechOf({ ...d, language: "en" }))).toBe("Doble · Night (incl. 2 extra guests)");
  expect(lineText(d.lines[0]!, speechOf({ ...d, language: "pt" }))).toBe("Doble · Noite (incl. 2 hóspedes extra)");
});

it("a language Keepr does not speak (German) is English throughout: words, money, dates and <html lang>", () => {
  const german = render("confirmation", "email", { ...context, language: "de" });
  expect(german.subject).toBe("Your booking ABCD2345 at Hotel del Puerto is confirmed");
  expect(german.text).toContain("1 adult, 2 children");
  expect(german.text).toContain("Total: €240.00");
  expect(german.html).toMatch(/^<!doctype html><html lang="en">/);
});

describe("a Spanish hotel's booking, delivered by the worker", () => {
  const db = fileDatabase();
  const committed = <T>(fn: (c: pg.PoolClient) => Promise<T>) => inCommit(db.ownerPool, fn);

  it("the confirmation email, its .ics and the SMS are in Spanish", async () => {
    const outbox = newOutbox();
    const h = await createHotel(db.ownerPool, { timeZone: "Europe/Madrid" });
    await db.ownerPool.query("update app_public.properties set language = 'es', name = 'Hotel del Puerto', contact_email = 'recepcion@puerto.example' where id = $1", [h.propertyId]);
    const b = await committed(async (c) => {
      await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
      const arrival = localDate(h.timeZone, 20);
      const q = await quote(c, h.ratePlanId, arrival, addDays(arrival, 3));
      const held = await hold(c, q.quote_token);
      const { rows } = await c.query("select * from app_public.confirm_booking($1, $2, 'Lucía Pérez', 'lucia@example.com', '+34 612 345 678')", [held.reservation_id, newKey()]);
      return { code: rows[0].confirmation_code as string };
    });
    await runDueJobs(db, { OUTBOX_DIR: outbox, MAIL_FROM: "Keepr <bookings@keepr.example>" });

    const emails = readdirSync(outbox).filter((f) => f.endsWith(".eml")).map((f) => readFileSync(path.join(outbox, f), "utf8"));
    expect(emails).toHaveLength(1);
    const sent = (await db.ownerPool.query<{ subject: string; body_text: string }>(
      "select subject, body_text from app_public.notifications where property_id = $1 and channel = 'email' and status = 'sent'", [h.propertyId])).rows;
    expect(sent).toEqual([{ subject: `Su reserva ${b.code} en Hotel del Puerto está confirmada`, body_text: expect.stringContaining("(3 noches)") }]);
    expect(sent[0]!.body_text).toContain("2 adultos");
    const part = calendarPartOf(emails[0]!);
    expect(part).not.toBeNull();
    const stay = parseStay(part!.text);
    expect(stay).toMatchObject({ sequence: 0, summary: "Estancia en Hotel del Puerto", organizer: "mailto:recepcion@puerto.example" });
    expect(stay.description).toContain("2 adultos · 3 noches");
    const sms = readdirSync(path.join(outbox, "sms")).map((f) => JSON.parse(readFileSync(path.join(outbox, "sms", f), "utf8")) as { text: string });
    expect(sms.map((m) => m.text)).toEqual([expect.stringMatching(new RegExp(`^Hotel del Puerto: reserva ${b.code} confirmada, `))]);
  });
});
