// Documents served over HTTP with the caller's own rights: the printable
// invoice (server/invoices.ts), the registration card
// (server/registration-cards.ts) and the guest's stay as a calendar file
// (server/stay-calendar.ts). The bearer token is checked as the
// GraphQL API checks it (a bad one is 401), and the row is read in a
// read-only transaction as the token's role and claims, exactly as the API
// would, so row security decides who sees which document. An id that is not
// a uuid, a row the caller cannot see, and a table the caller's role has no
// right on at all (42501: guests and anonymous callers on registration
// cards) all answer the same 404, so a caller learns nothing of what exists.
import type { Request, Response } from "express";
import type pg from "pg";
import { AuthError, identify, pgSettingsFor } from "../core/auth.ts";
import { inTransaction } from "../core/sql.ts";
import { sendError } from "./errors.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A served file's headers (a PDF, a calendar): never cached, not sniffed, no referrer; it runs no script of ours. */
export const documentHeaders: Record<string, string> = {
  "cache-control": "private, no-store",
  "content-security-policy": "default-src 'none'; sandbox",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

export interface CallerDocumentOptions {
  /** The API's pool (the authenticator login, which SETs the caller's role). */
  apiPool: pg.Pool;
  jwtSecret: string;
}

/**
 * Reads the document with this id as the request's caller: read(client, id)
 * runs with the caller's role and claims, read-only, and gives the row or
 * nothing. Answers the request itself (401 for a bad token; 404 with the
 * message notFound when the id is not a uuid or the caller cannot see the
 * row) and then returns undefined; otherwise returns the row, for the
 * route to send.
 */
export async function readAsCaller<T>(
  req: Request, res: Response, options: CallerDocumentOptions, id: string, notFound: string,
  read: (client: pg.PoolClient, id: string) => Promise<T | undefined>,
): Promise<T | undefined> {
  let settings: Record<string, string>;
  try {
    settings = pgSettingsFor(identify(req.header("authorization"), options.jwtSecret), req.requestId!);
  } catch (error) {
    if (error instanceof AuthError) {
      sendError(res, 401, error.code, error.message);
      return undefined;
    }
    throw error;
  }
  const row = uuidPattern.test(id)
    ? await inTransaction(options.apiPool, { settings, readOnly: true }, (client) => read(client, id)).catch((error: { code?: string }) => {
        if (error.code === "42501") return undefined;
        throw error;
      })
    : undefined;
  if (row === undefined) sendError(res, 404, "NOT_FOUND", notFound);
  return row;
}

/** Sends a PDF: inline in the browser, or as a download (attachment), saved as fileName. */
export function sendPdf(res: Response, body: Buffer, fileName: string, disposition: "inline" | "attachment" = "inline"): void {
  res.type("application/pdf").set(documentHeaders).set("content-disposition", `${disposition}; filename="${fileName}"`).send(body);
}
