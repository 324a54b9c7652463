// What each staff role sees and may do in the console, in one table. Each
// entry names the staff role group of the API's rule (the policy, or the
// group each function passes to require_staff / lock_reservation) so menus
// and buttons match what will work; the API's row-level security and
// functions remain the real guard.
import type { StaffRole } from "./documents.ts";

/**
 * The staff role groups, by the names and with the roles of the API's one
 * declaration (app_hidden.staff_group_roles in SQL); tests/db/access_matrix.test.ts
 * checks they agree. Every entry below names a group, never a list of roles.
 */
export const staffGroups = {
  all_staff: ["owner", "manager", "front_desk", "housekeeping", "housekeeping_supervisor", "accountant"],
  owners: ["owner"],
  managers: ["owner", "manager"],
  front_office: ["owner", "manager", "front_desk"],
  cashiers: ["owner", "manager", "front_desk", "accountant"],
  back_office: ["owner", "manager", "accountant"],
  housekeeping_ops: ["owner", "manager", "front_desk", "housekeeping", "housekeeping_supervisor"],
  housekeeping_supervisors: ["owner", "manager", "housekeeping_supervisor"],
  housekeepers: ["housekeeping", "housekeeping_supervisor"],
} as const satisfies Record<string, readonly StaffRole[]>;

export type StaffGroup = keyof typeof staffGroups;

export const accessMatrix = {
  dashboard: {
    // The front desk's day (front_desk_day reads reservations: cashiers; housekeeping works from its board).
    show: "cashiers",
    // The allocator's moves of today's and tomorrow's arrivals (allocation_moves' policy: front office).
    room_changes: "front_office",
  },
  reservations: {
    list: "cashiers",
    show: "cashiers",
    // special requests (grant update (special_requests) to staff; policy: owner, manager, front desk)
    edit: "front_office",
    // lock_reservation roles of check_in, check_out, cancel_reservation, mark_no_show
    check_in: "front_office",
    // registration_cards' policy and record_registration_card: front office (identity documents)
    registration_card: "front_office",
    // set_do_not_disturb (lock_reservation with housekeeping_ops); the page itself is the cashiers'
    do_not_disturb: "housekeeping_ops",
    check_out: "front_office",
    cancel: "front_office",
    no_show: "front_office",
    // modify_reservation and move_unit: owner, manager, front desk
    modify: "front_office",
    // update_reservation_guest (lock_reservation with front_office): the guest's name, email, phone
    edit_guest: "front_office",
    move: "front_office",
    // pin_reservation_unit (lock_reservation with front_office); allocation_moves' policy: front office
    pin: "front_office",
    allocation_moves: "front_office",
    // folios, folio balances, payment intents, invoices: owner, manager, accountant, front desk
    folio: "cashiers",
    payments: "cashiers",
    // journal entries (the folio's line descriptions): owner, manager, accountant
    ledger: "back_office",
    // notifications: owner, manager, front desk
    notifications: "front_office",
    // reservation_history: cashiers (it holds money and guests' details)
    history: "cashiers",
    // The link from a History line to its request's trace (TRACE_UI_URL): the
    // trace holds the request's SQL and timings, for owners and managers.
    trace: "managers",
    // The payment guarantee: extend_payment_deadline (front office), waive_payment_guarantee (managers);
    // charge_card_on_file (cashiers).
    extend_deadline: "front_office",
    waive_guarantee: "managers",
    charge_card: "cashiers",
  },
  // Guests (issue 21): the Guests list and profiles for the front office
  // (search_guests reads profiles under the guests policy: cashiers, but
  // the screens are the desk's); update_guest and merge_guests check
  // front_office in the database.
  guests: {
    list: "front_office",
    show: "front_office",
    edit: "front_office",
    merge: "front_office",
  },
  // A booking taken by phone (quote, hold, confirm as staff): owner, manager, front desk.
  bookings: {
    create: "front_office",
  },
  // Group bookings (docs/booking.md, "Group and multi-room bookings"):
  // booking_groups' policy lets the property's cashiers read them; the
  // front office holds, confirms and cancels them (create_group_hold as
  // staff, confirm_group, cancel_group) and keeps the rooming list
  // (set_room_guest_name: lock_reservation with front_office), and changes
  // a confirmed group (add_group_room, change_group_dates, a room's
  // cancel_reservation: lock_booking_group / lock_reservation with front_office).
  groups: {
    show: "cashiers",
    create: "front_office",
    rooming_list: "front_office",
    cancel: "front_office",
    change: "front_office",
  },
  // The tape chart reads units, inventory claims and reservations (any staff
  // who may list reservations); moving a stay on it is the desk's.
  tape_chart: {
    show: "cashiers",
    move: "front_office",
  },
  // Housekeeping board: set_unit_status and update_housekeeping_task take
  // owner, manager, front desk and housekeeping; cancelling a task is the
  // managers' (update_housekeeping_task with 'cancelled').
  housekeeping: {
    list: "housekeeping_ops",
    set_status: "housekeeping_ops",
    update_task: "housekeeping_ops",
    // housekeeping_tasks' insert policy: inspection and maintenance tasks
    create_task: "housekeeping_ops",
    cancel_task: "managers",
    // assign_housekeeping_task(s): housekeeping supervisors, owners and managers give tasks to housekeepers
    assign_task: "housekeeping_supervisors",
    // set_housekeeping_task_priority: the same
    set_priority: "housekeeping_supervisors",
    // set_unit_status(…, 'inspected') and finishing an inspection task: the same, clean units only
    inspect: "housekeeping_supervisors",
    // properties.stayover_clean_nights (update_manager policy of properties): owners and managers
    stayover_policy: "managers",
  },
  // The channel manager, for owners and managers (channel_feeds' manage
  // policy; sync_channel_feed_now, resolve_channel_conflict,
  // accept_channel_feed_change and channel_reconciliation also admit the
  // front desk, who has no menu here).
  channels: {
    list: "managers",
    manage: "managers",
    sync: "managers",
    resolve: "managers",
    accept: "managers",
  },
  // Accounting (menu "Accounting"; docs/admin.md, "Back office"). Folios,
  // the journal, accounts, owners, payouts and reconciliation are read by
  // owner, manager, accountant (RLS); pay: lock_reservation roles of pay;
  // refund_payment, issue_credit_note, run_payouts, mark_payout_paid and
  // resolving a difference: owner, manager, accountant; issue_invoice,
  // set_folio_bill_to and send_invoice also the front desk;
  // set_property_legal_details: owner, manager, accountant.
  accounting: {
    show: "back_office",
    pay: "cashiers",
    refund: "back_office",
    invoice: "cashiers",
    bill_to: "cashiers",
    send_invoice: "cashiers",
    legal_details: "back_office",
    credit_note: "back_office",
    payouts: "back_office",
    resolve: "back_office",
  },
  // The desk's folio work (issue 18; docs/ledger.md, "At the desk"): the
  // roles each function passes to lock_reservation / its property check.
  // post_folio_charge, correct_folio_entry, take_folio_payment,
  // refund_folio_payment (cash, bank transfer), create_folio,
  // route_folio_postings, transfer_folio_to_city_ledger: cashiers;
  // post_folio_allowance (and a goodwill refund, which posts one): back office.
  folios: {
    charge: "cashiers",
    allowance: "back_office",
    correct: "cashiers",
    pay: "cashiers",
    refund: "cashiers",
    goodwill: "back_office",
    split: "cashiers",
    route: "cashiers",
    city_ledger: "cashiers",
  },
  // The cash drawer: open_cash_shift and close_cash_shift (cashiers), each
  // user their own shift; cash_shifts and cash_movements are read by cashiers.
  cash_drawer: {
    show: "cashiers",
    open: "cashiers",
    close: "cashiers",
    // close_cash_shift of a colleague's shift: back office
    close_any: "back_office",
  },
  // Companies (the city ledger): read by cashiers (the desk bills a stay to
  // one), created and edited by the back office and the desk; AR aging is
  // the back office's.
  companies: {
    list: "cashiers",
    edit: "cashiers",
    ar_aging: "back_office",
  },
  // Reports (occupancy, pickup, channel revenue: check_report) and exports
  // (request_export: per kind, below).
  reports: {
    show: "back_office",
    export_reservations: "cashiers",
    export_guests: "managers",
    export_ledger: "back_office",
    export_occupancy: "back_office",
    export_city_tax: "back_office",
  },
  // Revenue (menu "Revenue"): room types, units, rate plans, LOS discounts
  // and the rate calendar are managed by owners and managers (policies
  // manage_manager, set_rates); fees and taxes also by accountants.
  revenue: {
    show: "managers",
    edit: "managers",
    fees: "back_office",
  },
  // Property (menu "Property"): its guest-facing content (description,
  // photos, amenities, times, contact, arrival instructions, language) and
  // the stay-over cleaning policy. Every member reads the property
  // (select_published_or_member); the page is the front office's (the desk
  // answers guests from it), read-only for the front desk; the
  // update_manager policy lets owners and managers change it.
  property: {
    show: "front_office",
    edit: "managers",
  },
  // System (menu "System"): the service's SLOs, job queue, failing jobs,
  // feeds and realtime; GET /admin/api/system answers owners and managers
  // (server/system.ts), listing only their properties' jobs and feeds.
  system: {
    show: "managers",
  },
} as const satisfies Record<string, Record<string, StaffGroup>>;

export type AccessResource = keyof typeof accessMatrix;

/** Whether a role may do an action on a resource; unknown resources and actions are refused. */
export function roleAllows(role: StaffRole | undefined, resource: string, action: string): boolean {
  if (!role || !Object.hasOwn(accessMatrix, resource)) return false;
  const actions: Record<string, StaffGroup> = accessMatrix[resource as AccessResource];
  if (!Object.hasOwn(actions, action)) return false;
  const roles: readonly StaffRole[] = staffGroups[actions[action]!];
  return roles.includes(role);
}

export const roleLabels: Record<StaffRole, string> = {
  owner: "Owner",
  manager: "Manager",
  front_desk: "Front desk",
  housekeeping: "Housekeeping",
  housekeeping_supervisor: "Housekeeping supervisor",
  accountant: "Accountant",
};
