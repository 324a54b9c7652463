// The property's place in its card (issue 22): a "Map and directions"
// disclosure with the address, an "open in maps" link and, when the
// property has a location and Keepr has a tile server (MAP_TILES_URL, read
// from /config.json), a map. The map library (shared/browser/map.ts,
// Leaflet, through map-mount.ts) is loaded only when a guest opens the disclosure, so the first
// page never carries it; without tiles the map is left out and nothing is
// loaded.
import { useEffect, useRef, useState } from "react";
import { fullAddress, isMapTiles, openInMapsUrl, type MapTiles } from "../../../shared/maps.ts";
import { mountMap, type MapState } from "../../../shared/browser/map-mount.ts";
import { useI18n } from "../i18n.tsx";

let tilesPromise: Promise<MapTiles | null> | null = null;

/** The tile server from /config.json, read once; a failure is retried on the next map. */
function mapTiles(): Promise<MapTiles | null> {
  if (!tilesPromise) {
    const promise = fetch("/config.json", { headers: { accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`/config.json answered HTTP ${r.status}`))))
      .then((config: unknown) => {
        const tiles = config && typeof config === "object" ? (config as { mapTiles?: unknown }).mapTiles : null;
        return isMapTiles(tiles) ? tiles : null;
      });
    tilesPromise = promise;
    promise.catch(() => {
      if (tilesPromise === promise) tilesPromise = null;
    });
  }
  return tilesPromise;
}

export interface Place {
  name: string;
  address: string | null;
  city: string;
  latitude: number | null;
  longitude: number | null;
}

export function PropertyMap({ place }: { place: Place }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const hasPoint = place.latitude !== null && place.longitude !== null;
  return (
    <details className="place" data-testid="property-place" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t("place.map")}</summary>
      <p className="place-address">
        <span>{fullAddress(place)}</span>{" "}
        <a href={openInMapsUrl(place)} target="_blank" rel="noopener noreferrer" aria-label={t("place.openInMapsLabel", { property: place.name })} data-testid="open-in-maps">
          {t("place.openInMaps")}
        </a>
      </p>
      {open && hasPoint ? <MapView place={place} /> : null}
    </details>
  );
}

function MapView({ place }: { place: Place }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<MapState>("loading");
  const label = t("place.mapLabel", { property: place.name });
  const [zoomInLabel, zoomOutLabel] = [t("place.zoomIn"), t("place.zoomOut")];
  const { latitude, longitude } = place;
  useEffect(
    () => mountMap(() => ref.current, mapTiles(), { latitude: latitude!, longitude: longitude!, label, zoomInLabel, zoomOutLabel }, setState),
    [latitude, longitude, label, zoomInLabel, zoomOutLabel],
  );
  if (state === "none") return null;
  return (
    <>
      {state === "loading" ? <p className="muted small" role="status">{t("place.mapLoading")}</p> : null}
      {state === "failed" ? <p className="muted small" role="status">{t("place.mapFailed")}</p> : null}
      <div ref={ref} className="map" data-testid="property-map" data-state={state} hidden={state === "failed"} />
      {state === "shown" ? <p className="muted small">{t("place.mapHelp")}</p> : null}
    </>
  );
}
