// The staff console: react-admin over Keepr's GraphQL API, served at
// /admin with real paths (the server falls back to index.html for them).
import { Admin, CustomRoutes, Resource } from "react-admin";
import { BrowserRouter } from "react-router-dom";
import { accountingRoutes } from "../features/accounting/routes.tsx";
import { FrontDeskDashboard } from "../features/dashboard/FrontDeskDashboard.tsx";
import { frontDeskRoutes } from "../features/frontdesk/routes.tsx";
import { guestsRoutes } from "../features/guests/routes.tsx";
import { groupsRoutes } from "../features/groups/routes.tsx";
import { deskMoneyRoutes } from "../features/folio/routes.tsx";
import { propertyRoutes } from "../features/property/routes.tsx";
import { reportsRoutes } from "../features/reports/routes.tsx";
import { revenueRoutes } from "../features/revenue/routes.tsx";
import { systemRoutes } from "../features/system/routes.tsx";
import { KeeprLayout } from "./Layout.tsx";
import { LoginPage } from "./LoginPage.tsx";
import { createAuthProvider } from "../platform/authProvider.ts";
import { createDataProvider } from "../platform/dataProvider.ts";
import { createGraphQLClient } from "../platform/graphql.ts";
import { getToken } from "../platform/session.ts";
import { reservationsResource } from "../features/reservations/resource.ts";
import { housekeepingResource } from "../features/housekeeping/resource.ts";
import { channelsResource } from "../features/channels/resource.ts";
import { theme } from "./theme.ts";

const client = createGraphQLClient({ token: getToken });
const authProvider = createAuthProvider(client);
const dataProvider = createDataProvider(client, authProvider.getPermissions);

export const basename = "/admin";

export function App() {
  return (
    <BrowserRouter basename={basename}>
      <Admin
        title="Keepr"
        dataProvider={dataProvider}
        authProvider={authProvider}
        dashboard={FrontDeskDashboard}
        layout={KeeprLayout}
        loginPage={LoginPage}
        theme={theme}
        requireAuth
        disableTelemetry
      >
        <Resource {...reservationsResource} />
        <Resource {...housekeepingResource} />
        <Resource {...channelsResource} />
        <CustomRoutes>{frontDeskRoutes}</CustomRoutes>
        <CustomRoutes>{groupsRoutes}</CustomRoutes>
        <CustomRoutes>{guestsRoutes}</CustomRoutes>
        <CustomRoutes>{accountingRoutes}</CustomRoutes>
        <CustomRoutes>{reportsRoutes}</CustomRoutes>
        <CustomRoutes>{revenueRoutes}</CustomRoutes>
        <CustomRoutes>{deskMoneyRoutes}</CustomRoutes>
        <CustomRoutes>{propertyRoutes}</CustomRoutes>
        <CustomRoutes>{systemRoutes}</CustomRoutes>
      </Admin>
    </BrowserRouter>
  );
}
