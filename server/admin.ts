// Serves the staff console's build (admin/dist) at /admin through the shared
// static-app router (server/static-app.ts: hashed assets cached for a year,
// gzip copies, index.html revalidated on every load and answered for every
// other path under /admin, the console routing in the browser; "being
// built" while npm start builds it), plus the console's own settings in
// /admin/config.json.
import type express from "express";
import type { Request, Response } from "express";
import type { AppBuildStatus } from "./app-build.ts";
import { appPageHeaders, staticAppRouter } from "./static-app.ts";
import type { MapTiles } from "./web.ts";

export interface AdminRouterOptions {
  distDir: string;
  /** What npm start's build is doing (main.ts); idle when nothing builds here. */
  status?: () => AppBuildStatus;
  /**
   * The public anonymous key (core/auth.ts anonKey): realtime's `apikey`,
   * public by design (it grants what an anonymous visitor may do). Served in
   * /admin/config.json so the console can open the realtime socket.
   */
  anonKey?: string;
  /** The server's public URL (config.publicUrl): its websocket origin is allowed in connect-src. */
  publicUrl?: string;
  /** The trace UI's page of one trace, `{traceId}` where the id goes (config TRACE_UI_URL), or none. */
  traceUrl?: string | null;
  /** The map tiles (config mapTiles) for the property page's preview map, or none. */
  mapTiles?: MapTiles | null;
}

/** What the console reads from /admin/config.json (admin/src/platform/publicConfig.ts). */
export interface AdminPublicConfig {
  realtime: { path: string; apiKey: string } | null;
  /** TRACE_UI_URL: where a manager opens the trace of a request (`{traceId}` replaced), or null. */
  traceUrl: string | null;
  /** MAP_TILES_URL and MAP_TILES_ATTRIBUTION: the property page's preview map, or null (no map). */
  mapTiles: { url: string; attribution: string } | null;
}

/** The websocket origin (ws: or wss:) of an http(s) origin. */
function websocketOrigin(origin: string): string {
  return origin.replace(/^http/, "ws");
}

/** A Host header that is only a host name or address and a port, nothing that could end a CSP directive. */
const hostPattern = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * Headers of the console's HTML: no framing, no foreign scripts; emotion
 * (MUI) injects <style> tags. It connects only to its own origin: /graphql,
 * and the realtime websocket, named explicitly as ws(s)://<host> because
 * 'self' matches ws: and wss: only in browsers that follow CSP Level 3
 * (Safari before 15.4 did not). The host is the one the page was loaded
 * from (it is always the console's own origin for the browser) when the
 * Host header is well formed, and the public URL's.
 */
export function adminHtmlHeaders(req: Pick<Request, "protocol" | "get">, publicUrl?: string, tilesOrigin?: string): Record<string, string> {
  const origins = new Set<string>();
  const host = req.get("host");
  if (host && hostPattern.test(host)) origins.add(websocketOrigin(`${req.protocol === "https" ? "https" : "http"}://${host.toLowerCase()}`));
  // (A public URL of port 0, a test server's default, names no origin.)
  if (publicUrl && new URL(publicUrl).port !== "0") origins.add(websocketOrigin(new URL(publicUrl).origin));
  // emotion (MUI) injects <style> tags; fonts and icons may be data: URLs;
  // the property page previews its photos, which may be https URLs
  // (app_hidden.valid_photo_urls), as the guest app shows them, and the
  // location on a map of the configured tiles.
  return appPageHeaders({ style: ["'unsafe-inline'"], img: ["data:", "https:", ...(tilesOrigin ? [tilesOrigin] : [])], font: ["data:"], connect: [...origins] });
}

export function adminRouter(options: AdminRouterOptions): express.Router {
  return staticAppRouter({
    distDir: options.distDir,
    title: "staff console",
    status: options.status,
    htmlHeaders: (req) => adminHtmlHeaders(req, options.publicUrl, options.mapTiles?.origin),
    extend: (router) => {
      // The console's public settings: the realtime endpoint and its anonymous
      // key, and the trace UI's URL. Revalidated on every load, like
      // index.html, so a rotated secret is picked up by the next page load.
      router.get("/config.json", (_req: Request, res: Response) => {
        const body: AdminPublicConfig = {
          realtime: options.anonKey ? { path: "/realtime/v1", apiKey: options.anonKey } : null,
          traceUrl: options.traceUrl ?? null,
          mapTiles: options.mapTiles ? { url: options.mapTiles.url, attribution: options.mapTiles.attribution } : null,
        };
        res.set({ "cache-control": "no-cache", "x-content-type-options": "nosniff" }).json(body);
      });
    },
  });
}
