// The desk's money screens beyond a folio: the cash drawer and the
// companies (city ledger, AR aging). App.tsx mounts the routes inside
// <CustomRoutes>; the menu (app/Layout.tsx) shows each entry only to roles
// that may use it at the selected property (access.ts).
import BusinessIcon from "@mui/icons-material/Business";
import PointOfSaleIcon from "@mui/icons-material/PointOfSale";
import { Navigate, Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";
import { CashDrawerPage, cashDrawerPath } from "./CashDrawer.tsx";
import { CompaniesPage, companiesPath } from "./Companies.tsx";

export const deskMoneyRoutes = (
  <>
    <Route path={cashDrawerPath} element={<CashDrawerPage />} />
    <Route path="/companies" element={<Navigate to={companiesPath("list")} replace />} />
    <Route path="/companies/:tab" element={<CompaniesPage />} />
  </>
);

export const deskMoneyMenu: MenuEntry[] = [
  { resource: "cash_drawer", action: "show", to: cashDrawerPath, label: "Cash drawer", icon: <PointOfSaleIcon /> },
  { resource: "companies", action: "list", to: companiesPath("list"), label: "Companies", icon: <BusinessIcon /> },
];
