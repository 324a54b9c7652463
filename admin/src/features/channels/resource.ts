// The channel manager as a react-admin resource: its list route
// (/admin/channels) and menu entry, for owners and managers (access.ts).
import SyncAltIcon from "@mui/icons-material/SyncAlt";
import type { ResourceProps } from "react-admin";
import { ChannelsPage } from "./ChannelsPage.tsx";

export const channelsResource = {
  name: "channels",
  list: ChannelsPage,
  icon: SyncAltIcon,
  options: { label: "Channels" },
} satisfies ResourceProps;
