// Serves a browser app's build (server/app-build.ts): hashed assets under
// assets/ cached for a year (their names change with their content), other
// files of the build (the public/ folder: photos, icons) cached for an hour,
// gzip copies to browsers that accept them, and index.html, revalidated on
// every load (no-cache) so a new build is picked up at once, for the app's
// own routes (they are routed in the browser). While the first build runs,
// or if it failed, the app's routes say so instead of a 404. Used for the
// staff console at /admin (server/admin.ts) and the guest app at /
// (server/web.ts).
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import type { AppBuildStatus } from "./app-build.ts";
import { sendError } from "./errors.ts";

export interface StaticAppOptions {
  distDir: string;
  /** What the app is called on the "being built" page, e.g. "staff console". */
  title: string;
  /** What npm start's build of the app is doing (main.ts); idle when nothing builds here. */
  status?: () => AppBuildStatus;
  /**
   * Headers of index.html: caching, Content-Security-Policy, framing; a
   * function when they depend on the request (the console's connect-src
   * names the origin the page was loaded from).
   */
  htmlHeaders: Record<string, string> | ((req: Request) => Record<string, string>);
  /**
   * Whether an extension-less path is one of the app's routes (answered
   * with index.html); others go on to the next handler (a typed 404). By
   * default every path is: an app mounted at its own prefix owns them all.
   */
  isAppRoute?: (path: string) => boolean;
  /**
   * Extra headers of the build's other files (the public/ folder: photos,
   * icons), e.g. the guest app lets other sites show its photos.
   */
  publicFileHeaders?: Record<string, string>;
  /** Routes added before the file handlers (e.g. the console's /config.json). */
  extend?: (router: express.Router) => void;
}

/** What an app's page may use beyond its own origin ('self'), directive by directive. */
export interface AppPageSources {
  style?: string[];
  img?: string[];
  font?: string[];
  connect?: string[];
  /** Frames the page may show; without it the policy has no frame-src (default-src 'self' applies). */
  frame?: string[];
}

/**
 * Headers of a browser app's index.html (the console's, the guest app's):
 * revalidated on every load, and a Content-Security-Policy that allows the
 * app's own origin and what `sources` adds, no foreign scripts, no plugins,
 * forms to itself only, and no framing of the app by anyone.
 */
export function appPageHeaders(sources: AppPageSources): Record<string, string> {
  const self = (extra: string[] = []) => ["'self'", ...extra].join(" ");
  return {
    "cache-control": "no-cache",
    "content-security-policy": [
      "default-src 'self'",
      "script-src 'self'",
      `style-src ${self(sources.style)}`,
      `img-src ${self(sources.img)}`,
      `font-src ${self(sources.font)}`,
      `connect-src ${self(sources.connect)}`,
      ...(sources.frame ? [`frame-src ${self(sources.frame)}`] : []),
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
  };
}

const yearSeconds = 365 * 24 * 60 * 60;
const hourSeconds = 60 * 60;

const contentTypes: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function notReady(res: Response, title: string, status: AppBuildStatus): void {
  const building = status.state === "building";
  const Title = title.charAt(0).toUpperCase() + title.slice(1);
  const message =
    status.state === "building"
      ? `The ${title} is being built; this page reloads by itself in a few seconds.`
      : status.state === "failed"
        ? `The ${title} failed to build: ${status.message}`
        : `The ${title} is not built. Run \`npm run build\` (npm start builds it by itself).`;
  res
    .status(503)
    .set({ "cache-control": "no-store", ...(building ? { "retry-after": "5" } : {}) })
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">${building ? '<meta http-equiv="refresh" content="5">' : ""}` +
        `<title>Keepr · ${escapeHtml(Title)}</title></head><body><p>${escapeHtml(message)}</p></body></html>`,
    );
}

/** A file of the build for a request path, or null (outside dist/, dotfiles, gzip copies, the stamp). */
function buildFile(distDir: string, requestPath: string): string | null {
  let relative: string;
  try {
    relative = path.normalize(decodeURIComponent(requestPath)).replace(/^\/+/, "");
  } catch {
    return null; // a malformed %-escape
  }
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative) || relative.endsWith(".gz")) return null;
  if (relative.split(path.sep).some((part) => part.startsWith("."))) return null;
  const file = path.join(distDir, relative);
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? file : null;
}

function sendBuildFile(req: Request, res: Response, file: string, cacheControl: string, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string> = {
    "cache-control": cacheControl,
    "x-content-type-options": "nosniff",
    vary: "Accept-Encoding",
    ...extraHeaders,
  };
  const type = contentTypes[path.extname(file)];
  if (type) headers["content-type"] = type;
  const gzipped = `${file}.gz`;
  if (req.acceptsEncodings("gzip", "identity") === "gzip" && existsSync(gzipped)) {
    headers["content-encoding"] = "gzip";
    return res.sendFile(gzipped, { headers, lastModified: true, etag: true });
  }
  res.sendFile(file, { headers, lastModified: true, etag: true });
}

export function staticAppRouter(options: StaticAppOptions): express.Router {
  const { distDir, title, htmlHeaders } = options;
  const status = options.status ?? (() => ({ state: "idle" }) as const);
  const isAppRoute = options.isAppRoute ?? (() => true);
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

  options.extend?.(router);

  // Hashed assets: the gzip copy when the browser accepts it, cached for a year either way.
  router.get("/assets/*file", (req: Request, res: Response) => {
    const file = buildFile(assetsDir, req.path.slice("/assets/".length));
    if (!file) return sendError(res, 404, "NOT_FOUND", "No such file.");
    sendBuildFile(req, res, file, `public, max-age=${yearSeconds}, immutable`);
  });

  const sendIndex = (req: Request, res: Response) => {
    if (!existsSync(indexFile)) return notReady(res, title, status());
    const headers = typeof htmlHeaders === "function" ? htmlHeaders(req) : htmlHeaders;
    res.sendFile(indexFile, { headers, lastModified: true, etag: true });
  };

  // Other files of the build (public/), then the app's routes; a missing file is a 404.
  router.get("/*path", (req: Request, res: Response, next: NextFunction) => {
    if (path.extname(req.path) !== "") {
      const file = path.basename(req.path) === "index.html" ? null : buildFile(distDir, req.path);
      if (!file) return sendError(res, 404, "NOT_FOUND", "No such file.");
      return sendBuildFile(req, res, file, `public, max-age=${hourSeconds}`, options.publicFileHeaders);
    }
    if (!isAppRoute(req.path)) return next();
    sendIndex(req, res);
  });
  router.get("/", (req: Request, res: Response) => sendIndex(req, res));

  return router;
}
