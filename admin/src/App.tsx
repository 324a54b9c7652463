// The staff console: react-admin over Keepr's GraphQL API, served at
// /admin with real paths (the server falls back to index.html for them).
import { Admin, CustomRoutes, Resource } from "react-admin";
import { BrowserRouter } from "react-router-dom";
import { backofficeRoutes } from "./backoffice/routes.tsx";
import { FrontDeskDashboard } from "./dashboard/FrontDeskDashboard.tsx";
import { frontDeskRoutes } from "./frontdesk/routes.tsx";
import { deskMoneyRoutes } from "./folio/routes.tsx";
import { KeeprLayout } from "./layout/Layout.tsx";
import { LoginPage } from "./layout/LoginPage.tsx";
import { createAuthProvider } from "./providers/authProvider.ts";
import { createDataProvider } from "./providers/dataProvider.ts";
import { createGraphQLClient } from "./providers/graphql.ts";
import { getToken } from "./providers/session.ts";
import { reservationsResource } from "./resources/reservations/index.ts";
import { housekeepingResource } from "./resources/housekeeping/index.ts";
import { channelsResource } from "./resources/channels/index.ts";
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
        <CustomRoutes>{backofficeRoutes}</CustomRoutes>
        <CustomRoutes>{deskMoneyRoutes}</CustomRoutes>
      </Admin>
    </BrowserRouter>
  );
}
