// The front desk's screens beyond the reservation pages, and their menu
// entries: the tape chart and a booking by phone. App.tsx mounts the routes
// inside <CustomRoutes> (within the layout, signed in); the menu (app/Layout.tsx)
// shows each entry only to roles that may use it (access.ts).
import AddIcCallIcon from "@mui/icons-material/AddIcCall";
import ViewTimelineIcon from "@mui/icons-material/ViewTimeline";
import { Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";
import { NewBooking } from "./NewBooking.tsx";
import { newBookingPath, tapeChartPath } from "./paths.ts";
import { TapeChart } from "./TapeChart.tsx";

export const frontDeskRoutes = (
  <>
    <Route path={tapeChartPath} element={<TapeChart />} />
    <Route path={newBookingPath} element={<NewBooking />} />
  </>
);

export const frontDeskMenu: MenuEntry[] = [
  { resource: "tape_chart", action: "show", to: tapeChartPath, label: "Tape chart", icon: <ViewTimelineIcon /> },
  { resource: "bookings", action: "create", to: newBookingPath, label: "New booking", icon: <AddIcCallIcon /> },
];
