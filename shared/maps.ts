// A property's place for both apps, without a map library (issue 22): the
// tile server's settings as /config.json gives them, checked at the door, and
// the "open in maps" link guests get with or without a map. The map itself is
// shared/browser/map.ts, loaded only when someone opens it.

/** The tile server (MAP_TILES_URL, MAP_TILES_ATTRIBUTION): a URL template and its attribution, plain text. */
export interface MapTiles {
  url: string;
  attribution: string;
}

/** Whether a value is a MapTiles as the server sends it. */
export function isMapTiles(value: unknown): value is MapTiles {
  if (!value || typeof value !== "object") return false;
  const { url, attribution } = value as { url?: unknown; attribution?: unknown };
  return typeof url === "string" && /^https?:\/\//.test(url) && typeof attribution === "string";
}

/**
 * A link that opens the place in the guest's maps (OpenStreetMap's site; a
 * phone offers its maps app): the point when the property has one, else a
 * search for its address.
 */
export function openInMapsUrl(place: { latitude: number | null; longitude: number | null; address: string | null; city: string }): string {
  if (place.latitude !== null && place.longitude !== null) {
    const lat = place.latitude.toFixed(6);
    const lon = place.longitude.toFixed(6);
    return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
  }
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(fullAddress(place))}`;
}

/** The address with its city, unless the address names it already ("Rua do Cais 12, Porto"). */
export function fullAddress(place: { address: string | null; city: string }): string {
  if (!place.address) return place.city;
  return place.address.toLocaleLowerCase().includes(place.city.toLocaleLowerCase()) ? place.address : `${place.address}, ${place.city}`;
}
