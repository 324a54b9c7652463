// What each staff role sees and may do in the console, in one table. It
// mirrors the API's rules (the policies and the roles each function passes
// to require_staff / lock_reservation) so menus and buttons match what will
// work; the API's row-level security and functions remain the real guard.
import type { StaffRole } from "./documents.ts";

const all: readonly StaffRole[] = ["owner", "manager", "front_desk", "housekeeping", "accountant"];
const desk: readonly StaffRole[] = ["owner", "manager", "front_desk"];
const money: readonly StaffRole[] = ["owner", "manager", "front_desk", "accountant"];
const books: readonly StaffRole[] = ["owner", "manager", "accountant"];

export const accessMatrix = {
  dashboard: {
    // The front desk's day: housekeeping reads departures and arrivals too.
    show: all,
  },
  reservations: {
    list: money,
    show: money,
    // special requests (grant update (special_requests) to staff; policy: owner, manager, front desk)
    edit: desk,
    // lock_reservation roles of check_in, check_out, cancel_reservation, mark_no_show
    check_in: desk,
    check_out: desk,
    cancel: desk,
    no_show: desk,
    // folios, folio balances, payment intents, invoices: owner, manager, accountant, front desk
    folio: money,
    payments: money,
    // journal entries (the folio's line descriptions): owner, manager, accountant
    ledger: books,
    // notifications: owner, manager, front desk
    notifications: desk,
    // reservation_history: any staff of the property
    history: all,
  },
} as const satisfies Record<string, Record<string, readonly StaffRole[]>>;

export type AccessResource = keyof typeof accessMatrix;

/** Whether a role may do an action on a resource; unknown resources and actions are refused. */
export function roleAllows(role: StaffRole | undefined, resource: string, action: string): boolean {
  if (!role || !Object.hasOwn(accessMatrix, resource)) return false;
  const actions: Record<string, readonly StaffRole[]> = accessMatrix[resource as AccessResource];
  return Object.hasOwn(actions, action) ? (actions[action] ?? []).includes(role) : false;
}

export const roleLabels: Record<StaffRole, string> = {
  owner: "Owner",
  manager: "Manager",
  front_desk: "Front desk",
  housekeeping: "Housekeeping",
  accountant: "Accountant",
};
