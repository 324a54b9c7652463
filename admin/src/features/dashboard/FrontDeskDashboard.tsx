// The front desk's day at the selected property: arrivals, departures
// (early ones too), guests in house, no-shows and cancellations of the day,
// "today" being the date in the property's time zone, with date navigation
// (?day=YYYY-MM-DD; previous, next, a date, back to today). Every stay of
// the day is on the board whatever became of it, so each card's summary adds
// up ("4 arriving: 2 checked in, 1 expected, 1 no-show"): a same-day
// check-out stays among the arrivals and the departures, a no-show among the
// arrivals and the no-shows (issue 21). One API call (frontDeskDay),
// refreshed live when a reservation or a unit of the property changes
// (useLiveRefresh), after every action taken here, and every 30 seconds. It
// is the cashiers' (who read reservations): housekeeping is taken to its
// board instead. A room of a group booking is listed under who sleeps there
// (the rooming list) with its group's code and room number. Arrivals are
// in the order they are expected (the ETA the desk set on the reservation;
// those without one last); one still expected reads "ETA 14:30", and
// "early" before the property's check-in time (housekeeping cleans its unit
// first).
//
// "Room changes" (the front office's): the stays arriving today and
// tomorrow that the allocator moved to another unit to make room for a
// booking, from which unit to which, so the desk knows before handing out
// keys (allocation_moves by property and arrival, one request beside the
// day's; refreshed with it).
//
// "Payment due" (issue 18): the bookings whose due payment failed, soonest
// deadline first (paymentDueReservations), each with what is unpaid, its
// deadline in the property's time and the desk's Extend (front office) and
// Waive (managers); Keepr cancels them at the deadline if still unpaid.
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import CardHeader from "@mui/material/CardHeader";
import Chip from "@mui/material/Chip";
import Grid from "@mui/material/Grid";
import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import ListItemButton from "@mui/material/ListItemButton";
import ListItemText from "@mui/material/ListItemText";
import Skeleton from "@mui/material/Skeleton";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import FlightLandIcon from "@mui/icons-material/FlightLand";
import FlightTakeoffIcon from "@mui/icons-material/FlightTakeoff";
import ChevronLeftIcon from "@mui/icons-material/ChevronLeft";
import ChevronRightIcon from "@mui/icons-material/ChevronRight";
import EventBusyIcon from "@mui/icons-material/EventBusy";
import PersonOffIcon from "@mui/icons-material/PersonOff";
import Button from "@mui/material/Button";
import TextField from "@mui/material/TextField";
import HotelIcon from "@mui/icons-material/Hotel";
import PaymentsIcon from "@mui/icons-material/Payments";
import PushPinIcon from "@mui/icons-material/PushPin";
import SwapHorizIcon from "@mui/icons-material/SwapHoriz";
import { useEffect, type ReactNode } from "react";
import { Navigate, useSearchParams } from "react-router-dom";
import { Title, useCanAccess, useCreatePath, useDataProvider, useNavigate } from "react-admin";
import { GuaranteeActions, PaymentDueChip } from "../guarantee/PaymentDue.tsx";
import { ReservationStatusChip } from "../../ui/StatusChip.tsx";
import { formatDate, formatMoney, formatTimeOfDay, formatTimestamp } from "../../ui/format.ts";
import { addDays, isIsoDate } from "../../ui/dates.ts";
import { useCurrentProperty } from "../../platform/useCurrentProperty.ts";
import { useToday } from "../../ui/useToday.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import { roleAllows, roleLabels } from "../../platform/access.ts";
import { departureKind, type FrontDeskDay, type KeeprDataProvider, type Reservation } from "../../platform/dataProvider.ts";
import type { RoomChange } from "../frontdesk/data.ts";
import type { PaymentDue } from "../guarantee/data.ts";
import { BookingActionButton, type BookingAction } from "../reservations/BookingActions.tsx";
import { PageHeading } from "../../ui/PageHeading.tsx";
import { arrivalTimeLabel, isEarlyArrival } from "../reservations/arrivalTime.ts";

let readyMarked = false;
/** performance mark for the first load measurement (tests/e2e/admin.test.ts). */
function markReady() {
  if (readyMarked) return;
  readyMarked = true;
  requestAnimationFrame(() => performance.mark("keepr:dashboard-ready"));
}

export function FrontDeskDashboard() {
  const { membership, isPending } = useCurrentProperty();
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const today = useToday(membership?.timeZone);
  const [params, setParams] = useSearchParams();
  const asked = params.get("day");
  const day = asked && isIsoDate(asked) ? asked : today;
  const goTo = (next: string | undefined) => setParams(next && next !== today ? { day: next } : {}, { replace: true });
  const propertyId = membership?.propertyId;
  const timeZone = membership?.timeZone;
  const createPath = useCreatePath();
  const allowed = roleAllows(membership?.role, "dashboard", "show");
  const query = useQuery({
    queryKey: ["frontDeskDay", propertyId, day, today],
    queryFn: ({ signal }) => dataProvider.frontDeskDay({ propertyId: propertyId!, day: day!, timeZone: timeZone!, today: today! }, { signal }),
    enabled: Boolean(propertyId && day && today && timeZone && allowed),
    refetchInterval: 30_000,
  });
  const seesMoves = roleAllows(membership?.role, "dashboard", "room_changes");
  const tomorrow = day ? addDays(day, 1) : undefined;
  const moves = useQuery({
    queryKey: ["roomChanges", propertyId, day],
    queryFn: ({ signal }) => dataProvider.roomChanges({ propertyId: propertyId!, today: day!, tomorrow: tomorrow! }, { signal }),
    enabled: Boolean(propertyId && day && seesMoves),
    refetchInterval: 30_000,
  });
  const due = useQuery({
    queryKey: ["paymentDue", propertyId],
    queryFn: ({ signal }) => dataProvider.paymentDueReservations({ propertyId: propertyId! }, { signal }),
    enabled: Boolean(propertyId && allowed),
    refetchInterval: 30_000,
  });
  // Guests and units appear on the board (names, unit numbers) besides the
  // stays; a move by the allocator changes the stay's unit (reservations).
  useLiveRefresh(["reservations", "guests", "units"], [["frontDeskDay"], ["roomChanges"], ["paymentDue"]], { propertyId });
  useEffect(() => {
    if (query.isSuccess) markReady();
  }, [query.isSuccess]);

  if (!membership) {
    return isPending ? null : <Alert severity="warning">You are not staff at any property.</Alert>;
  }
  if (!allowed) {
    // Housekeeping reads no reservations: its day is the housekeeping board.
    return roleAllows(membership.role, "housekeeping", "list") ? (
      <Navigate to={createPath({ resource: "housekeeping", type: "list" })} replace />
    ) : (
      <Alert severity="info" sx={{ mt: 2 }}>
        Your role at {membership.propertyName} has no day board.
      </Alert>
    );
  }
  const board = query.data;
  const isToday = day === today;
  return (
    <Box sx={{ mt: 2 }} data-testid={board ? "dashboard-ready" : "dashboard-loading"} data-day={day}>
      <Title title={`Today · ${membership.propertyName}`} />
      <PageHeading
        title={isToday ? `Today · ${formatDate(day)}` : formatDate(day)}
        subtitle={<>{membership.propertyName} · {membership.timeZone} · {roleLabels[membership.role]}</>}
        error={query.isError ? query.error : null}
        mb={1}
      />
      <Stack direction="row" spacing={1} useFlexGap component="nav" aria-label="Choose the day" sx={{ mb: 2, alignItems: "center", flexWrap: "wrap" }}>
        <Button size="small" variant="outlined" startIcon={<ChevronLeftIcon />} onClick={() => day && goTo(addDays(day, -1))}>
          Previous day
        </Button>
        <TextField
          size="small"
          type="date"
          label="Day"
          value={day ?? ""}
          onChange={(e) => isIsoDate(e.target.value) && goTo(e.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
          sx={{ width: 170 }}
        />
        <Button size="small" variant="outlined" endIcon={<ChevronRightIcon />} onClick={() => day && goTo(addDays(day, 1))}>
          Next day
        </Button>
        {!isToday && (
          <Button size="small" onClick={() => goTo(undefined)}>
            Back to today
          </Button>
        )}
      </Stack>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 4 }}>
          <Board
            title="Arrivals"
            icon={<FlightLandIcon />}
            testId="arrivals"
            rows={board?.arrivals}
            summary={board ? arrivalsSummary(board) : undefined}
            empty={isToday ? "No arrivals today." : "No arrivals on this day."}
            actions={isToday ? ["check_in"] : day && today && day < today ? ["check_in", "no_show"] : []}
            detail={(r) => `${r.status === "confirmed" && r.expectedArrivalTime ? `ETA ${arrivalTimeLabel(r.expectedArrivalTime)} · ` : ""}${r.nights} night${r.nights === 1 ? "" : "s"} · until ${formatDate(r.departure)}`}
            marker={(r) => r.status === "confirmed" && isEarlyArrival(r.expectedArrivalTime, board?.checkInTime)
              ? <Chip size="small" color="warning" label="early" title={`Expected before check-in at ${arrivalTimeLabel(board?.checkInTime)}`} data-testid="early-arrival" />
              : null}
          />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <Board
            title="Departures"
            icon={<FlightTakeoffIcon />}
            testId="departures"
            rows={board?.departures}
            summary={board && timeZone ? departuresSummary(board, timeZone) : undefined}
            empty={isToday ? "No departures today." : "No departures on this day."}
            actions={day && today && day <= today ? ["check_out"] : []}
            detail={(r) => (timeZone && departureKind(r, board!.day, timeZone) === "early"
              ? `left early, booked until ${formatDate(r.departure)}`
              : `since ${formatDate(r.arrival)}`)}
          />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <Board
            title="In house"
            icon={<HotelIcon />}
            testId="in-house"
            rows={board?.inHouse}
            summary={board ? `${plural(board.inHouse.length, "guest stay")}${isToday ? " checked in" : " over the night"}` : undefined}
            empty={isToday ? "Nobody is checked in." : "Nobody stays this night."}
            detail={(r) => `until ${formatDate(r.departure)}`}
          />
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <Board
            title="No-shows"
            icon={<PersonOffIcon />}
            testId="no-shows"
            rows={board?.noShows}
            summary={board ? plural(board.noShows.length, "no-show") : undefined}
            empty="No no-shows."
            detail={(r) => `was due ${formatDate(r.arrival)} · ${r.nights} night${r.nights === 1 ? "" : "s"}`}
          />
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <Board
            title="Cancellations"
            icon={<EventBusyIcon />}
            testId="cancellations"
            rows={board?.cancellations}
            summary={board ? `${plural(board.cancellations.length, "booking")} cancelled ${isToday ? "today" : "on this day"}` : undefined}
            empty={isToday ? "No booking was cancelled today." : "No booking was cancelled on this day."}
            detail={(r) => `was due ${formatDate(r.arrival)} · cancelled ${timeZone ? formatTimeOfDay(r.cancelledAt, timeZone) : ""}`}
          />
        </Grid>
        <Grid size={12}>
          <PaymentsDue rows={due.data} error={due.isError ? due.error.message : null} timeZone={membership.timeZone} />
        </Grid>
        {seesMoves && (
          <Grid size={12}>
            <RoomChanges changes={moves.data} error={moves.isError ? moves.error.message : null} timeZone={membership.timeZone} />
          </Grid>
        )}
      </Grid>
    </Box>
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "4 arriving: 2 checked in, 1 expected, 1 no-show" — the parts add up to the whole. */
export function arrivalsSummary(board: FrontDeskDay): string {
  const count = (status: Reservation["status"]) => board.arrivals.filter((r) => r.status === status).length;
  const parts = [
    [count("checked_in"), "checked in"],
    [count("checked_out"), "checked out"],
    [count("confirmed"), "expected"],
    [count("no_show"), "no-show"],
  ] as const;
  const shown = parts.filter(([n], i) => n > 0 || i === 0 || i === 2).map(([n, what]) => `${n} ${what}`);
  return `${board.arrivals.length} arriving: ${shown.join(", ")}`;
}

/** "3 leaving: 1 checked out, 1 left early, 1 still here" — the parts add up to the whole. */
export function departuresSummary(board: FrontDeskDay, timeZone: string): string {
  const kinds = board.departures.map((r) => departureKind(r, board.day, timeZone));
  const count = (kind: string) => kinds.filter((k) => k === kind).length;
  const parts = [
    [count("checked_out"), "checked out"],
    [count("early"), "left early"],
    [count("still_here"), "still here"],
    [count("not_arrived"), "not arrived"],
  ] as const;
  const shown = parts.filter(([n], i) => n > 0 || i === 0 || i === 2).map(([n, what]) => `${n} ${what}`);
  return `${board.departures.length} leaving: ${shown.join(", ")}`;
}

function Board({ title, icon, testId, rows, summary, empty, actions = [], detail, marker }: {
  title: string;
  icon: ReactNode;
  testId: string;
  rows: Reservation[] | undefined;
  summary: string | undefined;
  empty: string;
  actions?: BookingAction[];
  detail: (r: Reservation) => string;
  /** A chip beside the guest's name (an early arrival). */
  marker?: (r: Reservation) => ReactNode;
}) {
  const navigate = useNavigate();
  const createPath = useCreatePath();
  const { canAccess: canOpen } = useCanAccess({ resource: "reservations", action: "show" });
  return (
    <Card data-testid={testId} sx={{ height: "100%" }}>
      <CardHeader avatar={icon} title={title} subheader={summary ?? <Skeleton width={120} />} />
      <CardContent sx={{ pt: 0 }}>
        {!rows && [0, 1, 2].map((i) => <Skeleton key={i} height={48} />)}
        {rows?.length === 0 && (
          <Typography variant="body2" color="text.secondary">
            {empty}
          </Typography>
        )}
        {rows && rows.length > 0 && (
          <List dense disablePadding>
            {rows.map((r) => {
              const text = (
                <ListItemText
                  primary={
                    <Stack sx={{ alignItems: "center", flexWrap: "wrap" }} direction="row" spacing={1} useFlexGap component="span">
                      <span>{r.guestName ?? r.guest?.fullName ?? "—"}</span>
                      <ReservationStatusChip status={r.status} holdState={r.holdState} />
                      <PaymentDueChip record={r} compact />
                      {marker?.(r)}
                    </Stack>
                  }
                  secondary={`${r.confirmationCode ?? ""}${r.group ? ` · group ${r.group.groupCode}${r.roomNo !== null ? `, room ${r.roomNo}` : ""}` : ""} · ${r.unit ? `unit ${r.unit.name}` : "no unit"}${r.roomType ? ` (${r.roomType.name})` : ""} · ${detail(r)}`}
                />
              );
              const button = actions.length > 0
                ? <Stack direction="row" spacing={1}>{actions.map((a) => <BookingActionButton key={a} action={a} record={r} />)}</Stack>
                : null;
              return (
                <ListItem key={r.id} disablePadding data-code={r.confirmationCode} sx={{ alignItems: "center", gap: 1 }}>
                  {canOpen ? (
                    <ListItemButton onClick={() => navigate(createPath({ resource: "reservations", id: r.id, type: "show" }))} sx={{ borderRadius: 1, minWidth: 0 }}>
                      {text}
                    </ListItemButton>
                  ) : (
                    <Box sx={{ py: 0.5, px: 2, flex: 1 }}>{text}</Box>
                  )}
                  {button && <Box sx={{ flexShrink: 0 }}>{button}</Box>}
                </ListItem>
              );
            })}
          </List>
        )}
      </CardContent>
    </Card>
  );
}

/** Bookings whose due payment failed: what is unpaid, the deadline, Extend and Waive. */
function PaymentsDue({ rows, error, timeZone }: { rows: PaymentDue[] | undefined; error: string | null; timeZone: string }) {
  const navigate = useNavigate();
  const createPath = useCreatePath();
  return (
    <Card data-testid="payments-due">
      <CardHeader
        avatar={<PaymentsIcon color={rows && rows.length > 0 ? "error" : undefined} />}
        title="Payment due"
        subheader={
          rows
            ? rows.length === 0
              ? "No booking is waiting for a payment."
              : `${rows.length} booking${rows.length === 1 ? "" : "s"} with a failed payment: cancelled at the deadline if still unpaid`
            : <Skeleton width={240} />
        }
      />
      <CardContent sx={{ pt: 0 }}>
        {error && <Alert severity="error">{error}</Alert>}
        {!rows && !error && [0].map((i) => <Skeleton key={i} height={48} />)}
        {rows && rows.length > 0 && (
          <List dense disablePadding>
            {rows.map((r) => (
              <ListItem key={r.id} disablePadding data-code={r.confirmationCode} sx={{ alignItems: "center", gap: 1, flexWrap: { xs: "wrap", sm: "nowrap" } }}>
                <ListItemButton onClick={() => navigate(createPath({ resource: "reservations", id: r.id, type: "show" }))} sx={{ borderRadius: 1, minWidth: 0 }}>
                  <ListItemText
                    primary={
                      <Stack direction="row" spacing={1} component="span" sx={{ alignItems: "center", flexWrap: "wrap" }} useFlexGap>
                        <span>{r.guest?.fullName ?? "—"}</span>
                        <Box component="span" sx={{ color: "text.secondary" }}>{r.confirmationCode ?? ""}</Box>
                        {r.unpaidPrepayment && r.unpaidPrepayment !== "0" ? (
                          <Box component="span" sx={{ fontWeight: 600 }}>{formatMoney(r.unpaidPrepayment, r.currency)} unpaid</Box>
                        ) : null}
                      </Stack>
                    }
                    secondary={`Deadline ${formatTimestamp(r.paymentDueBy, timeZone)} · arrives ${formatDate(r.arrival)}${r.cardOnFile ? ` · card on file ${r.cardOnFile}` : " · no card on file"}${r.paymentGuaranteeNote ? ` · “${r.paymentGuaranteeNote}”` : ""}`}
                  />
                </ListItemButton>
                <Box sx={{ flexShrink: 0, pl: { xs: 2, sm: 0 }, pb: { xs: 1, sm: 0 } }}>
                  <GuaranteeActions record={r} />
                </Box>
              </ListItem>
            ))}
          </List>
        )}
      </CardContent>
    </Card>
  );
}

/** The allocator's moves of today's and tomorrow's arrivals: the keys to hand out are another unit's. */
function RoomChanges({ changes, error, timeZone }: { changes: RoomChange[] | undefined; error: string | null; timeZone: string }) {
  const navigate = useNavigate();
  const createPath = useCreatePath();
  const today = changes?.filter((c) => c.day === "today").length ?? 0;
  const tomorrow = changes?.filter((c) => c.day === "tomorrow").length ?? 0;
  return (
    <Card data-testid="room-changes">
      <CardHeader
        avatar={<SwapHorizIcon />}
        title="Room changes"
        subheader={
          changes
            ? `Stays Keepr moved to another unit to make room for a booking: ${today} arriving today, ${tomorrow} tomorrow`
            : <Skeleton width={240} />
        }
      />
      <CardContent sx={{ pt: 0 }}>
        {error && <Alert severity="error">{error}</Alert>}
        {!changes && !error && [0, 1].map((i) => <Skeleton key={i} height={48} />)}
        {changes?.length === 0 && (
          <Typography variant="body2" color="text.secondary">
            No arrival of today or tomorrow has been moved: every guest keeps the unit shown.
          </Typography>
        )}
        {changes && changes.length > 0 && (
          <List dense disablePadding>
            {changes.map((c) => {
              const r = c.reservation;
              const last = c.moves[c.moves.length - 1]!;
              const cause = last.causedBy ? ` for ${last.causedBy.confirmationCode ?? "a booking on hold"}${last.causedBy.guest ? ` (${last.causedBy.guest.fullName})` : ""}` : "";
              return (
                <ListItem key={c.reservationId} disablePadding data-code={r.confirmationCode} data-reservation={c.reservationId} data-day={c.day}>
                  <ListItemButton onClick={() => navigate(createPath({ resource: "reservations", id: c.reservationId, type: "show" }))} sx={{ borderRadius: 1 }}>
                    <ListItemText
                      primary={
                        <Stack direction="row" spacing={1} component="span" sx={{ alignItems: "center", flexWrap: "wrap" }} useFlexGap>
                          <Box component="span" sx={{ fontWeight: 600, whiteSpace: "nowrap" }} data-testid="room-change-units">
                            Unit {c.fromUnit} → {c.toUnit}
                          </Box>
                          <span>{r.guest?.fullName ?? "—"}</span>
                          <Box component="span" sx={{ color: "text.secondary" }}>
                            {r.confirmationCode ?? ""}
                          </Box>
                          {r.unitPinned && <PushPinIcon titleAccess="Pinned to this unit now" fontSize="inherit" color="primary" sx={{ transform: "rotate(45deg)" }} />}
                        </Stack>
                      }
                      secondary={`Arrives ${c.day} (${formatDate(r.arrival)})${r.roomType ? ` · ${r.roomType.name}` : ""} · moved ${formatTimeOfDay(last.movedAt, timeZone)}${cause}${c.moves.length > 1 ? ` · ${c.moves.length} moves` : ""}`}
                    />
                  </ListItemButton>
                </ListItem>
              );
            })}
          </List>
        )}
      </CardContent>
    </Card>
  );
}
