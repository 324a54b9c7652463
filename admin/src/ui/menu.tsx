// A menu entry a feature adds to the console's menu (features/<feature>/routes.tsx; app/Layout.tsx lists them):
// shown only to roles that may use it at the selected property (access.ts, through canAccess).
import type { ReactElement } from "react";
import { Menu, useCanAccess } from "react-admin";

export interface MenuEntry {
  resource: string;
  action: string;
  to: string;
  label: string;
  icon: ReactElement;
}

function MenuEntryItem({ entry }: { entry: MenuEntry }) {
  const { canAccess } = useCanAccess({ resource: entry.resource, action: entry.action });
  return canAccess ? <Menu.Item to={entry.to} primaryText={entry.label} leftIcon={entry.icon} /> : null;
}

/** The entries, in order, each behind its role check. */
export function MenuEntries({ entries }: { entries: readonly MenuEntry[] }) {
  return (
    <>
      {entries.map((entry) => (
        <MenuEntryItem key={entry.to} entry={entry} />
      ))}
    </>
  );
}
