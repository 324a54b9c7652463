// The console's frame: react-admin's layout with the property switcher in
// the app bar and a menu that follows the user's role at the property
// (resources the role may not list are left out by canAccess).
import RefreshIcon from "@mui/icons-material/Refresh";
import TodayIcon from "@mui/icons-material/Today";
import { CircularProgress, IconButton, Tooltip } from "@mui/material";
import type { ReactNode } from "react";
import { AppBar, Layout, Menu, TitlePortal, UserMenu, useCanAccess, useGetIdentity, useLoading, useRefresh } from "react-admin";
import { accountingMenu } from "../features/accounting/routes.tsx";
import { deskMoneyMenu } from "../features/folio/routes.tsx";
import { frontDeskMenu } from "../features/frontdesk/routes.tsx";
import { groupsMenu } from "../features/groups/routes.tsx";
import { guestsMenu } from "../features/guests/routes.tsx";
import { propertyMenu } from "../features/property/routes.tsx";
import { reportsMenu } from "../features/reports/routes.tsx";
import { revenueMenu } from "../features/revenue/routes.tsx";
import { systemMenu } from "../features/system/routes.tsx";
import { LiveStatus } from "../platform/live/LiveStatus.tsx";
import { MenuEntries } from "../ui/menu.tsx";
import { PropertySwitcher } from "./PropertySwitcher.tsx";

/** react-admin's refresh button and spinner, with accessible names (its own spinner has none). */
function RefreshOrLoading() {
  const loading = useLoading();
  const refresh = useRefresh();
  if (loading) return <CircularProgress color="inherit" size={20} thickness={3} aria-label="Loading" sx={{ mx: 1.5 }} />;
  return (
    <Tooltip title="Refresh">
      <IconButton color="inherit" aria-label="Refresh" onClick={() => refresh()}>
        <RefreshIcon />
      </IconButton>
    </Tooltip>
  );
}

/**
 * react-admin's user menu, named after what it shows: on a wide screen the
 * button's text is the user's name, and its accessible name must contain it
 * (WCAG 2.5.3, label in name); react-admin's own label is "Profile".
 */
function AccountMenu() {
  const { identity } = useGetIdentity();
  return <UserMenu label={identity?.fullName ? `${identity.fullName}: account` : "Account"} />;
}

function KeeprAppBar() {
  return (
    <AppBar
      userMenu={<AccountMenu />}
      toolbar={
        <>
          <LiveStatus />
          <PropertySwitcher />
          <RefreshOrLoading />
        </>
      }
    >
      {/* On a phone the title takes two lines of a smaller font rather than being cut to a letter (issue 21). */}
      <TitlePortal
        sx={{
          fontSize: { xs: "0.95rem", sm: undefined },
          lineHeight: { xs: 1.2, sm: undefined },
          whiteSpace: { xs: "normal", sm: "nowrap" },
          display: { xs: "-webkit-box", sm: "block" },
          WebkitLineClamp: { xs: 2 },
          WebkitBoxOrient: "vertical",
          minWidth: 0,
        }}
      />
    </AppBar>
  );
}

/** "Today" (the dashboard) for the roles that read reservations; housekeeping works from its board. */
function TodayItem() {
  const { canAccess } = useCanAccess({ resource: "dashboard", action: "show" });
  return canAccess ? <Menu.DashboardItem primaryText="Today" leftIcon={<TodayIcon />} /> : null;
}

/** The features' entries between "Today" and the react-admin resources, in this order. */
const featureMenu = [...frontDeskMenu, ...groupsMenu, ...guestsMenu, ...deskMoneyMenu, ...accountingMenu, ...reportsMenu, ...revenueMenu, ...propertyMenu, ...systemMenu];

function KeeprMenu() {
  return (
    <Menu>
      <TodayItem />
      <MenuEntries entries={featureMenu} />
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
