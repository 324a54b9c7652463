// Browser only (DOM): how both apps put a property's map on their page
// (issue 22) without carrying the map library: once the tile server is known
// (the app's public settings), Leaflet is imported (shared/browser/map.ts, a
// chunk of its own) only when there are tiles, and the map drawn. The app
// hears the state to show ("none": no tile server, no map).
import type { MapTiles } from "../maps.ts";
import type { MapOptions } from "./map.ts";

export type MapState = "loading" | "shown" | "none" | "failed";

/** Draws the map into element() when tiles resolves to a tile server; returns what cancels it or removes the map. */
export function mountMap(
  element: () => HTMLElement | null,
  tiles: Promise<MapTiles | null>,
  options: Omit<MapOptions, "tiles">,
  onState: (state: MapState) => void,
): () => void {
  let dispose: (() => void) | null = null;
  let cancelled = false;
  tiles
    .then(async (server) => {
      if (cancelled) return;
      if (!server) return onState("none");
      const { showMap } = await import("./map.ts");
      const target = element();
      if (cancelled || !target) return;
      dispose = showMap(target, { ...options, tiles: server });
      onState("shown");
    })
    .catch(() => {
      if (!cancelled) onState("failed");
    });
  return () => {
    cancelled = true;
    dispose?.();
  };
}
