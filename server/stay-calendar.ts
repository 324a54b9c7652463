// GET /calendar/<reservation id>.ics[?lang=en|pt|es] — the guest's stay as an
// iCalendar file to add to their calendar (channels/stay-calendar.ts), the
// same one the confirmation, change and cancellation emails carry.
//
// Proof of access: the caller's bearer token, exactly as the API and
// /invoices read it — the booking token the Manage page got from the
// confirmation code and email (lookupBooking), a signed-in guest's or a staff
// member's session. Whether the caller may see the reservation is asked of
// Postgres with the caller's own rights (RLS); only then is the file read
// (as keepr_worker: SEQUENCE counts the reservation's notifications, which
// guests do not read). Anyone else, a hold, a malformed id: 404, the same
// answer whether or not the booking exists.
import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import { AuthError, identify, pgSettingsFor } from "../core/auth.ts";
import { inTransaction } from "../core/sql.ts";
import { addressOf } from "../shared/mail-address.ts";
import { acceptedLanguages, firstSpoken, guestLanguageCodes, isGuestLanguage } from "../shared/guest-languages.ts";
import {
  renderStayCalendar, stayCalendarContentType, stayCalendarFileName, stayCalendarQuery, stayLanguageOf, type StayCalendarRow,
} from "../channels/stay-calendar.ts";
import { sendError } from "./errors.ts";

const filePattern = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.ics$/i;

/** A calendar file runs nothing; never cached, not sniffed, no referrer. */
export const calendarHeaders: Record<string, string> = {
  "cache-control": "private, no-store",
  "content-security-policy": "default-src 'none'; sandbox",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

export function stayCalendarRouter(options: { apiPool: pg.Pool; ownerPool: pg.Pool; jwtSecret: string; publicUrl: string; mailFrom: string }): Router {
  const router = express.Router();
  router.get("/:file", async (req: Request, res: Response) => {
    const notFound = () => sendError(res, 404, "NOT_FOUND", "No such booking, or you cannot see it.");
    let settings: Record<string, string>;
    try {
      settings = pgSettingsFor(identify(req.header("authorization"), options.jwtSecret), req.requestId!);
    } catch (error) {
      if (error instanceof AuthError) return sendError(res, 401, error.code, error.message);
      throw error;
    }
    const match = filePattern.exec(String(req.params.file));
    if (!match) return notFound();
    const id = match[1]!.toLowerCase();
    const lang = req.query.lang;
    if (lang !== undefined && !isGuestLanguage(lang)) {
      return sendError(res, 400, "INVALID_INPUT", `lang is one of ${guestLanguageCodes.join(", ")}.`);
    }
    const visible = await inTransaction(options.apiPool, { settings, readOnly: true }, async (client) =>
      (await client.query("select 1 from app_public.reservations r where r.id = $1 and r.confirmation_code is not null and r.status <> 'held'", [id])).rowCount === 1);
    if (!visible) return notFound();
    const row = await inTransaction(options.ownerPool, { role: "keepr_worker", readOnly: true }, async (client) =>
      (await client.query<StayCalendarRow>(stayCalendarQuery, [id])).rows[0]);
    if (!row) return notFound();
    const manageUrl = `${options.publicUrl.replace(/\/$/, "")}/manage?${new URLSearchParams({ code: row.code })}`;
    const body = renderStayCalendar(row, { language: isGuestLanguage(lang) ? lang : (firstSpoken(acceptedLanguages(req.header("accept-language"))) ?? stayLanguageOf(row.language)), manageUrl, organizerEmail: addressOf(options.mailFrom) });
    res.set(calendarHeaders)
      .set("content-type", stayCalendarContentType(row))
      .set("content-disposition", `attachment; filename="${stayCalendarFileName(row)}"`)
      .send(body);
  });
  return router;
}
