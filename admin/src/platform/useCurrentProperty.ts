// The property the console works on: one of the user's memberships (the
// one chosen in the switcher, else the first), with the user's role there.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";
import { usePermissions } from "react-admin";
import { currentMembership, type Membership, type StaffPermissions } from "./authProvider.ts";
import { getSelectedPropertyId, setSelectedPropertyId, subscribeSelectedProperty } from "./session.ts";

export interface CurrentProperty {
  /** Undefined while the memberships load, or for a user with none. */
  membership: Membership | undefined;
  memberships: Membership[];
  permissions: StaffPermissions | undefined;
  isPending: boolean;
  select(propertyId: string): void;
}

export function useCurrentProperty(): CurrentProperty {
  const { permissions, isPending } = usePermissions<StaffPermissions>();
  const selectedId = useSyncExternalStore(subscribeSelectedProperty, getSelectedPropertyId);
  const queryClient = useQueryClient();
  const select = useCallback(
    (propertyId: string) => {
      setSelectedPropertyId(propertyId);
      // Lists, the dashboard and access checks (menus follow the role there) read the property.
      void queryClient.invalidateQueries();
    },
    [queryClient],
  );
  return {
    membership: currentMembership(permissions, selectedId),
    memberships: permissions?.memberships ?? [],
    permissions,
    isPending,
    select,
  };
}

/** The user's membership at a given property (e.g. a reservation's), if any. */
export function useMembershipAt(propertyId: string | undefined): Membership | undefined {
  const { memberships } = useCurrentProperty();
  return propertyId ? memberships.find((m) => m.propertyId === propertyId) : undefined;
}
