// The System page (the service's SLOs, job queue, failing jobs, feeds,
// realtime) and its menu entry, for owners and managers. App.tsx mounts the
// route inside <CustomRoutes>; the menu (app/Layout.tsx) shows the entry only
// to roles that may use it at the selected property (access.ts: system.show).
import MonitorHeartIcon from "@mui/icons-material/MonitorHeart";
import { Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";
import { SystemPage } from "./SystemPage.tsx";

export const systemPagePath = "/system";

export const systemRoutes = <Route path={systemPagePath} element={<SystemPage />} />;

export const systemMenu: MenuEntry[] = [{ resource: "system", action: "show", to: systemPagePath, label: "System", icon: <MonitorHeartIcon /> }];
