// Browser only (DOM): a property's location on a map (issue 22), drawn by
// Leaflet (docs/dependencies.md) from the tile server Keepr is configured
// with (MAP_TILES_URL, MAP_TILES_ATTRIBUTION; docs/operations.md). Both apps
// import this module lazily, when someone opens a map, so Leaflet and its
// CSS never weigh on a first page. The map is keyboard usable as Leaflet
// makes it (focus it, then arrows pan and + / - zoom; the zoom buttons are
// links with labels); the page scroll wheel and one-finger drags on a phone
// stay the page's. The marker is drawn in SVG (no marker image to serve).
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import type { MapTiles } from "../maps.ts";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface MapOptions {
  latitude: number;
  longitude: number;
  tiles: MapTiles;
  /** What the map shows, for people who cannot see it ("Map: Harbour View Hotel"); the container is a labelled region. */
  label: string;
  /** The zoom buttons' names in the page's language (default English). */
  zoomInLabel?: string;
  zoomOutLabel?: string;
  zoom?: number;
}

/** Draws the map into `element` (which needs a height); returns what removes it. */
export function showMap(element: HTMLElement, options: MapOptions): () => void {
  const center = L.latLng(options.latitude, options.longitude);
  const map = L.map(element, {
    center,
    zoom: options.zoom ?? 15,
    scrollWheelZoom: false,
    dragging: !L.Browser.mobile,
    attributionControl: true,
    zoomControl: false,
  });
  L.control.zoom({ zoomInTitle: options.zoomInLabel ?? "Zoom in", zoomOutTitle: options.zoomOutLabel ?? "Zoom out" }).addTo(map);
  // Leaflet's own "Leaflet" link and flag are left out; the tile server's terms are what must show.
  map.attributionControl.setPrefix(false);
  L.tileLayer(options.tiles.url, { attribution: escapeHtml(options.tiles.attribution), maxZoom: 19 }).addTo(map);
  L.circleMarker(center, { radius: 9, color: "#ffffff", weight: 3, fillColor: "#b3261e", fillOpacity: 1, interactive: false }).addTo(map);
  element.setAttribute("role", "region");
  element.setAttribute("aria-label", options.label);
  return () => map.remove();
}
