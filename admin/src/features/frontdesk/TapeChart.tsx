// The tape chart of the selected property: units (grouped by room type) by
// nights, a window of 7, 14 (default) or 30 days, or a calendar month
// (?view=month). It fits the page: at 30 days or a month on a 1440 px
// screen the nights shrink (to 28 px at least) and the unit column narrows,
// so nothing scrolls sideways; when it must scroll (a phone), it scrolls in
// its own frame, which also holds the rows: the date header and the unit
// column stay in view (sticky) however far it scrolls, and a bar scrolled
// into view lands beside them, not under them (scroll-padding). A stay too
// short for its name (one night at 30 days) has the name beside the bar,
// over the free nights that follow it (issue 21). From 100 units on, only
// the rows in view (and a screen's worth around them) are drawn: the others
// are spacers of their exact height (every row and room-type heading has a
// fixed height), so a 200-unit hotel scrolls as lightly as a small one. Every live claim is a bar
// from the afternoon of its first night to the morning after its last:
// stays labelled with the guest and coloured by status, holds, owner,
// maintenance and OTA blocks each drawn their own way, open channel
// conflicts hatched over what they collide with. One request draws it all
// (TapeChart: units, claims in the window with their reservations and
// guests, open conflicts), refreshed every 30 seconds and after each change.
//
// A stay is moved by dragging its bar: up or down to another unit (a room
// move), sideways to other dates (a change of dates), or both within a room
// type; the drop opens a confirm dialog with the price difference. The
// bar's menu does the same from the keyboard. Dragging a bar's end
// stretches or shortens the stay: its new price is asked first and shown
// on the bar, and Apply changes it (TapeChartActions.tsx; the menu's
// "Stretch or shorten the stay…" from the keyboard). Clicking a bar opens
// the reservation; clicking a free night, or dragging across free nights,
// starts a booking of that unit and those nights (the unit's name does it
// from the keyboard). Bookings without a unit wait on their room type's
// unassigned lane (none arise through the API today: the lane is drawn
// only when there are some); dragging one onto a unit gives it that unit.
//
// A stay pinned to its unit (by staff, or by a room move by hand) shows a
// pin: the allocator never moves it to make room for another booking.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import AlertTitle from "@mui/material/AlertTitle";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import IconButton from "@mui/material/IconButton";
import LinearProgress from "@mui/material/LinearProgress";
import Menu from "@mui/material/Menu";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import ToggleButton from "@mui/material/ToggleButton";
import ToggleButtonGroup from "@mui/material/ToggleButtonGroup";
import Tooltip from "@mui/material/Tooltip";
import Typography from "@mui/material/Typography";
import ChevronLeftIcon from "@mui/icons-material/ChevronLeft";
import ChevronRightIcon from "@mui/icons-material/ChevronRight";
import MoreVertIcon from "@mui/icons-material/MoreVert";
import PushPinIcon from "@mui/icons-material/PushPin";
import WarningAmberIcon from "@mui/icons-material/WarningAmber";
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent, type ReactNode, type RefObject } from "react";
import { Link, Title, useCanAccess, useCreatePath, useDataProvider } from "react-admin";
import { useNavigate, useSearchParams } from "react-router-dom";
import { formatMoney, formatTimestamp, humanize, todayIn } from "../../ui/format.ts";
import { useCurrentProperty } from "../../platform/useCurrentProperty.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { ReservationStatus } from "../../platform/documents.ts";
import type { ChartClaimNode, ChartConflictNode, ChartReservationNode, UnitNode } from "./documents.ts";
import { roleLabels } from "../../platform/access.ts";
import { shownError } from "../../ui/ApiErrorAlert.tsx";
import { addDays, dateRange, daysBetween, formatDayHeading, formatShortDate, isIsoDate, isoWeekday, plural } from "../../ui/dates.ts";
import { MoveStayDialog, type StayProposal, type StayToMove } from "./MoveStayDialog.tsx";
import { BookUnitDialog, StretchPanel } from "./TapeChartActions.tsx";
import { newBookingPath } from "./paths.ts";
import { arrivalTimeLabel } from "../reservations/arrivalTime.ts";

const windowSizes = [7, 14, 30] as const;
const rowHeight = 40;
/** The date header's height (weekday, day, occupancy). */
const headerHeight = 58;
/** The unit column: narrower when many nights share the width. */
const labelWidthFor = (days: number) => (days > 14 ? 116 : 168);
/** The narrowest night: a one-night bar still takes a click and shows a pin. */
const minCellWidthFor = (days: number) => (days > 14 ? 28 : 40);
/** A bar narrower than this shows its name beside it, when the nights after it are free. */
const spillBelow = 84;
/** A room type's heading row. */
const groupHeight = 44;
/** From this many units, rows out of view are not drawn (virtualised). */
const virtualFrom = 100;
/** Pixels drawn beyond the frame's top and bottom when virtualised. */
const overscan = 600;

/** The frame's vertical scroll position and height, kept up to date (animation-frame throttled). */
function useScrollView(ref: RefObject<HTMLElement | null>): { top: number; height: number } {
  const [view, setView] = useState({ top: 0, height: 800 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    let frame = 0;
    const read = () => {
      frame = 0;
      setView((old) => (old.top === element.scrollTop && old.height === element.clientHeight ? old : { top: element.scrollTop, height: element.clientHeight }));
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(read);
    };
    read();
    element.addEventListener("scroll", schedule, { passive: true });
    const observer = new ResizeObserver(schedule);
    observer.observe(element);
    return () => {
      element.removeEventListener("scroll", schedule);
      observer.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [ref]);
  return view;
}

/** The number of days in the calendar month of a date. */
function daysInMonth(date: string): number {
  const [y, m] = date.split("-").map(Number);
  return new Date(Date.UTC(y!, m!, 0)).getUTCDate();
}
/** Pixels a pointer must travel before a press on a bar becomes a drag. */
const dragThreshold = 5;

export function TapeChart() {
  const { membership, isPending } = useCurrentProperty();
  const show = useCanAccess({ resource: "tape_chart", action: "show" });
  const move = useCanAccess({ resource: "tape_chart", action: "move" });
  const book = useCanAccess({ resource: "bookings", action: "create" });
  if (!membership) return isPending ? null : <Alert severity="warning">You are not staff at any property.</Alert>;
  if (show.isPending) return <LinearProgress sx={{ m: 2 }} />;
  if (!show.canAccess) {
    return (
      <Alert severity="info" sx={{ mt: 2 }}>
        As {roleLabels[membership.role].toLowerCase()} at {membership.propertyName} you do not use the tape chart.
      </Alert>
    );
  }
  return <Chart key={membership.propertyId} membership={membership} canMove={move.canAccess === true} canBook={book.canAccess === true} />;
}

/** The width of an element, kept up to date. */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

interface ChartWindow {
  from: string;
  days: number;
  end: string;
  dates: string[];
}

/** A stay, hold or block placed on the chart. */
interface Placed {
  claim: ChartClaimNode;
  left: number;
  width: number;
  clippedStart: boolean;
  clippedEnd: boolean;
}

interface DragView {
  claimId: string;
  unitId: string;
  dayDelta: number;
  taken: string | null;
}

interface PendingMove {
  stay: StayToMove;
  initial: StayProposal;
}

/** A bar's start or end dragged to other nights (the stay's arrival or departure). */
interface StretchDrag {
  claimId: string;
  edge: "start" | "end";
  dayDelta: number;
}

/** A stretched (or shortened) stay waiting for the user's Apply: its price is asked first (quoteChange). */
interface PendingStretch {
  claim: ChartClaimNode;
  arrival: string;
  departure: string;
}

/** Free nights of a unit picked by a press and drag across its row (indexes into the window). */
interface NightSelection {
  unitId: string;
  anchor: number;
  head: number;
}

/** The lane of a room type's bookings that have no unit: a bar per booking, packed into as few rows as overlap allows. */
const laneUnitId = "";

/** A booking without a unit, drawn as a claim on the unassigned lane. */
function laneClaim(r: ChartReservationNode): ChartClaimNode {
  return { rowId: `unassigned:${r.rowId}`, unitId: laneUnitId, kind: "reservation", startDate: r.arrival, endDate: r.departure, expiresAt: null, note: null, reservation: r };
}

/** Packs bookings into rows where none overlap (first fit, by arrival). */
function packLanes(reservations: ChartReservationNode[]): ChartReservationNode[][] {
  const rows: ChartReservationNode[][] = [];
  for (const r of [...reservations].sort((a, b) => a.arrival.localeCompare(b.arrival) || a.rowId.localeCompare(b.rowId))) {
    const row = rows.find((placed) => placed.every((o) => o.departure <= r.arrival || o.arrival >= r.departure));
    if (row) row.push(r);
    else rows.push([r]);
  }
  return rows;
}

/** Where a claim's bar goes: from the middle of its first night's column to the middle of its departure's. */
function place(claim: Pick<ChartClaimNode, "startDate" | "endDate">, from: string, days: number, cell: number): Omit<Placed, "claim"> | null {
  const start = daysBetween(from, claim.startDate);
  const end = daysBetween(from, claim.endDate);
  if (end <= 0 || start >= days) return null;
  const left = Math.max(0, (start + 0.5) * cell);
  const right = Math.min(days * cell, (end + 0.5) * cell);
  return { left, width: Math.max(right - left, 8), clippedStart: start < 0, clippedEnd: end + 0.5 > days };
}

function overlaps(a: { startDate: string; endDate: string }, arrival: string, departure: string): boolean {
  return a.startDate < departure && a.endDate > arrival;
}

const blockLabels: Record<Exclude<ChartClaimNode["kind"], "reservation">, string> = {
  hold: "Hold",
  owner_block: "Owner stay",
  maintenance_block: "Maintenance",
  ota_block: "OTA booking",
};

/** What a bar says: the guest, or what the block is. */
function claimLabel(claim: ChartClaimNode): string {
  if (claim.kind === "reservation") return claim.reservation?.guest?.fullName ?? claim.reservation?.confirmationCode ?? "Reservation";
  if (claim.kind === "hold") return "Hold";
  return claim.note ? `${blockLabels[claim.kind]}: ${claim.note}` : blockLabels[claim.kind];
}

const statusStyles: Record<ReservationStatus, { bg: string; fg: string; border?: string }> = {
  held: { bg: "#fde68a", fg: "#3b2a00", border: "2px dashed #b45309" },
  confirmed: { bg: "#1d5c87", fg: "#ffffff" },
  checked_in: { bg: "#2e7d32", fg: "#ffffff" },
  checked_out: { bg: "#cfd8dc", fg: "#263238" },
  cancelled: { bg: "#eeeeee", fg: "#424242" },
  no_show: { bg: "#eeeeee", fg: "#424242" },
};

function barStyle(claim: ChartClaimNode): { background: string; color: string; border?: string } {
  switch (claim.kind) {
    case "reservation": {
      const s = statusStyles[claim.reservation?.status ?? "confirmed"];
      return { background: s.bg, color: s.fg, ...(s.border ? { border: s.border } : {}) };
    }
    case "hold":
      return { background: statusStyles.held.bg, color: statusStyles.held.fg, border: statusStyles.held.border! };
    case "maintenance_block":
      return { background: "repeating-linear-gradient(135deg, #5f6368 0 6px, #6b7075 6px 12px)", color: "#ffffff" };
    case "owner_block":
      return { background: "#6a1b9a", color: "#ffffff" };
    case "ota_block":
      return { background: "repeating-linear-gradient(135deg, #a33a0a 0 6px, #b7410e 6px 12px)", color: "#ffffff" };
  }
}

function Chart({ membership, canMove, canBook }: { membership: Membership; canMove: boolean; canBook: boolean }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const navigate = useNavigate();
  const createPath = useCreatePath();
  const [params, setParams] = useSearchParams();
  const today = todayIn(membership.timeZone);
  const fromParam = params.get("from");
  // 28 days was a window before 30 (issue 21): old links open 30.
  const daysParam = Number(params.get("days")) === 28 ? 30 : Number(params.get("days"));
  const month = params.get("view") === "month";
  const asked = fromParam && isIsoDate(fromParam) ? fromParam : today;
  // A month view starts on the 1st and shows the whole month.
  const from = month ? `${asked.slice(0, 8)}01` : asked;
  const days = month ? daysInMonth(from) : (windowSizes as readonly number[]).includes(daysParam) ? daysParam : 14;
  const win: ChartWindow = useMemo(() => ({ from, days, end: addDays(from, days), dates: dateRange(from, days) }), [from, days]);
  const setWindow = (next: { from?: string; days?: number; month?: boolean }) => {
    const search = new URLSearchParams(params);
    if (next.from !== undefined) search.set("from", next.from);
    if (next.days !== undefined) search.set("days", String(next.days));
    if (next.month === true) search.set("view", "month");
    if (next.month === false || next.days !== undefined) search.delete("view");
    setParams(search, { replace: true });
  };
  /** The window before or after this one: a month back or on in the month view. */
  const step = (direction: 1 | -1) =>
    month ? (direction === 1 ? addDays(from, days) : `${addDays(from, -1).slice(0, 8)}01`) : addDays(win.from, direction * win.days);
  const labelWidth = labelWidthFor(win.days);

  const query = useQuery({
    queryKey: ["tapeChart", membership.propertyId, win.from, win.days],
    queryFn: ({ signal }) => dataProvider.tapeChart({ propertyId: membership.propertyId, firstDate: win.from, endDate: win.end }, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  // Live: stays, blocks, units and conflicts changed anywhere (another desk, a guest online, a channel import).
  useLiveRefresh(["inventory_claims", "reservations", "units", "guests", "channel_conflicts"], [["tapeChart"]], { propertyId: membership.propertyId });
  const data = query.data;

  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(scroller);
  const view = useScrollView(scroller);
  const minCellWidth = minCellWidthFor(win.days);
  const cell = Math.max(minCellWidth, Math.floor((width - labelWidth) / win.days) || minCellWidth);

  const [moving, setMoving] = useState<PendingMove | null>(null);
  const [drag, setDrag] = useState<DragView | null>(null);

  const groups = useMemo(() => {
    if (!data) return [];
    return data.roomTypes
      .map((type) => ({
        type,
        units: data.units.filter((u) => u.roomTypeId === type.rowId),
        lanes: packLanes(data.unassigned.filter((r) => r.roomTypeId === type.rowId)),
      }))
      .filter((g) => g.units.length > 0 || g.lanes.length > 0);
  }, [data]);

  /** Where each room type's rows start, below the date header (every height is fixed). */
  const layout = useMemo(() => {
    let top = 0;
    return groups.map((g) => {
      const placed = { ...g, top };
      top += groupHeight + (g.lanes.length + g.units.length) * rowHeight;
      return placed;
    });
  }, [groups]);
  const virtual = (data?.units.length ?? 0) >= virtualFrom;
  /** A room type's units as drawn: those in view, and one spacer per run of rows out of view. */
  const rowsInView = (units: UnitNode[], unitsTop: number): Array<{ kind: "unit"; unit: UnitNode } | { kind: "spacer"; key: string; height: number }> => {
    if (!virtual) return units.map((unit) => ({ kind: "unit" as const, unit }));
    const from = view.top - headerHeight - overscan;
    const to = view.top + view.height + overscan;
    const out: Array<{ kind: "unit"; unit: UnitNode } | { kind: "spacer"; key: string; height: number }> = [];
    units.forEach((unit, i) => {
      const top = unitsTop + i * rowHeight;
      if (top + rowHeight >= from && top <= to) {
        out.push({ kind: "unit", unit });
        return;
      }
      const last = out[out.length - 1];
      if (last?.kind === "spacer") last.height += rowHeight;
      else out.push({ kind: "spacer", key: `spacer-${unit.rowId}`, height: rowHeight });
    });
    return out;
  };

  const claimsByUnit = useMemo(() => {
    const map = new Map<string, ChartClaimNode[]>();
    for (const claim of data?.claims ?? []) map.set(claim.unitId, [...(map.get(claim.unitId) ?? []), claim]);
    return map;
  }, [data]);

  const conflictsByUnit = useMemo(() => {
    const map = new Map<string, ChartConflictNode[]>();
    for (const conflict of data?.conflicts ?? []) map.set(conflict.unitId, [...(map.get(conflict.unitId) ?? []), conflict]);
    return map;
  }, [data]);

  /** Who holds the unit for some of those nights, as far as the chart knows (the moving stay itself aside). */
  const takenBy = (reservationId: string) => (unitId: string, arrival: string, departure: string): string | null => {
    const hit = (claimsByUnit.get(unitId) ?? []).find((c) => c.reservation?.rowId !== reservationId && overlaps(c, arrival, departure));
    return hit ? `${claimLabel(hit)}, ${formatShortDate(hit.startDate)} → ${formatShortDate(hit.endDate)}` : null;
  };

  const occupancy = useMemo(() => {
    const active = data?.units.filter((u) => u.isActive).length ?? 0;
    return win.dates.map((date) => {
      const taken = new Set((data?.claims ?? []).filter((c) => c.startDate <= date && c.endDate > date).map((c) => c.unitId));
      return { date, taken: taken.size, active };
    });
  }, [data, win.dates]);

  function stayOf(claim: ChartClaimNode): StayToMove | null {
    const r = claim.reservation;
    if (!r) return null;
    return {
      reservationId: r.rowId,
      confirmationCode: r.confirmationCode,
      status: r.status,
      guestName: r.guest?.fullName ?? r.confirmationCode ?? "the guest",
      arrival: r.arrival,
      departure: r.departure,
      unitId: r.unitId,
      roomTypeId: r.roomTypeId,
      totalAmount: r.totalAmount,
      currency: r.currency,
    };
  }

  /** Whether this bar may be dragged: the stay's current claim, confirmed or in house, by the desk. */
  function movable(claim: ChartClaimNode): { vertical: boolean; horizontal: boolean } {
    const r = claim.reservation;
    // A booking on the unassigned lane is given a unit by dragging it onto one (a room move); its dates change once it has one.
    if (canMove && claim.unitId === laneUnitId && r && r.unitId === null) return { vertical: r.status === "confirmed" || r.status === "checked_in", horizontal: false };
    if (!canMove || claim.kind !== "reservation" || !r || r.unitId !== claim.unitId) return { vertical: false, horizontal: false };
    if (r.status === "confirmed") return { vertical: true, horizontal: true };
    if (r.status === "checked_in") return { vertical: true, horizontal: false };
    return { vertical: false, horizontal: false };
  }

  const openReservation = (reservationId: string) => navigate(createPath({ resource: "reservations", id: reservationId, type: "show" }));

  const openMove = (claim: ChartClaimNode, proposal?: Partial<StayProposal>) => {
    const stay = stayOf(claim);
    if (!stay) return;
    setMoving({
      stay,
      initial: { unitId: proposal?.unitId ?? stay.unitId, arrival: proposal?.arrival ?? stay.arrival, departure: proposal?.departure ?? stay.departure },
    });
  };

  // ---- dragging ----------------------------------------------------------
  const dragRef = useRef<{ claim: ChartClaimNode; x: number; y: number; active: boolean; pointerId: number } | null>(null);
  const suppressClick = useRef(false);

  const unitAt = (x: number, y: number): string | null => {
    for (const element of document.elementsFromPoint(x, y)) {
      const row = element instanceof HTMLElement ? element.closest<HTMLElement>("[data-unit-row]") : null;
      if (row) return row.dataset.unitRow ?? null;
    }
    return null;
  };

  const dragTarget = (event: ReactPointerEvent, state: NonNullable<typeof dragRef.current>): DragView => {
    const rules = movable(state.claim);
    const dayDelta = rules.horizontal ? Math.round((event.clientX - state.x) / cell) : 0;
    const unitId = (rules.vertical ? unitAt(event.clientX, event.clientY) : null) ?? state.claim.unitId;
    const r = state.claim.reservation!;
    return { claimId: state.claim.rowId, unitId, dayDelta, taken: takenBy(r.rowId)(unitId, addDays(r.arrival, dayDelta), addDays(r.departure, dayDelta)) };
  };

  const dragHandlers = (claim: ChartClaimNode) => {
    const rules = movable(claim);
    if (!rules.vertical && !rules.horizontal) return {};
    return {
      onPointerDown(event: ReactPointerEvent<HTMLElement>) {
        if (event.button !== 0) return;
        dragRef.current = { claim, x: event.clientX, y: event.clientY, active: false, pointerId: event.pointerId };
        event.currentTarget.setPointerCapture(event.pointerId);
      },
      onPointerMove(event: ReactPointerEvent<HTMLElement>) {
        const state = dragRef.current;
        if (!state || state.pointerId !== event.pointerId) return;
        if (!state.active && Math.hypot(event.clientX - state.x, event.clientY - state.y) < dragThreshold) return;
        state.active = true;
        setDrag(dragTarget(event, state));
      },
      onPointerUp(event: ReactPointerEvent<HTMLElement>) {
        const state = dragRef.current;
        dragRef.current = null;
        if (!state || state.pointerId !== event.pointerId) return;
        if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
        setDrag(null);
        if (!state.active) return; // a click: opens the reservation
        suppressClick.current = true;
        setTimeout(() => (suppressClick.current = false), 0);
        const target = dragTarget(event, state);
        const r = state.claim.reservation!;
        if (target.dayDelta === 0 && target.unitId === state.claim.unitId) return;
        openMove(state.claim, { unitId: target.unitId, arrival: addDays(r.arrival, target.dayDelta), departure: addDays(r.departure, target.dayDelta) });
      },
      onPointerCancel() {
        dragRef.current = null;
        setDrag(null);
      },
    };
  };

  /** Which ends of the bar may be dragged: a confirmed stay's both, a guest in house only the departure. */
  function stretchable(claim: ChartClaimNode): { start: boolean; end: boolean } {
    const r = claim.reservation;
    if (!canMove || claim.kind !== "reservation" || !r || r.unitId === null || r.unitId !== claim.unitId) return { start: false, end: false };
    if (r.status === "confirmed") return { start: true, end: true };
    if (r.status === "checked_in") return { start: false, end: true };
    return { start: false, end: false };
  }

  const stretchRef = useRef<{ claim: ChartClaimNode; edge: "start" | "end"; x: number; pointerId: number } | null>(null);
  const [stretchDrag, setStretchDrag] = useState<StretchDrag | null>(null);
  const [stretch, setStretch] = useState<PendingStretch | null>(null);

  /** The stay's new dates for an end dragged by dayDelta nights (at least one night stays). */
  const stretched = (claim: ChartClaimNode, edge: "start" | "end", dayDelta: number): { arrival: string; departure: string } => {
    const r = claim.reservation!;
    const nights = daysBetween(r.arrival, r.departure);
    if (edge === "start") return { arrival: addDays(r.arrival, Math.min(dayDelta, nights - 1)), departure: r.departure };
    return { arrival: r.arrival, departure: addDays(r.departure, Math.max(dayDelta, 1 - nights)) };
  };

  const stretchHandlers = (claim: ChartClaimNode, edge: "start" | "end") => ({
    onPointerDown(event: ReactPointerEvent<HTMLElement>) {
      if (event.button !== 0) return;
      event.stopPropagation();
      stretchRef.current = { claim, edge, x: event.clientX, pointerId: event.pointerId };
      event.currentTarget.setPointerCapture(event.pointerId);
      setStretchDrag({ claimId: claim.rowId, edge, dayDelta: 0 });
    },
    onPointerMove(event: ReactPointerEvent<HTMLElement>) {
      const state = stretchRef.current;
      if (!state || state.pointerId !== event.pointerId) return;
      event.stopPropagation();
      const dayDelta = Math.round((event.clientX - state.x) / cell);
      setStretchDrag((old) => (old && old.dayDelta === dayDelta ? old : { claimId: claim.rowId, edge, dayDelta }));
    },
    onPointerUp(event: ReactPointerEvent<HTMLElement>) {
      const state = stretchRef.current;
      stretchRef.current = null;
      if (!state || state.pointerId !== event.pointerId) return;
      event.stopPropagation();
      if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
      setStretchDrag(null);
      suppressClick.current = true;
      setTimeout(() => (suppressClick.current = false), 0);
      const dayDelta = Math.round((event.clientX - state.x) / cell);
      if (dayDelta === 0) return;
      setStretch({ claim, ...stretched(claim, edge, dayDelta) });
    },
    onPointerCancel() {
      stretchRef.current = null;
      setStretchDrag(null);
    },
    onClick(event: ReactMouseEvent<HTMLElement>) {
      event.stopPropagation();
    },
  });

  // ---- free nights picked to book ---------------------------------------
  const [selection, setSelection] = useState<NightSelection | null>(null);
  const [bookingUnit, setBookingUnit] = useState<UnitNode | null>(null);
  /** Whether the unit has a live claim on the night (the chart's view; the API decides). */
  const nightTaken = (unitId: string, date: string) => (claimsByUnit.get(unitId) ?? []).some((c) => c.startDate <= date && c.endDate > date);
  /** Starts New booking on that unit and those nights [arrival, departure), prefilled. */
  const bookNights = (unit: UnitNode, arrival: string, departure: string) => {
    const search = new URLSearchParams({ arrival, departure, roomTypeId: unit.roomTypeId, unitId: unit.rowId });
    navigate(`${newBookingPath}?${search.toString()}`);
  };

  useEffect(() => {
    if (!drag && !stretchDrag && !selection) return;
    const cancel = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        stretchRef.current = null;
        setStretchDrag(null);
        setSelection(null);
      }
    };
    window.addEventListener("keydown", cancel);
    return () => window.removeEventListener("keydown", cancel);
  }, [drag, stretchDrag, selection]);

  useEffect(() => {
    if (!drag) return;
    const cancel = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        dragRef.current = null;
        setDrag(null);
      }
    };
    window.addEventListener("keydown", cancel);
    return () => window.removeEventListener("keydown", cancel);
  }, [drag]);

  const dragged = drag ? data?.claims.find((c) => c.rowId === drag.claimId) : undefined;
  /** One unit's row, with its bars and the ghost of a stay dragged onto it. */
  const renderUnit = (unit: UnitNode) => (
    <UnitRow
      key={unit.rowId}
      labelWidth={labelWidth}
      unit={unit}
      win={win}
      cell={cell}
      todayIndex={todayIndex}
      claims={claimsByUnit.get(unit.rowId) ?? []}
      conflicts={conflictsByUnit.get(unit.rowId) ?? []}
      selection={selection?.unitId === unit.rowId ? selection : null}
      onSelect={canBook ? setSelection : undefined}
      onBook={canBook ? (arrival, departure) => bookNights(unit, arrival, departure) : undefined}
      onBookByKeyboard={canBook ? () => setBookingUnit(unit) : undefined}
      renderBar={(placed, spill) => (
        <Bar
          key={placed.claim.rowId}
          placed={placed}
          spill={spill}
          timeZone={membership.timeZone}
          isDragged={drag?.claimId === placed.claim.rowId}
          movable={movable(placed.claim)}
          handlers={dragHandlers(placed.claim)}
          stretchable={stretchable(placed.claim)}
          stretchHandlers={(edge) => stretchHandlers(placed.claim, edge)}
          onOpen={() => {
            if (suppressClick.current) return;
            if (placed.claim.reservation) openReservation(placed.claim.reservation.rowId);
          }}
          onMove={() => openMove(placed.claim)}
          onStretch={() => setStretch({ claim: placed.claim, arrival: placed.claim.reservation!.arrival, departure: placed.claim.reservation!.departure })}
        />
      )}
      ghost={ghostFor(unit.rowId)}
    />
  );

  /** What is drawn over a unit's row while a stay is dragged onto it, stretched, or waits for Apply. */
  const ghostFor = (unitId: string): ReactNode => {
    if (drag && dragged && drag.unitId === unitId && (drag.dayDelta !== 0 || drag.unitId !== dragged.unitId)) {
      const r = dragged.reservation!;
      return <Ghost startDate={addDays(r.arrival, drag.dayDelta)} endDate={addDays(r.departure, drag.dayDelta)} taken={drag.taken} win={win} cell={cell} />;
    }
    const stretching = stretchDrag ? data?.claims.find((c) => c.rowId === stretchDrag.claimId) : undefined;
    if (stretchDrag && stretching && stretching.unitId === unitId && stretchDrag.dayDelta !== 0) {
      const next = stretched(stretching, stretchDrag.edge, stretchDrag.dayDelta);
      const taken = takenBy(stretching.reservation!.rowId)(unitId, next.arrival, next.departure);
      return <Ghost startDate={next.arrival} endDate={next.departure} taken={taken} win={win} cell={cell} testId="stretch-ghost" />;
    }
    if (stretch && stretch.claim.unitId === unitId && (stretch.arrival !== stretch.claim.reservation!.arrival || stretch.departure !== stretch.claim.reservation!.departure)) {
      return <Ghost startDate={stretch.arrival} endDate={stretch.departure} taken={null} win={win} cell={cell} testId="stretch-ghost" text={stretchText} tone={stretchTone} />;
    }
    return null;
  };


  // What the pending stretch's price check says, shown on its bar (set by the panel: the price, or the API's code).
  const [stretchNote, setStretchNote] = useState<{ text: string; tone: "pending" | "ok" | "error" } | null>(null);
  const stretchText = stretchNote?.text;
  const stretchTone = stretchNote?.tone;

  const ready = query.isSuccess && !query.isPlaceholderData;
  const trackWidth = win.days * cell;
  const todayIndex = daysBetween(win.from, today);

  return (
    <Box sx={{ mt: 2, mb: 4 }}>
      <Title title={`Tape chart · ${membership.propertyName}`} />
      <Stack direction={{ xs: "column", md: "row" }} spacing={2} sx={{ mb: 2, alignItems: { md: "center" }, flexWrap: "wrap" }} useFlexGap>
        <Typography variant="h5" component="h1" sx={{ mr: 1 }}>
          Tape chart
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }} useFlexGap>
          <IconButton aria-label={month ? "Previous month" : `Previous ${win.days} days`} onClick={() => setWindow({ from: step(-1) })}>
            <ChevronLeftIcon />
          </IconButton>
          <Button variant="outlined" size="small" onClick={() => setWindow({ from: today })} disabled={month ? today.startsWith(from.slice(0, 8)) : win.from === today}>
            Today
          </Button>
          <IconButton aria-label={month ? "Next month" : `Next ${win.days} days`} onClick={() => setWindow({ from: step(1) })}>
            <ChevronRightIcon />
          </IconButton>
          <TextField
            label="From"
            type="date"
            size="small"
            value={win.from}
            onChange={(e) => isIsoDate(e.target.value) && setWindow({ from: e.target.value })}
            slotProps={{ inputLabel: { shrink: true } }}
            sx={{ width: 170 }}
          />
          <ToggleButtonGroup
            size="small"
            exclusive
            value={month ? "month" : win.days}
            onChange={(_event, value: number | "month" | null) => {
              if (value === "month") setWindow({ month: true });
              else if (value) setWindow({ days: value });
            }}
            aria-label="Days shown"
          >
            {windowSizes.map((n) => (
              <ToggleButton key={n} value={n} aria-label={`${n}d, ${n} days`}>
                {n}d
              </ToggleButton>
            ))}
            <ToggleButton value="month">
              Month
            </ToggleButton>
          </ToggleButtonGroup>
        </Stack>
        <Legend />
      </Stack>

      {query.isError && <Alert severity="error" sx={{ mb: 2 }}>{shownError(query.error).message}</Alert>}
      {data && data.conflicts.length > 0 && <Conflicts conflicts={data.conflicts} units={data.units} claims={data.claims} />}

      <Box
        ref={scroller}
        data-testid="tape-chart"
        data-state={ready ? "ready" : "loading"}
        data-from={win.from}
        data-days={win.days}
        data-virtual={virtual ? "true" : "false"}
        data-cell={cell}
        // width 0, at least 100%: the chart scrolls inside its frame and never widens the page (a phone). The frame
        // scrolls the rows too (at most the window's height), so the sticky date header stays in view.
        sx={{
          overflow: "auto", border: 1, borderColor: "divider", borderRadius: 1, bgcolor: "background.paper", position: "relative", width: 0, minWidth: "100%",
          maxHeight: "max(320px, calc(100vh - 190px))", scrollPaddingLeft: labelWidth, scrollPaddingTop: headerHeight,
        }}
        role="region"
        // Focusable, so the keyboard can scroll it even when no stay is in view (axe: scrollable-region-focusable).
        tabIndex={0}
        aria-label={`Tape chart from ${formatShortDate(win.from)}, ${plural(win.days, "day")}`}
      >
        {query.isFetching && <LinearProgress sx={{ position: "absolute", top: 0, left: 0, right: 0, height: 2, zIndex: 3 }} aria-label="Loading the tape chart" />}
        <Box sx={{ width: labelWidth + trackWidth, userSelect: drag || stretchDrag || selection ? "none" : undefined }}>
          <DateHeader win={win} cell={cell} today={today} occupancy={occupancy} labelWidth={labelWidth} />
          {!data && <Box sx={{ p: 2 }}><LinearProgress /></Box>}
          {data && data.units.length === 0 && (
            <Typography sx={{ p: 2 }} color="text.secondary">
              This property has no units yet.
            </Typography>
          )}
          {layout.map(({ type, units, lanes, top: groupTop }) => (
            <Box key={type.rowId} role="group" aria-label={type.name}>
              <Box sx={{ display: "flex", bgcolor: "#f3f4f6", borderTop: 1, borderColor: "divider", height: groupHeight, boxSizing: "border-box" }}>
                <Box sx={{ width: labelWidth, flexShrink: 0, px: labelWidth < 140 ? 1 : 1.5, py: 0.25, position: "sticky", left: 0, bgcolor: "#f3f4f6", zIndex: 2, overflow: "hidden" }}>
                  <Typography variant="subtitle2" component="h2" noWrap title={type.name}>
                    {type.name}
                  </Typography>
                  <Typography variant="caption" color="text.secondary" component="div" noWrap>
                    {plural(units.length, "unit")} · sleeps {type.maxOccupancy}
                  </Typography>
                </Box>
                <Box sx={{ width: trackWidth }} />
              </Box>
              {lanes.map((lane, i) => (
                <LaneRow
                  key={`lane-${i}`}
                  first={i === 0}
                  count={lanes.flat().length}
                  labelWidth={labelWidth}
                  win={win}
                  cell={cell}
                  todayIndex={todayIndex}
                  claims={lane.map(laneClaim)}
                  renderBar={(placed, spill) => (
                    <Bar
                      key={placed.claim.rowId}
                      placed={placed}
                      spill={spill}
                      timeZone={membership.timeZone}
                      isDragged={drag?.claimId === placed.claim.rowId}
                      movable={movable(placed.claim)}
                      handlers={dragHandlers(placed.claim)}
                      stretchable={{ start: false, end: false }}
                      stretchHandlers={(edge) => stretchHandlers(placed.claim, edge)}
                      onOpen={() => {
                        if (suppressClick.current) return;
                        openReservation(placed.claim.reservation!.rowId);
                      }}
                      onMove={() => openMove(placed.claim)}
                    />
                  )}
                />
              ))}
              {rowsInView(units, groupTop + groupHeight + lanes.length * rowHeight).map((item) => item.kind === "spacer" ? (
                <Box key={item.key} aria-hidden data-testid="rows-spacer" sx={{ height: item.height }} />
              ) : (
                renderUnit(item.unit)
              ))}
            </Box>
          ))}
        </Box>
      </Box>
      {data && (
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }} data-testid="tape-chart-summary">
          {plural(data.units.length, "unit")} · {plural(data.claims.filter((c) => c.kind === "reservation").length, "stay")},{" "}
          {plural(data.claims.filter((c) => c.kind === "hold").length, "hold")} and {plural(data.claims.filter((c) => c.kind !== "reservation" && c.kind !== "hold").length, "block")} in view
          {data.unassigned.length > 0 ? ` · ${plural(data.unassigned.length, "booking")} without a unit` : ""}
          {canMove ? " · drag a stay to another unit or other dates, its ends to stretch it, or use its menu (⋮)" : ""}
          {canBook ? " · click a free night, or drag across free nights, to book them" : ""}
        </Typography>
      )}
      {stretch && data && (
        <StretchPanel
          key={stretch.claim.rowId}
          stay={stayOf(stretch.claim)!}
          units={data.units}
          roomTypes={data.roomTypes}
          arrival={stretch.arrival}
          departure={stretch.departure}
          canMoveArrival={stretchable(stretch.claim).start}
          onChange={(next) => setStretch({ ...stretch, ...next })}
          onNote={setStretchNote}
          onClose={() => {
            setStretch(null);
            setStretchNote(null);
          }}
        />
      )}
      {bookingUnit && data && (
        <BookUnitDialog
          unit={bookingUnit}
          today={today}
          initialArrival={win.dates.find((d) => d >= today && !nightTaken(bookingUnit.rowId, d)) ?? (today >= win.from ? today : win.from)}
          takenBy={(arrival, departure) => takenBy("")(bookingUnit.rowId, arrival, departure)}
          onClose={() => setBookingUnit(null)}
          onBook={(arrival, departure) => bookNights(bookingUnit, arrival, departure)}
        />
      )}
      {moving && data && (
        <MoveStayDialog
          stay={moving.stay}
          initial={moving.initial}
          units={data.units}
          roomTypes={data.roomTypes}
          takenBy={takenBy(moving.stay.reservationId)}
          onClose={() => setMoving(null)}
        />
      )}
    </Box>
  );
}

function Legend() {
  const item = (label: string, style: { background: string; color: string; border?: string }) => (
    <Box component="span" sx={{ display: "inline-flex", alignItems: "center", gap: 0.5, mr: 1.5 }}>
      <Box component="span" aria-hidden sx={{ width: 18, height: 12, borderRadius: 0.5, ...style, boxSizing: "border-box" }} />
      <Typography variant="caption" component="span">
        {label}
      </Typography>
    </Box>
  );
  return (
    <Box sx={{ display: "flex", flexWrap: "wrap", alignItems: "center" }} aria-label="Legend" role="list">
      {[
        item("Confirmed", { background: statusStyles.confirmed.bg, color: "#fff" }),
        item("In house", { background: statusStyles.checked_in.bg, color: "#fff" }),
        item("Checked out", { background: statusStyles.checked_out.bg, color: "#000" }),
        item("Hold", { background: statusStyles.held.bg, color: "#000", border: "2px dashed #b45309" }),
        item("Maintenance", barStyle({ kind: "maintenance_block" } as ChartClaimNode)),
        item("Owner stay", barStyle({ kind: "owner_block" } as ChartClaimNode)),
        item("OTA booking", barStyle({ kind: "ota_block" } as ChartClaimNode)),
        item("Conflict", { background: "repeating-linear-gradient(45deg, rgba(198,40,40,.25) 0 4px, transparent 4px 8px)", color: "#000", border: "2px solid #c62828" }),
        <Box component="span" sx={{ display: "inline-flex", alignItems: "center", gap: 0.25, mr: 1.5 }} title="Pinned stays keep their unit: Keepr never moves them to make room for other bookings.">
          <PushPinIcon aria-hidden sx={{ fontSize: 16, transform: "rotate(45deg)" }} />
          <Typography variant="caption" component="span">
            Pinned to its unit
          </Typography>
        </Box>,
      ].map((node, i) => (
        <span role="listitem" key={i}>
          {node}
        </span>
      ))}
    </Box>
  );
}

function DateHeader({ win, cell, today, occupancy, labelWidth }: { win: ChartWindow; cell: number; today: string; occupancy: Array<{ date: string; taken: number; active: number }>; labelWidth: number }) {
  return (
    // Sticky at the top of the chart's frame: the dates stay in view below any number of rows.
    <Box sx={{ display: "flex", borderBottom: 1, borderColor: "divider", position: "sticky", top: 0, zIndex: 4, bgcolor: "background.paper", height: headerHeight, boxSizing: "border-box" }} data-testid="tape-chart-header">
      <Box sx={{ width: labelWidth, flexShrink: 0, px: 1.5, py: 0.5, position: "sticky", left: 0, bgcolor: "background.paper", zIndex: 5, display: "flex", flexDirection: "column", justifyContent: "flex-end" }}>
        <Typography variant="caption" color="text.secondary">
          Unit / occupied
        </Typography>
      </Box>
      {win.dates.map((date, i) => {
        const heading = formatDayHeading(date);
        const weekend = isoWeekday(date) >= 6;
        const isToday = date === today;
        const occ = occupancy[i]!;
        return (
          <Box
            key={date}
            data-date={date}
            sx={{
              width: cell,
              flexShrink: 0,
              textAlign: "center",
              py: 0.5,
              borderLeft: 1,
              borderColor: "divider",
              bgcolor: isToday ? "#e3f0fa" : weekend ? "#f5f5f5" : "background.paper",
              overflow: "hidden",
            }}
          >
            <Typography variant="caption" component="div" sx={{ lineHeight: 1.2, fontWeight: isToday ? 700 : undefined }}>
              {cell < 36 ? heading.weekday.slice(0, 2) : heading.weekday}
            </Typography>
            <Typography variant="body2" component="div" sx={{ lineHeight: 1.2, fontWeight: isToday ? 700 : 500 }}>
              {heading.day}
              {(i === 0 || heading.day === "1") && cell >= 44 ? ` ${heading.month}` : ""}
            </Typography>
            <Typography variant="caption" component="div" color="text.secondary" sx={{ lineHeight: 1.2 }} aria-label={`${occ.taken} of ${occ.active} units taken`}>
              {occ.taken}/{occ.active}
            </Typography>
          </Box>
        );
      })}
    </Box>
  );
}

const housekeepingColours: Record<UnitNode["housekeepingStatus"], string> = {
  clean: "#2e7d32",
  inspected: "#2e7d32",
  dirty: "#b45309",
  out_of_order: "#c62828",
};

/** The bars of a row placed over the window, and the room beside each short one for its name. */
function placeBars(claims: ChartClaimNode[], win: ChartWindow, cell: number): { placed: Placed[]; spillOf(p: Placed): number } {
  const trackWidth = win.days * cell;
  const placed = claims.flatMap((claim) => {
    const p = place(claim, win.from, win.days, cell);
    return p ? [{ claim, ...p }] : [];
  });
  /** Room beside a short bar for its name: up to the next bar of the unit, or the end of the window. */
  const spillOf = (p: Placed): number => {
    if (p.width >= spillBelow) return 0;
    const end = p.left + p.width;
    const next = Math.min(trackWidth, ...placed.filter((o) => o !== p && o.left >= end - 1).map((o) => o.left));
    return Math.max(0, Math.min(160, next - end - 6));
  };
  return { placed, spillOf };
}

/** One row of a room type's unassigned lane: bookings waiting for a unit (drag one onto a unit, or use its menu). */
function LaneRow({ first, count, labelWidth, win, cell, todayIndex, claims, renderBar }: {
  first: boolean;
  count: number;
  labelWidth: number;
  win: ChartWindow;
  cell: number;
  todayIndex: number;
  claims: ChartClaimNode[];
  renderBar(placed: Placed, spill: number): ReactNode;
}) {
  const { placed, spillOf } = placeBars(claims, win, cell);
  return (
    <Box data-lane="unassigned" sx={{ display: "flex", borderTop: 1, borderColor: "divider", height: rowHeight, boxSizing: "border-box", bgcolor: "#fff8e1" }}>
      <Box sx={{ width: labelWidth, flexShrink: 0, px: labelWidth < 140 ? 1 : 1.5, position: "sticky", left: 0, bgcolor: "#fff8e1", zIndex: 3, display: "flex", alignItems: "center", borderRight: 1, borderColor: "divider", overflow: "hidden" }}>
        {first && (
          <Box sx={{ minWidth: 0 }} title={`${plural(count, "booking")} without a unit`}>
            <Typography variant="body2" component="div" sx={{ fontWeight: 600, color: "#5d4200", lineHeight: 1.2 }} noWrap>
              Unassigned
            </Typography>
            <Typography variant="caption" component="div" sx={{ color: "#5d4200", lineHeight: 1.2 }} noWrap>
              {plural(count, "booking")}
            </Typography>
          </Box>
        )}
      </Box>
      <Box sx={{ position: "relative", width: win.days * cell, flexShrink: 0, backgroundImage: `repeating-linear-gradient(to right, transparent 0 ${cell - 1}px, rgba(0,0,0,0.08) ${cell - 1}px ${cell}px)` }}>
        {todayIndex >= 0 && todayIndex < win.days && (
          <Box aria-hidden sx={{ position: "absolute", top: 0, bottom: 0, left: todayIndex * cell, width: cell, bgcolor: "rgba(29,92,135,0.07)" }} />
        )}
        {placed.map((p) => renderBar(p, spillOf(p)))}
      </Box>
    </Box>
  );
}

function UnitRow({ unit, win, cell, todayIndex, claims, conflicts, selection, onSelect, onBook, onBookByKeyboard, renderBar, ghost, labelWidth }: {
  labelWidth: number;
  unit: UnitNode;
  win: ChartWindow;
  cell: number;
  todayIndex: number;
  claims: ChartClaimNode[];
  conflicts: ChartConflictNode[];
  /** Free nights being picked on this row by a press and drag. */
  selection: NightSelection | null;
  onSelect?: (selection: NightSelection | null) => void;
  /** Books the unit for [arrival, departure). */
  onBook?: (arrival: string, departure: string) => void;
  /** The keyboard's way to the same: a dialog with the dates. */
  onBookByKeyboard?: () => void;
  renderBar(placed: Placed, spill: number): ReactNode;
  ghost: ReactNode;
}) {
  const outOfOrder = unit.housekeepingStatus === "out_of_order" || !unit.isActive;
  const trackWidth = win.days * cell;
  const { placed, spillOf } = placeBars(claims, win, cell);
  /** A night that cannot be picked: taken on the chart, or already past (a booking starts today at the earliest). */
  const takenAt = (index: number) => {
    const date = addDays(win.from, index);
    return index < todayIndex || claims.some((c) => c.startDate <= date && c.endDate > date);
  };
  const indexAt = (event: ReactPointerEvent<HTMLElement>) => Math.floor((event.clientX - event.currentTarget.getBoundingClientRect().left) / cell);
  /** The head of a selection dragged towards `index`, stopped before the first taken night. */
  const reach = (anchor: number, index: number) => {
    const step = index >= anchor ? 1 : -1;
    let head = anchor;
    for (let i = anchor + step; step > 0 ? i <= Math.min(index, win.days - 1) : i >= Math.max(index, 0); i += step) {
      if (takenAt(i)) break;
      head = i;
    }
    return head;
  };
  const picking = onSelect && onBook && unit.isActive;
  return (
    <Box
      data-unit-row={unit.rowId}
      data-unit-name={unit.name}
      sx={{ display: "flex", borderTop: 1, borderColor: "divider", height: rowHeight, boxSizing: "border-box" }}
    >
      <Box sx={{ width: labelWidth, flexShrink: 0, px: labelWidth < 140 ? 1 : 1.5, position: "sticky", left: 0, bgcolor: "background.paper", zIndex: 3, display: "flex", alignItems: "center", gap: 1, borderRight: 1, borderColor: "divider", overflow: "hidden" }}>
        <Box component="span" aria-hidden sx={{ width: 8, height: 8, borderRadius: "50%", bgcolor: housekeepingColours[unit.housekeepingStatus], flexShrink: 0 }} />
        {onBookByKeyboard && unit.isActive ? (
          <Box
            component="button"
            type="button"
            onClick={onBookByKeyboard}
            aria-label={`Book unit ${unit.name}…`}
            title={`Book unit ${unit.name}…`}
            sx={{ all: "unset", cursor: "pointer", typography: "body2", fontWeight: 500, borderRadius: 0.5, "&:hover": { textDecoration: "underline" }, "&:focus-visible": { outline: "3px solid #ffb300", outlineOffset: 1 } }}
          >
            {unit.name}
          </Box>
        ) : (
          <Typography variant="body2" sx={{ fontWeight: 500 }}>
            {unit.name}
          </Typography>
        )}
        {outOfOrder ? (
          <Chip size="small" color="error" variant="outlined" label={unit.isActive ? "Out of order" : "Not in service"} sx={{ height: 20, fontSize: 11 }} />
        ) : (
          <Typography variant="caption" color="text.secondary">
            {humanize(unit.housekeepingStatus)}
          </Typography>
        )}
      </Box>
      <Box
        sx={{
          position: "relative",
          width: trackWidth,
          flexShrink: 0,
          backgroundImage: `repeating-linear-gradient(to right, transparent 0 ${cell - 1}px, rgba(0,0,0,0.08) ${cell - 1}px ${cell}px)`,
          cursor: picking ? "cell" : undefined,
        }}
        data-testid="unit-track"
        // A press on a free night starts a booking of it; dragging across the free nights after (or before) it picks them all.
        onPointerDown={
          picking
            ? (event) => {
                if (event.button !== 0 || (event.target as HTMLElement).closest("[data-claim]")) return;
                const index = indexAt(event);
                if (index < 0 || index >= win.days || takenAt(index)) return;
                event.currentTarget.setPointerCapture(event.pointerId);
                onSelect({ unitId: unit.rowId, anchor: index, head: index });
              }
            : undefined
        }
        onPointerMove={
          picking && selection
            ? (event) => {
                const head = reach(selection.anchor, indexAt(event));
                if (head !== selection.head) onSelect({ ...selection, head });
              }
            : undefined
        }
        onPointerUp={
          picking && selection
            ? (event) => {
                if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
                onSelect(null);
                const first = Math.min(selection.anchor, selection.head);
                const last = Math.max(selection.anchor, selection.head);
                onBook(addDays(win.from, first), addDays(win.from, last + 1));
              }
            : undefined
        }
        onPointerCancel={picking && selection ? () => onSelect(null) : undefined}
      >
        {win.dates.map((date, i) =>
          isoWeekday(date) >= 6 ? <Box key={date} aria-hidden sx={{ position: "absolute", top: 0, bottom: 0, left: i * cell, width: cell, bgcolor: "rgba(0,0,0,0.025)" }} /> : null,
        )}
        {todayIndex >= 0 && todayIndex < win.days && (
          <Box aria-hidden sx={{ position: "absolute", top: 0, bottom: 0, left: todayIndex * cell, width: cell, bgcolor: "rgba(29,92,135,0.07)" }} />
        )}
        {outOfOrder && (
          <Box
            aria-hidden
            sx={{
              position: "absolute",
              top: 0,
              bottom: 0,
              left: Math.max(0, todayIndex) * cell,
              right: 0,
              background: "repeating-linear-gradient(45deg, rgba(198,40,40,0.10) 0 6px, transparent 6px 12px)",
            }}
          />
        )}
        {placed.map((p) => renderBar(p, spillOf(p)))}
        {selection && (
          <Box
            data-testid="night-selection"
            aria-hidden
            sx={{
              position: "absolute", top: 3, bottom: 3, left: Math.min(selection.anchor, selection.head) * cell,
              width: (Math.abs(selection.head - selection.anchor) + 1) * cell, border: "2px solid #1d5c87", borderRadius: 1,
              bgcolor: "rgba(29,92,135,0.18)", pointerEvents: "none", zIndex: 2, display: "flex", alignItems: "center", px: 0.5, overflow: "hidden",
            }}
          >
            <Typography variant="caption" sx={{ fontWeight: 600, color: "#0d3a57", whiteSpace: "nowrap" }}>
              {plural(Math.abs(selection.head - selection.anchor) + 1, "night")}
            </Typography>
          </Box>
        )}
        {conflicts.map((conflict) => {
          const p = place(conflict, win.from, win.days, cell);
          if (!p) return null;
          return (
            <Box
              key={conflict.rowId}
              data-conflict={conflict.rowId}
              title={`Conflict: ${conflict.feed?.name ?? "channel"} booking ${conflict.summary ?? ""} ${conflict.startDate} → ${conflict.endDate}`}
              sx={{
                position: "absolute",
                top: 2,
                bottom: 2,
                left: p.left,
                width: p.width,
                border: "2px solid #c62828",
                borderRadius: 1,
                background: "repeating-linear-gradient(45deg, rgba(198,40,40,0.25) 0 4px, transparent 4px 8px)",
                pointerEvents: "none",
                zIndex: 1,
              }}
            >
              <WarningAmberIcon aria-hidden sx={{ position: "absolute", right: 2, top: 2, fontSize: 16, color: "#c62828", bgcolor: "#fff", borderRadius: "50%" }} />
            </Box>
          );
        })}
        {ghost}
      </Box>
    </Box>
  );
}

type PointerHandlers = Partial<Record<"onPointerDown" | "onPointerMove" | "onPointerUp" | "onPointerCancel", (event: ReactPointerEvent<HTMLElement>) => void>>;

function Bar({ placed, spill, timeZone, isDragged, movable, handlers, stretchable, stretchHandlers, onOpen, onMove, onStretch }: {
  placed: Placed;
  /** Room beside the bar for its name (0: the bar is wide enough, or the next night is taken). */
  spill: number;
  timeZone: string;
  isDragged: boolean;
  movable: { vertical: boolean; horizontal: boolean };
  handlers: PointerHandlers;
  /** Which ends can be dragged to other nights (the arrival, the departure). */
  stretchable: { start: boolean; end: boolean };
  stretchHandlers(edge: "start" | "end"): PointerHandlers & { onClick(event: ReactMouseEvent<HTMLElement>): void };
  onOpen(): void;
  onMove(): void;
  /** The keyboard's stretch: the panel with a night more or less at either end. */
  onStretch?(): void;
}) {
  const { claim } = placed;
  const r = claim.reservation;
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const style = barStyle(claim);
  const label = claimLabel(claim);
  const canDrag = movable.vertical || movable.horizontal;
  const dates = `${formatShortDate(claim.startDate)} → ${formatShortDate(claim.endDate)}`;
  const description =
    claim.kind === "reservation" && r
      ? `${label}, ${humanize(r.status).toLowerCase()}${r.unitPinned ? ", pinned to this unit" : ""}, ${r.confirmationCode ?? ""}, ${dates}, ${plural(r.nights, "night")}${r.status === "confirmed" && r.expectedArrivalTime ? `, ETA ${arrivalTimeLabel(r.expectedArrivalTime)}` : ""}, ${formatMoney(r.totalAmount, r.currency)}`
      : claim.kind === "hold"
        ? `Hold, ${dates}${claim.expiresAt ? `, until ${formatTimestamp(claim.expiresAt, timeZone)}` : ""}`
        : `${label}, ${dates}`;
  const common = {
    position: "absolute" as const,
    top: 4,
    bottom: 4,
    left: placed.left,
    width: placed.width,
    borderRadius: 1,
    borderTopLeftRadius: placed.clippedStart ? 0 : undefined,
    borderBottomLeftRadius: placed.clippedStart ? 0 : undefined,
    borderTopRightRadius: placed.clippedEnd ? 0 : undefined,
    borderBottomRightRadius: placed.clippedEnd ? 0 : undefined,
    display: "flex",
    alignItems: "center",
    overflow: "hidden",
    boxSizing: "border-box" as const,
    opacity: isDragged ? 0.45 : 1,
    boxShadow: "0 1px 2px rgba(0,0,0,0.25)",
    zIndex: 1,
    ...style,
  };
  const text = (
    <Typography variant="caption" component="span" sx={{ fontWeight: 600, whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis", px: 0.75, color: "inherit" }}>
      {claim.kind === "hold" && claim.expiresAt ? `Hold · until ${formatTimestamp(claim.expiresAt, timeZone).split(", ").pop()}` : label}
    </Typography>
  );
  // A short bar (one night at 30 days) shows its name beside it, over the free nights that follow.
  const spilled = spill >= 40 ? (
    <Typography
      variant="caption"
      component="span"
      aria-hidden
      data-testid="bar-spill"
      sx={{
        position: "absolute", left: placed.left + placed.width + 3, top: 10, maxWidth: spill, px: 0.5, borderRadius: 0.5,
        fontWeight: 600, lineHeight: "20px", color: "#1f2937", bgcolor: "rgba(255,255,255,0.92)", whiteSpace: "nowrap", overflow: "hidden",
        textOverflow: "ellipsis", pointerEvents: "none", zIndex: 1,
      }}
    >
      {label}
    </Typography>
  ) : null;
  if (claim.kind !== "reservation" || !r) {
    return (
      <Fragment key={claim.rowId}>
      {spilled}
      <Tooltip title={description}>
        <Box sx={common} data-claim={claim.rowId} data-kind={claim.kind} tabIndex={0} role="img" aria-label={description} onClick={(e) => e.stopPropagation()}>
          {text}
        </Box>
      </Tooltip>
      </Fragment>
    );
  }
  return (
    <Fragment key={claim.rowId}>
    {spilled}
    <Box
      sx={{
        ...common,
        // On a short bar the menu button takes no room until the bar is hovered or focused (Tab still reaches it);
        // a touch screen has no hover, so there it is always shown (a tap on the bar opens the reservation).
        ...(placed.width < 120
          ? {
              "& .bar-menu": { width: 0, minWidth: 0, p: 0, opacity: 0, overflow: "hidden" },
              "&:hover .bar-menu, &:focus-within .bar-menu": { width: 24, opacity: 1 },
              "@media (hover: none)": { "& .bar-menu": { width: 24, opacity: 1 } },
            }
          : {}),
      }}
      data-claim={claim.rowId}
      data-kind={claim.kind}
      data-reservation={r.rowId}
      data-status={r.status}
      data-pinned={r.unitPinned ? "true" : "false"}
      onClick={(e) => e.stopPropagation()}
    >
      <Box
        component="button"
        type="button"
        aria-label={description}
        title={description}
        onClick={onOpen}
        onContextMenu={(event: ReactMouseEvent<HTMLElement>) => {
          event.preventDefault();
          setMenu(event.currentTarget);
        }}
        onKeyDown={(event: ReactKeyboardEvent<HTMLElement>) => {
          // The keyboard's context menu: the Menu key or Shift+F10.
          if (event.key === "ContextMenu" || (event.shiftKey && event.key === "F10")) {
            event.preventDefault();
            setMenu(event.currentTarget);
          }
        }}
        {...handlers}
        sx={{
          all: "unset",
          boxSizing: "border-box",
          flex: 1,
          minWidth: 0,
          height: "100%",
          display: "flex",
          alignItems: "center",
          cursor: canDrag ? "grab" : "pointer",
          touchAction: canDrag ? "none" : undefined,
          "&:focus-visible": { outline: "3px solid #ffb300", outlineOffset: -3 },
        }}
        data-testid="stay-bar"
      >
        {r.unitPinned && <PushPinIcon aria-hidden data-testid="pin" sx={{ fontSize: 14, ml: 0.5, mr: -0.25, flexShrink: 0, transform: "rotate(45deg)" }} />}
        {text}
      </Box>
      {(["start", "end"] as const).map((edge) =>
        stretchable[edge] && !(edge === "start" ? placed.clippedStart : placed.clippedEnd) ? (
          // A handle on the bar's end: drag it to other nights to stretch or shorten the stay (the menu does it from the keyboard).
          <Box
            key={edge}
            aria-hidden
            data-testid={`stretch-${edge}`}
            {...stretchHandlers(edge)}
            sx={{
              position: "absolute", top: 0, bottom: 0, [edge === "start" ? "left" : "right"]: 0, width: 9, cursor: "ew-resize", touchAction: "none", zIndex: 2,
              "&::after": { content: '""', position: "absolute", top: 8, bottom: 8, [edge === "start" ? "left" : "right"]: 2, width: 3, borderRadius: 2, bgcolor: "rgba(255,255,255,0.75)" },
            }}
          />
        ) : null,
      )}
      <IconButton
        size="small"
        aria-label={`Actions for ${label}`}
        onClick={(event) => setMenu(event.currentTarget)}
        className="bar-menu"
        // 24 × 24 px at least, as a target should be (WCAG 2.5.8): the icon's 20 px and 2 px around it.
        sx={{ color: "inherit", p: 0.25, mr: 0.25, flexShrink: 0, minWidth: 24, minHeight: 24 }}
      >
        <MoreVertIcon fontSize="small" />
      </IconButton>
      <Menu anchorEl={menu} open={menu !== null} onClose={() => setMenu(null)}>
        <MenuItem
          onClick={() => {
            setMenu(null);
            onOpen();
          }}
        >
          Open reservation {r.confirmationCode ?? ""}
        </MenuItem>
        {canDrag && (
          <MenuItem
            onClick={() => {
              setMenu(null);
              onMove();
            }}
          >
            {claim.unitId === "" ? "Assign a unit…" : movable.horizontal ? "Move or change dates…" : "Move to another unit…"}
          </MenuItem>
        )}
        {onStretch && (stretchable.start || stretchable.end) && (
          <MenuItem
            onClick={() => {
              setMenu(null);
              onStretch();
            }}
          >
            {stretchable.start ? "Stretch or shorten the stay…" : "Change the departure…"}
          </MenuItem>
        )}
      </Menu>
    </Box>
    </Fragment>
  );
}

/**
 * Where a dragged or stretched stay would go, and whether the chart knows it
 * to be taken there; a stretch waiting for Apply says its price or the API's
 * refusal (`text`, `tone`).
 */
function Ghost({ startDate, endDate, taken, win, cell, testId = "drag-ghost", text, tone }: {
  startDate: string;
  endDate: string;
  taken: string | null;
  win: ChartWindow;
  cell: number;
  testId?: string;
  text?: string | undefined;
  tone?: "pending" | "ok" | "error" | undefined;
}) {
  const p = place({ startDate, endDate }, win.from, win.days, cell);
  if (!p) return null;
  const bad = taken !== null || tone === "error";
  return (
    <Box
      data-testid={testId}
      data-taken={taken ? "true" : "false"}
      data-tone={tone ?? (taken ? "error" : "ok")}
      aria-hidden
      sx={{
        position: "absolute",
        top: 3,
        bottom: 3,
        left: p.left,
        width: p.width,
        borderRadius: 1,
        border: bad ? "2px solid #c62828" : "2px dashed #1d5c87",
        bgcolor: bad ? "rgba(255,235,238,0.92)" : "rgba(227,240,250,0.92)",
        pointerEvents: "none",
        zIndex: 2,
        display: "flex",
        alignItems: "center",
        px: 0.75,
      }}
    >
      <Typography variant="caption" sx={{ fontWeight: 600, color: bad ? "#b71c1c" : "#0d3a57", whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis" }}>
        {taken ? `Taken: ${taken}` : text ?? `${formatShortDate(startDate)} → ${formatShortDate(endDate)}`}
      </Typography>
    </Box>
  );
}

/** The open channel conflicts in view, with both sides and the nights sold twice (the Channels page says what to do). */
function Conflicts({ conflicts, units, claims }: { conflicts: ChartConflictNode[]; units: UnitNode[]; claims: ChartClaimNode[] }) {
  return (
    <Alert severity="error" icon={<WarningAmberIcon />} sx={{ mb: 2 }} data-testid="tape-chart-conflicts">
      <AlertTitle>{plural(conflicts.length, "open channel conflict")}</AlertTitle>
      <Box component="ul" sx={{ m: 0, pl: 2 }}>
        {conflicts.map((c) => {
          const unit = units.find((u) => u.rowId === c.unitId)?.name ?? "?";
          const other = claims.find((k) => k.rowId === c.conflictingClaimId);
          return (
            <li key={c.rowId}>
              {/* startDate..endDate are the nights both hold (migration 000025), not the channel booking's own dates. */}
              Unit {unit}, {formatShortDate(c.startDate)} → {formatShortDate(c.endDate)} sold twice: {c.feed?.name ?? "a channel"} booking{c.summary ? ` “${c.summary}”` : ""} and{" "}
              {other?.reservation ? (
                <Link to={`/reservations/${other.reservation.rowId}/show`}>
                  {claimLabel(other)} ({other.reservation.confirmationCode})
                </Link>
              ) : other ? (
                claimLabel(other)
              ) : (
                "a stay outside this view"
              )}
              .
            </li>
          );
        })}
      </Box>
    </Alert>
  );
}

