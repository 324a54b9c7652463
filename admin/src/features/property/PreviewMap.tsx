// Property › Content's preview of the guest app's map (issue 22): the
// location as typed, on the tiles Keepr is configured with (MAP_TILES_URL,
// from /admin/config.json), drawn by the same module as the guest app's
// (shared/browser/map-mount.ts, Leaflet), loaded only when a property has a
// location. Without tiles it says so and links to the place in maps.
import Link from "@mui/material/Link";
import Typography from "@mui/material/Typography";
import Box from "@mui/material/Box";
import { useEffect, useRef, useState } from "react";
import { mountMap, type MapState } from "../../../../shared/browser/map-mount.ts";
import { openInMapsUrl } from "../../../../shared/maps.ts";
import { publicConfig } from "../../platform/publicConfig.ts";

export function PreviewMap({ latitude, longitude, name }: { latitude: number; longitude: number; name: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<MapState>("loading");
  useEffect(
    () => mountMap(() => ref.current, publicConfig().then((c) => c.mapTiles), { latitude, longitude, label: `Map of ${name}` }, setState),
    [latitude, longitude, name],
  );
  return (
    <Box sx={{ mt: 1 }}>
      <Box ref={ref} data-testid="preview-map" data-state={state} sx={{ height: 200, borderRadius: 1, border: 1, borderColor: "divider", display: state === "shown" || state === "loading" ? "block" : "none", zIndex: 0 }} />
      {state === "none" && (
        <Typography variant="body2" color="text.secondary">
          No map: Keepr has no tile server (MAP_TILES_URL). Guests see the address and a link to open it in maps.
        </Typography>
      )}
      {state === "failed" && (
        <Typography variant="body2" color="text.secondary">
          The map could not be shown.
        </Typography>
      )}
      <Link href={openInMapsUrl({ latitude, longitude, address: null, city: "" })} target="_blank" rel="noopener noreferrer" variant="body2">
        Open {latitude.toFixed(5)}, {longitude.toFixed(5)} in maps (new tab)
      </Link>
    </Box>
  );
}
