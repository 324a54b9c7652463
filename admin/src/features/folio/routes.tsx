// The desk's money screens beyond a folio: the cash drawer and the
// companies (city ledger, AR aging). App.tsx mounts the routes inside
// <CustomRoutes>; the menu shows each entry only to roles that may use it
// at the selected property (access.ts).
import BusinessIcon from "@mui/icons-material/Business";
import PointOfSaleIcon from "@mui/icons-material/PointOfSale";
import { Menu, useCanAccess } from "react-admin";
import { Navigate, Route } from "react-router-dom";
import { CashDrawerPage, cashDrawerPath } from "./CashDrawer.tsx";
import { CompaniesPage, companiesPath } from "./Companies.tsx";

export const deskMoneyRoutes = (
  <>
    <Route path={cashDrawerPath} element={<CashDrawerPage />} />
    <Route path="/companies" element={<Navigate to={companiesPath("list")} replace />} />
    <Route path="/companies/:tab" element={<CompaniesPage />} />
  </>
);

export function DeskMoneyMenuItems() {
  const cash = useCanAccess({ resource: "cash_drawer", action: "show" });
  const companies = useCanAccess({ resource: "companies", action: "list" });
  return (
    <>
      {cash.canAccess && <Menu.Item to={cashDrawerPath} primaryText="Cash drawer" leftIcon={<PointOfSaleIcon />} />}
      {companies.canAccess && <Menu.Item to={companiesPath("list")} primaryText="Companies" leftIcon={<BusinessIcon />} />}
    </>
  );
}
