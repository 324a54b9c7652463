// The back office's screens and their menu entries: Accounting, Reports
// and Revenue. App.tsx mounts the routes inside <CustomRoutes> (within the
// layout, signed in); the menu shows each entry only to roles that may use
// it at the selected property (access.ts). Reports load on demand: the
// chart library is downloaded only by those who open them.
import AccountBalanceIcon from "@mui/icons-material/AccountBalance";
import InsightsIcon from "@mui/icons-material/Insights";
import PriceChangeIcon from "@mui/icons-material/PriceChange";
import LinearProgress from "@mui/material/LinearProgress";
import { lazy, Suspense } from "react";
import { Menu, useCanAccess } from "react-admin";
import { Navigate, Route } from "react-router-dom";
import { AccountingPage } from "./AccountingPage.tsx";
import { FolioPage } from "./FolioPage.tsx";
import { accountingPath } from "./paths.ts";
import { RevenuePage, revenuePath } from "../revenue/RevenuePage.tsx";

const ReportsPage = lazy(() => import("../reports/ReportsPage.tsx").then((m) => ({ default: m.ReportsPage })));

export const reportsPath = "/reports";

export const backofficeRoutes = (
  <>
    <Route path="/accounting" element={<Navigate to={accountingPath("folios")} replace />} />
    <Route path="/accounting/folios/:id" element={<FolioPage />} />
    <Route path="/accounting/:tab" element={<AccountingPage />} />
    <Route path="/revenue" element={<Navigate to={revenuePath("calendar")} replace />} />
    <Route path="/revenue/:tab" element={<RevenuePage />} />
    <Route
      path={reportsPath}
      element={
        <Suspense fallback={<LinearProgress sx={{ m: 2 }} />}>
          <ReportsPage />
        </Suspense>
      }
    />
  </>
);

export function BackofficeMenuItems() {
  const accounting = useCanAccess({ resource: "accounting", action: "show" });
  const reports = useCanAccess({ resource: "reports", action: "show" });
  const revenue = useCanAccess({ resource: "revenue", action: "show" });
  return (
    <>
      {accounting.canAccess && <Menu.Item to={accountingPath("folios")} primaryText="Accounting" leftIcon={<AccountBalanceIcon />} />}
      {reports.canAccess && <Menu.Item to={reportsPath} primaryText="Reports" leftIcon={<InsightsIcon />} />}
      {revenue.canAccess && <Menu.Item to={revenuePath("calendar")} primaryText="Revenue" leftIcon={<PriceChangeIcon />} />}
    </>
  );
}
