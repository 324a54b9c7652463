// The front desk's screens beyond the reservation pages, and their menu
// entries: the tape chart and a booking by phone. App.tsx mounts the routes
// inside <CustomRoutes> (within the layout, signed in); the menu shows each
// entry only to roles that may use it (access.ts).
import AddIcCallIcon from "@mui/icons-material/AddIcCall";
import ViewTimelineIcon from "@mui/icons-material/ViewTimeline";
import { Menu, useCanAccess } from "react-admin";
import { Route } from "react-router-dom";
import { NewBooking } from "./NewBooking.tsx";
import { newBookingPath, tapeChartPath } from "./paths.ts";
import { TapeChart } from "./TapeChart.tsx";

export const frontDeskRoutes = (
  <>
    <Route path={tapeChartPath} element={<TapeChart />} />
    <Route path={newBookingPath} element={<NewBooking />} />
  </>
);

export function FrontDeskMenuItems() {
  const chart = useCanAccess({ resource: "tape_chart", action: "show" });
  const booking = useCanAccess({ resource: "bookings", action: "create" });
  return (
    <>
      {chart.canAccess && <Menu.Item to={tapeChartPath} primaryText="Tape chart" leftIcon={<ViewTimelineIcon />} />}
      {booking.canAccess && <Menu.Item to={newBookingPath} primaryText="New booking" leftIcon={<AddIcCallIcon />} />}
    </>
  );
}
