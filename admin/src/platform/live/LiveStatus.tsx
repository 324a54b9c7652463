// The app bar's word on live updates: "Live" when every channel the screen
// listens to is joined (changes arrive by themselves), "Reconnecting…"
// while one is being rejoined. Nothing when the screen listens to nothing
// or the server runs no realtime service.
import Chip from "@mui/material/Chip";
import Tooltip from "@mui/material/Tooltip";
import SensorsIcon from "@mui/icons-material/Sensors";
import SensorsOffIcon from "@mui/icons-material/SensorsOff";
import { useLiveState } from "./useLiveRefresh.ts";

export function LiveStatus() {
  const state = useLiveState();
  if (state === "idle" || state === "off") return null;
  const live = state === "live";
  const label = live ? "Live" : state === "connecting" ? "Connecting…" : "Reconnecting…";
  return (
    <Tooltip title={live ? "This screen updates by itself when anything changes." : "Reconnecting to live updates; the screen refreshes when it is back."}>
      <Chip
        data-testid="live-status"
        data-state={state}
        size="small"
        icon={live ? <SensorsIcon /> : <SensorsOffIcon />}
        label={label}
        // On a phone the word would push the title away: the icon says it, the label stays for screen readers.
        sx={(theme) => ({
          mx: 1,
          color: "inherit",
          borderColor: "currentColor",
          "& .MuiChip-icon": { color: "inherit" },
          [theme.breakpoints.down("sm")]: {
            "& .MuiChip-label": { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap", p: 0 },
            "& .MuiChip-icon": { mx: "6px" },
          },
        })}
        variant="outlined"
      />
    </Tooltip>
  );
}
