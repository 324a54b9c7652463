// The property page (its guest-facing content) and its menu entry. App.tsx
// mounts the route inside <CustomRoutes>; the menu (app/Layout.tsx) shows the
// entry only to roles that may read it at the selected property (access.ts:
// property.show; editing is property.edit).
import StorefrontIcon from "@mui/icons-material/Storefront";
import { Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";
import { PropertyPage, propertyPagePath } from "./PropertyPage.tsx";

export const propertyRoutes = <Route path={propertyPagePath} element={<PropertyPage />} />;

export const propertyMenu: MenuEntry[] = [{ resource: "property", action: "show", to: propertyPagePath, label: "Property", icon: <StorefrontIcon /> }];
