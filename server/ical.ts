// GET /ical/<token>.ics — a unit's calendar for OTAs and other PMSs to
// import: every live stay and block as an all-day event (RFC 5545). The
// token is the secret; the answer is the same for everyone who has it.
// Cache headers: private (a secret URL is no business of shared caches),
// fresh for a minute, then revalidated with its ETag / Last-Modified (a
// 304 costs one small query and no rendering).
import { createHash } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import { renderCalendar } from "../channels/ical.ts";
import { inTransaction } from "../core/sql.ts";

interface Row {
  uid: string | null;
  start_date: string | null;
  end_date: string | null;
  summary: string | null;
  updated_at: Date | null;
  unit_name: string;
  property_name: string;
}

export function icalRouter(options: { apiPool: pg.Pool }): Router {
  const router = express.Router();
  router.get("/:file", async (req: Request, res: Response) => {
    const match = /^([0-9a-f]{32})\.ics$/.exec(String(req.params.file));
    const notFound = () => res.status(404).type("text/plain").send("No such calendar.\n");
    if (!match) return notFound();
    const rows = await inTransaction(options.apiPool, { role: "keepr_anonymous", readOnly: true }, async (client) =>
      (await client.query<Row>(
        "select uid, to_char(start_date, 'YYYY-MM-DD') as start_date, to_char(end_date, 'YYYY-MM-DD') as end_date, summary, updated_at, unit_name, property_name from app_public.unit_calendar($1)",
        [match[1]],
      )).rows);
    if (rows.length === 0) return notFound();
    const events = rows.filter((r) => r.uid !== null);
    const lastModified = new Date(Math.max(0, ...events.map((r) => r.updated_at!.getTime())));
    const etag = `"${createHash("sha256").update(JSON.stringify(events.map((e) => [e.uid, e.start_date, e.end_date, e.summary]))).digest("base64url")}"`;
    res.set({ "cache-control": "private, max-age=60", etag, "last-modified": lastModified.toUTCString() });
    if (req.header("if-none-match") === etag) return res.status(304).end();
    const body = renderCalendar({
      name: `${rows[0]!.property_name} – ${rows[0]!.unit_name}`,
      events: events.map((e) => ({ uid: e.uid!, start: e.start_date!, end: e.end_date!, summary: e.summary!, lastModified: e.updated_at! })),
    });
    res.type("text/calendar; charset=utf-8").send(body);
  });
  return router;
}
