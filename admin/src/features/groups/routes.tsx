// The group booking screens (issue 21) and their menu entry: a new group
// booking and a group's page. App.tsx mounts the routes inside
// <CustomRoutes>; the menu (app/Layout.tsx) shows the entry to the roles
// that may use it (access.ts).
import GroupAddIcon from "@mui/icons-material/GroupAdd";
import { Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";
import { GroupShow } from "./GroupShow.tsx";
import { NewGroupBooking } from "./NewGroupBooking.tsx";
import { newGroupPath } from "./paths.ts";

export const groupsRoutes = (
  <>
    <Route path={newGroupPath} element={<NewGroupBooking />} />
    <Route path="/groups/:id" element={<GroupShow />} />
  </>
);

export const groupsMenu: MenuEntry[] = [{ resource: "groups", action: "create", to: newGroupPath, label: "New group", icon: <GroupAddIcon /> }];
