// Serves the staff console's build (admin/dist) at /admin: hashed assets
// cached for a year (their names change with their content), gzip copies
// to browsers that accept them, index.html revalidated on every load
// (no-cache) so a new build is picked up at once, and index.html for every
// other path under /admin (the console routes in the browser). While the
// first build runs, or if it failed, /admin says so instead of a 404.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import { sendError } from "./errors.ts";

export type AdminBuildStatus = { state: "idle" } | { state: "building" } | { state: "failed"; message: string };

export interface AdminRouterOptions {
  distDir: string;
  /** What npm start's build is doing (server/main.ts); idle when nothing builds here. */
  status?: () => AdminBuildStatus;
}

const yearSeconds = 365 * 24 * 60 * 60;

/** Headers of the console's HTML: no framing, no foreign scripts; emotion (MUI) injects <style> tags. */
const htmlHeaders = {
  "cache-control": "no-cache",
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};

const contentTypes: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function notReady(res: Response, status: AdminBuildStatus): void {
  const building = status.state === "building";
  const message =
    status.state === "building"
      ? "The staff console is being built; this page reloads by itself in a few seconds."
      : status.state === "failed"
        ? `The staff console failed to build: ${status.message}`
        : "The staff console is not built. Run `npm run build` (npm start builds it by itself).";
  res
    .status(503)
    .set({ "cache-control": "no-store", ...(building ? { "retry-after": "5" } : {}) })
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">${building ? '<meta http-equiv="refresh" content="5">' : ""}` +
        `<title>Keepr · Staff console</title></head><body><p>${escapeHtml(message)}</p></body></html>`,
    );
}

export function adminRouter(options: AdminRouterOptions): express.Router {
  const { distDir } = options;
  const status = options.status ?? (() => ({ state: "idle" }) as const);
  const indexFile = path.join(distDir, "index.html");
  const assetsDir = path.join(distDir, "assets");
  const router = express.Router({ strict: true });

  // /admin → /admin/ (relative asset URLs and the router's basename expect the slash).
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === "/" && !req.originalUrl.split("?")[0]!.endsWith("/")) {
      const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
      return res.redirect(308, `${req.baseUrl}/${query}`);
    }
    next();
  });

  // Hashed assets: the gzip copy when the browser accepts it, cached for a year either way.
  router.get("/assets/*file", (req: Request, res: Response) => {
    let relative: string;
    try {
      relative = path.normalize(decodeURIComponent(req.path.slice("/assets/".length)));
    } catch {
      return sendError(res, 404, "NOT_FOUND", "No such file."); // malformed %-escape
    }
    const file = path.join(assetsDir, relative);
    if (relative.startsWith("..") || path.isAbsolute(relative) || relative.endsWith(".gz") || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      return sendError(res, 404, "NOT_FOUND", "No such file.");
    }
    const headers: Record<string, string> = {
      "cache-control": `public, max-age=${yearSeconds}, immutable`,
      "x-content-type-options": "nosniff",
      vary: "Accept-Encoding",
    };
    const type = contentTypes[path.extname(file)];
    if (type) headers["content-type"] = type;
    const gzipped = `${file}.gz`;
    if (req.acceptsEncodings("gzip", "identity") === "gzip" && existsSync(gzipped)) {
      headers["content-encoding"] = "gzip";
      return res.sendFile(gzipped, { headers, lastModified: true, etag: true });
    }
    res.sendFile(file, { headers, lastModified: true, etag: true });
  });

  // Everything else: index.html (client-side routes); a missing file with an extension is a 404.
  router.get("/*path", (req: Request, res: Response) => {
    if (!existsSync(indexFile)) return notReady(res, status());
    if (path.extname(req.path) !== "") return sendError(res, 404, "NOT_FOUND", "No such file.");
    res.sendFile(indexFile, { headers: htmlHeaders, lastModified: true, etag: true });
  });
  router.get("/", (_req: Request, res: Response) => {
    if (!existsSync(indexFile)) return notReady(res, status());
    res.sendFile(indexFile, { headers: htmlHeaders, lastModified: true, etag: true });
  });

  return router;
}
