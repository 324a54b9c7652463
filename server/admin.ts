// Serves the staff console's build (admin/dist) at /admin through the shared
// static-app router (server/static-app.ts: hashed assets cached for a year,
// gzip copies, index.html revalidated on every load and answered for every
// other path under /admin, the console routing in the browser; "being
// built" while npm start builds it), plus the console's own settings in
// /admin/config.json.
import type express from "express";
import type { Request, Response } from "express";
import type { AppBuildStatus } from "./app-build.ts";
import { staticAppRouter } from "./static-app.ts";

export type AdminBuildStatus = AppBuildStatus;

export interface AdminRouterOptions {
  distDir: string;
  /** What npm start's build is doing (server/main.ts); idle when nothing builds here. */
  status?: () => AdminBuildStatus;
  /**
   * The public anonymous key (server/auth.ts anonKey): realtime's `apikey`,
   * public by design (it grants what an anonymous visitor may do). Served in
   * /admin/config.json so the console can open the realtime socket.
   */
  anonKey?: string;
}

/** What the console reads from /admin/config.json (admin/src/live/client.ts). */
export interface AdminPublicConfig {
  realtime: { path: string; apiKey: string } | null;
}

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

export function adminRouter(options: AdminRouterOptions): express.Router {
  return staticAppRouter({
    distDir: options.distDir,
    title: "staff console",
    status: options.status,
    htmlHeaders,
    extend: (router) => {
      // The console's public settings: the realtime endpoint and its anonymous
      // key. Revalidated on every load, like index.html, so a rotated secret is
      // picked up by the next page load.
      router.get("/config.json", (_req: Request, res: Response) => {
        const body: AdminPublicConfig = { realtime: options.anonKey ? { path: "/realtime/v1", apiKey: options.anonKey } : null };
        res.set({ "cache-control": "no-cache", "x-content-type-options": "nosniff" }).json(body);
      });
    },
  });
}
