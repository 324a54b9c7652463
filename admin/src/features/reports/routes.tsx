// The reports screen and its menu entry. It loads on demand: the chart
// library is downloaded only by those who open it. App.tsx mounts the route
// inside <CustomRoutes>; the menu (app/Layout.tsx) shows the entry only to
// roles that may use it at the selected property (access.ts).
import InsightsIcon from "@mui/icons-material/Insights";
import LinearProgress from "@mui/material/LinearProgress";
import { lazy, Suspense } from "react";
import { Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";

const ReportsPage = lazy(() => import("./ReportsPage.tsx").then((m) => ({ default: m.ReportsPage })));

export const reportsPath = "/reports";

export const reportsRoutes = (
  <Route
    path={reportsPath}
    element={
      <Suspense fallback={<LinearProgress sx={{ m: 2 }} />}>
        <ReportsPage />
      </Suspense>
    }
  />
);

export const reportsMenu: MenuEntry[] = [{ resource: "reports", action: "show", to: reportsPath, label: "Reports", icon: <InsightsIcon /> }];
