// The console's frame: react-admin's layout with the property switcher in
// the app bar and a menu that follows the user's role at the property
// (resources the role may not list are left out by canAccess).
import TodayIcon from "@mui/icons-material/Today";
import type { ReactNode } from "react";
import { AppBar, Layout, LoadingIndicator, Menu, TitlePortal } from "react-admin";
import { BackofficeMenuItems } from "../backoffice/routes.tsx";
import { FrontDeskMenuItems } from "../frontdesk/routes.tsx";
import { LiveStatus } from "../live/LiveStatus.tsx";
import { PropertySwitcher } from "./PropertySwitcher.tsx";

function KeeprAppBar() {
  return (
    <AppBar
      toolbar={
        <>
          <LiveStatus />
          <PropertySwitcher />
          <LoadingIndicator />
        </>
      }
    >
      <TitlePortal />
    </AppBar>
  );
}

function KeeprMenu() {
  return (
    <Menu>
      <Menu.DashboardItem primaryText="Today" leftIcon={<TodayIcon />} />
      <FrontDeskMenuItems />
      <BackofficeMenuItems />
      <Menu.ResourceItems />
    </Menu>
  );
}

export function KeeprLayout({ children }: { children: ReactNode }) {
  return (
    <Layout appBar={KeeprAppBar} menu={KeeprMenu}>
      {children}
    </Layout>
  );
}
