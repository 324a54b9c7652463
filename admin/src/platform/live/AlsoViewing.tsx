// "Also viewing: …" on a reservation's page: the other people who have it
// open right now, as avatars with their names (presence on the private
// channel reservation:<id>, see presence.ts). Nothing is shown when nobody
// else is there, or when the server has no realtime service.
import Avatar from "@mui/material/Avatar";
import AvatarGroup from "@mui/material/AvatarGroup";
import Stack from "@mui/material/Stack";
import Tooltip from "@mui/material/Tooltip";
import Typography from "@mui/material/Typography";
import { useCurrentProperty } from "../useCurrentProperty.ts";
import { useReservationViewers, type Viewer } from "./presence.ts";

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((w) => w.charAt(0).toUpperCase()).join("") || "?";
}

/** A colour per person, stable across pages; all dark enough for white initials (WCAG AA). */
const colours = ["#1d5c87", "#6d28d9", "#9d174d", "#166534", "#9a3412", "#155e75", "#3730a3", "#854d0e"];
function colourOf(userId: string): string {
  let hash = 0;
  for (const c of userId) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return colours[hash % colours.length]!;
}

function names(viewers: Viewer[]): string {
  if (viewers.length <= 2) return viewers.map((v) => v.name).join(" and ");
  return `${viewers[0]!.name}, ${viewers[1]!.name} and ${viewers.length - 2} more`;
}

export function AlsoViewing({ reservationId }: { reservationId: string }) {
  const { permissions } = useCurrentProperty();
  const me = permissions ? { userId: permissions.userId, name: permissions.displayName } : undefined;
  const { others } = useReservationViewers(reservationId, me);
  if (others.length === 0) return null;
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center", mr: "auto" }} data-testid="also-viewing" role="status">
      <Typography variant="body2" color="text.secondary">
        Also viewing: <span data-testid="also-viewing-names">{names(others)}</span>
      </Typography>
      <AvatarGroup max={4} sx={{ "& .MuiAvatar-root": { width: 32, height: 32, fontSize: 14 } }}>
        {others.map((viewer) => (
          <Tooltip key={viewer.userId} title={viewer.name}>
            <Avatar role="img" aria-label={viewer.name} sx={{ bgcolor: colourOf(viewer.userId) }}>
              {initials(viewer.name)}
            </Avatar>
          </Tooltip>
        ))}
      </AvatarGroup>
    </Stack>
  );
}
