// The revenue screens (rate calendar, setup, extras) and their menu entry.
// App.tsx mounts the routes inside <CustomRoutes>; the menu (app/Layout.tsx)
// shows the entry only to roles that may use it at the selected property (access.ts).
import PriceChangeIcon from "@mui/icons-material/PriceChange";
import { Navigate, Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";
import { RevenuePage, revenuePath } from "./RevenuePage.tsx";

export const revenueRoutes = (
  <>
    <Route path="/revenue" element={<Navigate to={revenuePath("calendar")} replace />} />
    <Route path="/revenue/:tab" element={<RevenuePage />} />
  </>
);

export const revenueMenu: MenuEntry[] = [
  { resource: "revenue", action: "show", to: revenuePath("calendar"), label: "Revenue", icon: <PriceChangeIcon /> },
];
