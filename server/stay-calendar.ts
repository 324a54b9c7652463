// GET /calendar/<reservation id>.ics[?lang=en|pt|es] — the guest's stay as an
// iCalendar file to add to their calendar (channels/stay-calendar.ts), the
// same one the confirmation, change and cancellation emails carry.
//
// Proof of access: the caller's bearer token, exactly as the API and
// /invoices read it (server/caller-documents.ts) — the booking token the
// Manage page got from the confirmation code and email (lookupBooking), a
// signed-in guest's or a staff member's session. Whether the caller may see the reservation is asked of
// Postgres with the caller's own rights (RLS); only then is the file read
// (as keepr_worker: SEQUENCE counts the reservation's notifications, which
// guests do not read: an elevation that a guarded count in the database,
// readable by the caller, would remove). Anyone else, a hold, a malformed
// id: 404, the same answer whether or not the booking exists; a bad lang
// of a booking the caller sees: 400.
import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import { inTransaction } from "../core/sql.ts";
import { addressOf } from "../shared/mail-address.ts";
import { acceptedLanguages, firstSpoken, guestLanguageCodes, isGuestLanguage } from "../shared/guest-languages.ts";
import {
  renderStayCalendar, stayCalendarContentType, stayCalendarFileName, stayCalendarQuery, stayLanguageOf, type StayCalendarRow,
} from "../channels/stay-calendar.ts";
import { documentHeaders, readAsCaller, type CallerDocumentOptions } from "./caller-documents.ts";
import { sendError } from "./errors.ts";

const filePattern = /^(.*)\.ics$/;

export function stayCalendarRouter(options: CallerDocumentOptions & { ownerPool: pg.Pool; publicUrl: string; mailFrom: string }): Router {
  const router = express.Router();
  router.get("/:file", async (req: Request, res: Response) => {
    const id = (filePattern.exec(String(req.params.file))?.[1] ?? "").toLowerCase();
    const visible = await readAsCaller(req, res, options, id, "No such booking, or you cannot see it.", async (client, uuid) =>
      (await client.query("select 1 from app_public.reservations r where r.id = $1 and r.confirmation_code is not null and r.status <> 'held'", [uuid])).rowCount === 1 || undefined);
    if (!visible) return;
    const lang = req.query.lang;
    if (lang !== undefined && !isGuestLanguage(lang)) {
      return sendError(res, 400, "INVALID_INPUT", `lang is one of ${guestLanguageCodes.join(", ")}.`);
    }
    // Elevated: SEQUENCE counts the reservation's notifications, which guests may not read (docs/security.md).
    const row = await inTransaction(options.ownerPool, { role: "keepr_worker", readOnly: true }, async (client) =>
      (await client.query<StayCalendarRow>(stayCalendarQuery, [id])).rows[0]);
    if (!row) return sendError(res, 404, "NOT_FOUND", "No such booking, or you cannot see it.");
    const manageUrl = `${options.publicUrl.replace(/\/$/, "")}/manage?${new URLSearchParams({ code: row.code })}`;
    const body = renderStayCalendar(row, { language: isGuestLanguage(lang) ? lang : (firstSpoken(acceptedLanguages(req.header("accept-language"))) ?? stayLanguageOf(row.language)), manageUrl, organizerEmail: addressOf(options.mailFrom) });
    res.set(documentHeaders)
      .set("content-type", stayCalendarContentType(row))
      .set("content-disposition", `attachment; filename="${stayCalendarFileName(row)}"`)
      .send(body);
  });
  return router;
}
