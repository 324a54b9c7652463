// GET /exports/<download token> — an export's CSV while its link is valid
// (24 hours): streamed from a directory store, or a redirect (303) to a
// pre-signed URL of an S3 store valid for a few minutes. 404 for an unknown
// link, 410 once it expired. The token is the secret, as in a pre-signed
// URL.
import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import type { ExportStore } from "../storage/export-store.ts";
import type { ErrorCode } from "../shared/error-codes.ts";
import { sendError } from "./errors.ts";

export function exportRouter(options: { ownerPool: pg.Pool; store: ExportStore }): Router {
  const router = express.Router();
  router.get("/:token", async (req: Request, res: Response) => {
    const token = String(req.params.token);
    const fail = (status: number, code: ErrorCode, message: string) => sendError(res, status, code, message);
    if (!/^[0-9a-f]{48}$/.test(token)) return fail(404, "NOT_FOUND", "No such export.");
    const { rows } = await options.ownerPool.query<{ file_key: string; kind: string; slug: string; from_date: string; to_date: string; expired: boolean }>(
      `select e.file_key, e.kind, p.slug, to_char(e.from_date, 'YYYY-MM-DD') as from_date, to_char(e.to_date, 'YYYY-MM-DD') as to_date,
              e.expires_at <= now() as expired
         from app_public.exports e join app_public.properties p on p.id = e.property_id
        where e.download_token = $1 and e.status = 'done'`,
      [token],
    );
    const found = rows[0];
    if (!found) return fail(404, "NOT_FOUND", "No such export.");
    if (found.expired) return fail(410, "EXPIRED", "This download link has expired; request the export again.");
    const fileName = `${found.slug}-${found.kind}-${found.from_date}-${found.to_date}.csv`;
    const gone = () => fail(404, "NOT_FOUND", "The export's file is gone; request the export again.");
    if (options.store.downloadUrl) {
      const url = await options.store.downloadUrl(found.file_key, fileName);
      if (!url) return gone();
      res.set("cache-control", "private, no-store");
      return res.redirect(303, url);
    }
    const file = await options.store.read(found.file_key);
    if (!file) return gone();
    res.set({
      "content-type": "text/csv; charset=utf-8",
      "content-length": String(file.bytes),
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "private, no-store",
    });
    file.body.pipe(res);
  });
  return router;
}
