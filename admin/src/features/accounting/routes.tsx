// The accounting screens and their menu entry. App.tsx mounts the routes
// inside <CustomRoutes> (within the layout, signed in); the menu (app/Layout.tsx)
// shows the entry only to roles that may use it at the selected property (access.ts).
import AccountBalanceIcon from "@mui/icons-material/AccountBalance";
import { Navigate, Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";
import { AccountingPage } from "./AccountingPage.tsx";
import { FolioPage } from "./FolioPage.tsx";
import { accountingPath } from "./paths.ts";

export const accountingRoutes = (
  <>
    <Route path="/accounting" element={<Navigate to={accountingPath("folios")} replace />} />
    <Route path="/accounting/folios/:id" element={<FolioPage />} />
    <Route path="/accounting/:tab" element={<AccountingPage />} />
  </>
);

export const accountingMenu: MenuEntry[] = [
  { resource: "accounting", action: "show", to: accountingPath("folios"), label: "Accounting", icon: <AccountBalanceIcon /> },
];
