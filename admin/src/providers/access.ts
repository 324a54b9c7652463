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
    // modify_reservation and move_unit: owner, manager, front desk
    modify: desk,
    move: desk,
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
  // A booking taken by phone (quote, hold, confirm as staff): owner, manager, front desk.
  bookings: {
    create: desk,
  },
  // The tape chart reads units, inventory claims and reservations (any staff
  // who may list reservations); moving a stay on it is the desk's.
  tape_chart: {
    show: money,
    move: desk,
  },
  // Housekeeping board: set_unit_status and update_housekeeping_task take
  // owner, manager, front desk and housekeeping; cancelling a task is the
  // managers' (update_housekeeping_task with 'cancelled').
  housekeeping: {
    list: ["owner", "manager", "front_desk", "housekeeping"],
    set_status: ["owner", "manager", "front_desk", "housekeeping"],
    update_task: ["owner", "manager", "front_desk", "housekeeping"],
    // housekeeping_tasks' insert policy: inspection and maintenance tasks
    create_task: ["owner", "manager", "front_desk", "housekeeping"],
    cancel_task: ["owner", "manager"],
  },
  // The channel manager, for owners and managers (channel_feeds' manage
  // policy; sync_channel_feed_now, resolve_channel_conflict and
  // channel_reconciliation also admit the front desk, who has no menu here).
  channels: {
    list: ["owner", "manager"],
    manage: ["owner", "manager"],
    sync: ["owner", "manager"],
    resolve: ["owner", "manager"],
  },
  // Accounting (menu "Accounting"; docs/admin.md, "Back office"). Folios,
  // the journal, accounts, owners, payouts and reconciliation are read by
  // owner, manager, accountant (RLS); pay: lock_reservation roles of pay;
  // refund_payment, issue_credit_note, run_payouts, mark_payout_paid and
  // resolving a difference: owner, manager, accountant; issue_invoice also
  // the front desk.
  accounting: {
    show: books,
    pay: money,
    refund: books,
    invoice: money,
    credit_note: books,
    payouts: books,
    resolve: books,
  },
  // Reports (occupancy, pickup, channel revenue: check_report) and exports
  // (request_export: per kind, below).
  reports: {
    show: books,
    export_reservations: money,
    export_guests: ["owner", "manager"],
    export_ledger: books,
    export_occupancy: books,
  },
  // Revenue (menu "Revenue"): room types, units, rate plans, LOS discounts
  // and the rate calendar are managed by owners and managers (policies
  // manage_manager, set_rates); fees and taxes also by accountants.
  revenue: {
    show: ["owner", "manager"],
    edit: ["owner", "manager"],
    fees: ["owner", "manager", "accountant"],
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
