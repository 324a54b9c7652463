// The Guests screens (issue 21) and their menu entry: the list and a
// guest's profile. App.tsx mounts the routes inside <CustomRoutes>; the menu
// (app/Layout.tsx) shows the entry to the roles that may use it (access.ts).
import PeopleIcon from "@mui/icons-material/People";
import { Route } from "react-router-dom";
import type { MenuEntry } from "../../ui/menu.tsx";
import { GuestList } from "./GuestList.tsx";
import { GuestProfile } from "./GuestProfile.tsx";
import { guestsPath } from "./paths.ts";

export const guestsRoutes = (
  <>
    <Route path={guestsPath} element={<GuestList />} />
    <Route path={`${guestsPath}/:id`} element={<GuestProfile />} />
  </>
);

export const guestsMenu: MenuEntry[] = [{ resource: "guests", action: "list", to: guestsPath, label: "Guests", icon: <PeopleIcon /> }];
