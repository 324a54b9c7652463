// The console's public settings, read once from /admin/config.json
// (server/admin.ts AdminPublicConfig; revalidated by the server on each page
// load): the realtime endpoint and its public key (live/client.ts), the
// trace UI's URL (a reservation's History links managers to the trace of a
// request) and the map tiles (Property › Content's preview map). A failure to read it (the server down) is retried on the next call.

import { isMapTiles, type MapTiles } from "../../../shared/maps.ts";

/** What /admin/config.json says. */
export interface PublicConfig {
  realtime: { path: string; apiKey: string } | null;
  /** The trace UI's page of one trace, `{traceId}` where the id goes; null: no trace UI. */
  traceUrl: string | null;
  /** The tile server (MAP_TILES_URL), or null: no map. */
  mapTiles: MapTiles | null;
}

export const configUrl = "/admin/config.json";

function isPublicConfig(value: unknown): value is PublicConfig {
  if (!value || typeof value !== "object" || !("realtime" in value)) return false;
  const { realtime, traceUrl } = value as { realtime: unknown; traceUrl?: unknown };
  const realtimeOk =
    realtime === null ||
    (typeof realtime === "object" && typeof (realtime as { path?: unknown }).path === "string" && typeof (realtime as { apiKey?: unknown }).apiKey === "string");
  const traceOk = traceUrl === undefined || traceUrl === null || (typeof traceUrl === "string" && /^https?:\/\//.test(traceUrl) && traceUrl.includes("{traceId}"));
  return realtimeOk && traceOk;
}

let configPromise: Promise<PublicConfig> | null = null;

async function fetchConfig(): Promise<PublicConfig> {
  const response = await fetch(configUrl, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${configUrl} answered HTTP ${response.status}`);
  const config: unknown = await response.json();
  if (!isPublicConfig(config)) throw new Error(`${configUrl} is not the console's configuration`);
  const tiles = (config as { mapTiles?: unknown }).mapTiles;
  return { realtime: config.realtime, traceUrl: config.traceUrl ?? null, mapTiles: isMapTiles(tiles) ? tiles : null };
}

export function publicConfig(): Promise<PublicConfig> {
  if (!configPromise) {
    const promise = fetchConfig();
    configPromise = promise;
    promise.catch(() => {
      if (configPromise === promise) configPromise = null;
    });
  }
  return configPromise;
}

/** A request id that is a trace id (32 lower-case hex digits, not all zero), as the API records it (docs/operations.md). */
export const isTraceId = (id: string | null | undefined): id is string => typeof id === "string" && /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id);

/** The trace UI's link for a request id, or null when there is no trace UI or the id is no trace id. */
export function traceLink(template: string | null, requestId: string | null | undefined): string | null {
  if (!template || !isTraceId(requestId)) return null;
  return template.split("{traceId}").join(requestId);
}
