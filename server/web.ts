// Serves the guest app's build (web/dist) at / through the shared
// static-app router (server/static-app.ts). Only the app's own routes get
// index.html; any other path goes on to the typed 404. Its HTML may frame
// the payment provider's card form (same origin for the simulated
// provider; a real provider's origin is added with PAYMENT_FORM_ORIGIN)
// and show https photos; nothing else foreign.
import type express from "express";
import type { Request, Response } from "express";
import type { AppBuildStatus } from "./app-build.ts";
import { appPageHeaders, staticAppRouter } from "./static-app.ts";

/** The guest app's routes (web/src/router.ts): everything else is not the app's. */
export const webRoutes = ["/", "/book", "/confirmation", "/manage", "/account"] as const;

export interface WebRouterOptions {
  distDir: string;
  /** What npm start's build is doing (main.ts); idle when nothing builds here. */
  status?: () => AppBuildStatus;
  /** The origin of a real payment provider's hosted card form, allowed in frames (config PAYMENT_FORM_ORIGIN). */
  paymentFormOrigin?: string;
  /** The map tiles (config mapTiles: MAP_TILES_URL, MAP_TILES_ATTRIBUTION): served in /config.json, their origin allowed in img-src. */
  mapTiles?: MapTiles | null;
}

/** A tile server as the apps' maps use it (shared/browser/map.ts). */
export interface MapTiles {
  url: string;
  attribution: string;
  /** Its origin as img-src names it (a `{s}` subdomain as `*`). */
  origin: string;
}

/** What the guest app reads from /config.json when a guest opens a map (web/src/components/PropertyMap.tsx). */
export interface WebPublicConfig {
  /** The tile URL template and attribution, or null: no map, the address and an "open in maps" link. */
  mapTiles: { url: string; attribution: string } | null;
}

/**
 * Headers of the guest app's HTML: https photos (a property's own may live
 * elsewhere) and the map's tiles (their origin, which may be http on
 * localhost outside production), and frames of its own origin (the simulated provider's card
 * form) and of a real provider's card form (PAYMENT_FORM_ORIGIN).
 */
export function webHtmlHeaders(paymentFormOrigin?: string, tilesOrigin?: string): Record<string, string> {
  return appPageHeaders({ img: ["data:", "https:", ...(tilesOrigin ? [tilesOrigin] : [])], frame: paymentFormOrigin ? [paymentFormOrigin] : [] });
}

export function webRouter(options: WebRouterOptions): express.Router {
  return staticAppRouter({
    distDir: options.distDir,
    title: "guest app",
    status: options.status,
    htmlHeaders: webHtmlHeaders(options.paymentFormOrigin, options.mapTiles?.origin),
    // Photos are public (the API lists them in photoUrls): other sites and apps may show them,
    // which the server's default Cross-Origin-Resource-Policy (same-origin) would refuse.
    publicFileHeaders: { "cross-origin-resource-policy": "cross-origin" },
    extend: (router) => {
      // The app's public settings, read when a guest first opens a map; revalidated like index.html.
      router.get("/config.json", (_req: Request, res: Response) => {
        const tiles = options.mapTiles;
        const body: WebPublicConfig = { mapTiles: tiles ? { url: tiles.url, attribution: tiles.attribution } : null };
        res.set({ "cache-control": "no-cache", "x-content-type-options": "nosniff" }).json(body);
      });
    },
    isAppRoute: (p) => (webRoutes as readonly string[]).includes(p.length > 1 ? p.replace(/\/+$/, "") : p),
  });
}
