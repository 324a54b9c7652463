// One reservation: who, when, where; its folio (the price locked at booking,
// the balance, the ledger lines for those who keep the books, invoices);
// payments; the messages sent to the guest; and the audit trail. The tabs
// follow the user's role at the reservation's property. Whether the stay is
// pinned to its unit, with the front office's pin/unpin button, is on the
// Stay tab; the allocator's moves of the stay are beside it (the latest)
// and in the History tab (all).
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import CardContent from "@mui/material/CardContent";
import Chip from "@mui/material/Chip";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import Divider from "@mui/material/Divider";
import Grid from "@mui/material/Grid";
import IconButton from "@mui/material/IconButton";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import EditIcon from "@mui/icons-material/Edit";
import OpenInNewIcon from "@mui/icons-material/OpenInNew";
import PushPinIcon from "@mui/icons-material/PushPin";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import {
  Show, TabbedShowLayout, TabbedShowLayoutTabs, TopToolbar, ListButton, useCanAccess, useDataProvider, useNotify, useRecordContext, useRedirect, useUpdate,
} from "react-admin";
import { HousekeepingChip, ReservationStatusChip, StateChip } from "../../ui/StatusChip.tsx";
import { formatDate, formatMoney, formatTimestamp, humanize, todayIn } from "../../ui/format.ts";
import { isReservationDetail, type KeeprDataProvider, type Reservation, type ReservationDetail, type ReservationEvent } from "../../platform/dataProvider.ts";
import type { PriceLine } from "../../platform/documents.ts";
import { BookingActions } from "./BookingActions.tsx";
import { extraBasisLabels } from "../revenue/documents.ts";
import { guestsText } from "../../ui/dates.ts";
import { EditGuestButton } from "./EditGuestDialog.tsx";
import { arrivalTimeInput, arrivalTimeLabel, isEarlyArrival } from "./arrivalTime.ts";
import { PaymentDueBanner } from "../guarantee/PaymentDue.tsx";
import { StayChangeButtons } from "../frontdesk/StayChangeActions.tsx";
import { AllocationMovesTable, allocationMovesOf, UnitPinPanel } from "../frontdesk/UnitPin.tsx";
import { RegistrationCardPanel } from "../frontdesk/RegistrationCard.tsx";
import { DoNotDisturbButton } from "../frontdesk/DoNotDisturb.tsx";
import { AlsoViewing } from "../../platform/live/AlsoViewing.tsx";
import { LiveReservation } from "../../platform/live/LiveReservation.tsx";
import { StayFolios } from "../folio/StayFolios.tsx";
import { balanceState } from "../folio/FolioDialogs.tsx";
import { Link as RouterLink, useLocation, useNavigate } from "react-router-dom";
import { groupPath } from "../groups/paths.ts";
import { guestPath } from "../guests/paths.ts";
import { ListTable } from "../../ui/ListTable.tsx";
import { ScrollBox } from "../../ui/ScrollBox.tsx";
import { publicConfig, traceLink } from "../../platform/publicConfig.ts";

export function ReservationShow() {
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    <Show<ReservationDetail>
      resource="reservations"
      title={<ReservationTitle />}
      actions={<ShowActions />}
      queryOptions={{
        // The API's own message (e.g. NOT_FOUND: "No such reservation, or you cannot see it.").
        onError: (error: Error) => {
          notify(error.message, { type: "error" });
          redirect("list", "reservations");
        },
      }}
    >
      <Detail />
    </Show>
  );
}

function ReservationTitle() {
  const record = useRecordContext<ReservationDetail>();
  return <>{record ? `Reservation ${record.confirmationCode ?? ""} · ${record.guest?.fullName ?? ""}` : "Reservation"}</>;
}

/** The page once the full reservation is in (react-admin shows the list's row meanwhile). */
function Detail() {
  const record = useRecordContext<Reservation>();
  if (!isReservationDetail(record)) return <LinearProgress sx={{ m: 2 }} />;
  return (
    <>
      <LiveReservation record={record} />
      <PaymentDueBanner record={record} />
      <Summary record={record} />
      <Tabs record={record} />
    </>
  );
}

function ShowActions() {
  const record = useRecordContext<ReservationDetail>();
  // A walk-in confirmed with "Confirm and check in" lands here with its check-in open, once (the state is cleared).
  const location = useLocation();
  const navigate = useNavigate();
  const [openCheckIn] = useState(() => (location.state as { checkIn?: boolean } | null)?.checkIn === true);
  useEffect(() => {
    if ((location.state as { checkIn?: boolean } | null)?.checkIn) navigate(location.pathname, { replace: true, state: null });
  }, [location.state, location.pathname, navigate]);
  return (
    // Wrapped on a phone: the buttons go on as many rows as they need, never past the screen's edge.
    <TopToolbar sx={{ flexWrap: "wrap", alignItems: "center", justifyContent: { xs: "flex-start", md: "flex-end" }, p: { xs: 1 } }}>
      {record && <AlsoViewing reservationId={record.id} />}
      {record && <StayChangeButtons record={record} variant="outlined" />}
      {record && <DoNotDisturbButton record={record} />}
      {record && <BookingActions record={record} variant="contained" size="medium" openCheckIn={openCheckIn} />}
      <ListButton label="All reservations" />
    </TopToolbar>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="body2" component="div">
        {children ?? "—"}
      </Typography>
    </Box>
  );
}

/** The extras booked with the stay (issue 22): name, how many, basis and their amount in the price locked at booking. */
function ExtrasField({ record }: { record: ReservationDetail }) {
  const extras = (record.extras?.nodes ?? []).filter((x) => x !== null).sort((a, b) => a.position - b.position);
  if (extras.length === 0) return null;
  const lines: PriceLine[] = Array.isArray(record.priceLines) ? record.priceLines : [];
  const amountOf = (extraId: string) =>
    lines.filter((l) => l.kind === "extra" && l.extra_id === extraId).reduce((sum, l) => sum + BigInt(l.amount), 0n);
  return (
    <Field label="Extras">
      <Box component="ul" sx={{ m: 0, pl: 2.5 }} data-testid="reservation-extras">
        {extras.map((x) => (
          <li key={x.rowId}>
            {x.name}{x.quantity > 1 ? ` × ${x.quantity}` : ""} · {extraBasisLabels[x.basis] ?? humanize(x.basis)} · {formatMoney(amountOf(x.extraId).toString(), record.currency)}
          </li>
        ))}
      </Box>
    </Field>
  );
}

function Summary({ record }: { record: ReservationDetail }) {
  const balance = record.folio?.balances.nodes.find((b) => b !== null) ?? null;
  return (
    <CardContent sx={{ pb: 0 }}>
      <Stack sx={{ alignItems: { md: "center" } }} direction={{ xs: "column", md: "row" }} spacing={3}>
        <Box>
          <Stack sx={{ alignItems: "center" }} direction="row" spacing={1}>
            <Typography variant="h5" component="h2" data-testid="confirmation-code">
              {record.confirmationCode ?? "(on hold)"}
            </Typography>
            <ReservationStatusChip status={record.status} holdState={record.holdState} />
          </Stack>
          <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }} useFlexGap>
            <Typography variant="subtitle1" data-testid="guest-name">{record.guest?.fullName ?? "No guest yet"}</Typography>
            <EditGuestButton record={record} />
            <GuestProfileLink guestId={record.guest?.rowId ?? null} />
          </Stack>
          {record.guest && (
            <Typography variant="body2" color="text.secondary" data-testid="guest-contact">
              {record.guest.email ?? "no email"}{record.guest.phone ? ` · ${record.guest.phone}` : ""} · {guestsText(record.adults, record.children, record.childAges)}
            </Typography>
          )}
        </Box>
        {record.group && (
          <Field label="Group">
            <RouterLink to={groupPath(record.group.rowId)} data-testid="reservation-group">
              {record.group.groupCode}
              {record.group.name ? ` · ${record.group.name}` : ""}
            </RouterLink>
            {" · room "}
            {record.roomNo}
            {record.guestName ? ` · ${record.guestName}` : ""}
          </Field>
        )}
        <Field label="Stay">
          <span data-testid="summary-stay">
            {formatDate(record.arrival)} → {formatDate(record.departure)} · {record.nights} night{record.nights === 1 ? "" : "s"}
            {record.status === "confirmed" && record.expectedArrivalTime ? ` · ETA ${arrivalTimeLabel(record.expectedArrivalTime)}` : ""}
          </span>
        </Field>
        <Field label="Unit">
          {record.unit ? (
            <Stack sx={{ alignItems: "center" }} direction="row" spacing={1}>
              <span>{record.unit.name}</span>
              {record.unitPinned && (
                <PushPinIcon
                  role="img"
                  aria-label="Pinned to this unit"
                  titleAccess="Pinned to this unit"
                  data-testid="summary-pin"
                  fontSize="small"
                  color="primary"
                  sx={{ transform: "rotate(45deg)" }}
                />
              )}
              <HousekeepingChip status={record.unit.housekeepingStatus} />
            </Stack>
          ) : (
            "—"
          )}
        </Field>
        <Field label="Total">{formatMoney(record.totalAmount, record.currency)}</Field>
        {balance && (
          <Field label="Balance">
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }} data-testid="summary-balance" data-balance={balance.balance}>
              <span>{formatMoney(balance.balance, balance.currency)}</span>
              <Chip size="small" color={balanceState(balance.balance).color} label={balanceState(balance.balance).label} />
              <RouterLink to={`/reservations/${record.id}/show/folio`}>Folio</RouterLink>
            </Stack>
          </Field>
        )}
      </Stack>
    </CardContent>
  );
}

function Tabs({ record }: { record: ReservationDetail }) {
  const folio = useCanAccess({ resource: "reservations", action: "folio", record });
  const payments = useCanAccess({ resource: "reservations", action: "payments", record });
  const notifications = useCanAccess({ resource: "reservations", action: "notifications", record });
  const history = useCanAccess({ resource: "reservations", action: "history", record });
  return (
    // Scrollable, and no wider than the page (width 0, at least 100%: the tabs add nothing to the
    // page's intrinsic width): on a phone they scroll sideways rather than widen the page.
    <TabbedShowLayout
      tabs={<TabbedShowLayoutTabs variant="scrollable" scrollButtons="auto" allowScrollButtonsMobile sx={{ width: 0, minWidth: "100%" }} />}
    >
      <TabbedShowLayout.Tab label="Stay">
        <StayTab record={record} />
      </TabbedShowLayout.Tab>
      {folio.canAccess && (
        <TabbedShowLayout.Tab label="Folio" path="folio">
          <FolioTab record={record} />
        </TabbedShowLayout.Tab>
      )}
      {payments.canAccess && (
        <TabbedShowLayout.Tab label="Payments" path="payments">
          <PaymentsTab record={record} />
        </TabbedShowLayout.Tab>
      )}
      {notifications.canAccess && (
        <TabbedShowLayout.Tab label="Notifications" path="notifications">
          <NotificationsTab record={record} />
        </TabbedShowLayout.Tab>
      )}
      {history.canAccess && (
        <TabbedShowLayout.Tab label="History" path="history">
          <HistoryTab record={record} />
        </TabbedShowLayout.Tab>
      )}
    </TabbedShowLayout>
  );
}

function StayTab({ record }: { record: ReservationDetail }) {
  const timeZone = record.propertyByPropertyId?.timeZone;
  const policy = record.cancellationPolicy;
  return (
    <Grid container spacing={3}>
      {record.unit && (
        <Grid size={12}>
          <UnitPinPanel record={record} />
        </Grid>
      )}
      <Grid size={12}>
        <RegistrationCardPanel
          reservationId={record.id}
          propertyId={record.propertyId}
          guestName={record.guest?.fullName ?? ""}
          today={todayIn(timeZone ?? "UTC")}
          status={record.status}
        />
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <Typography variant="overline">Stay</Typography>
        <Stack spacing={1.5}>
          <Field label="Property">{record.propertyByPropertyId?.name}</Field>
          <Field label="Arrival">
            {formatDate(record.arrival)}
            {record.propertyByPropertyId ? ` from ${record.propertyByPropertyId.checkInTime.slice(0, 5)}` : ""}
          </Field>
          <Field label="Departure">
            {formatDate(record.departure)}
            {record.propertyByPropertyId ? ` by ${record.propertyByPropertyId.checkOutTime.slice(0, 5)}` : ""}
          </Field>
          <Field label="Guests">
            <span data-testid="reservation-guests">{guestsText(record.adults, record.children, record.childAges)}</span>
          </Field>
          <ExtrasField record={record} />
          <Field label="Room type">{record.roomType?.name}</Field>
          <Field label="Rate plan">{record.ratePlan ? `${record.ratePlan.name} (${humanize(record.ratePlan.mealPlan)})` : null}</Field>
          {record.rateOverride && (
            <Field label="Price set by the desk">
              <span data-testid="rate-override">
                Room {formatMoney(record.rateOverride.roomAmount, record.currency)} instead of {formatMoney(record.rateOverride.quotedRoomAmount, record.currency)}
                {Number(record.rateOverride.discountPercent) > 0 ? ` (${Number(record.rateOverride.discountPercent)}% off)` : ""} · “{record.rateOverride.reason}” ·{" "}
                {record.rateOverride.userByCreatedBy?.displayName ?? "staff"} ({humanize(record.rateOverride.creatorRole)}), {formatTimestamp(record.rateOverride.createdAt, timeZone)}
              </span>
            </Field>
          )}
          <Field label="Booked through">{humanize(record.channel)}</Field>
          <Field label="Expected arrival">
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
              <span data-testid="expected-arrival">
                {arrivalTimeLabel(record.expectedArrivalTime) ?? "Not known"}
                {isEarlyArrival(record.expectedArrivalTime, record.propertyByPropertyId?.checkInTime)
                  ? ` · early (check-in from ${arrivalTimeLabel(record.propertyByPropertyId?.checkInTime)})`
                  : ""}
              </span>
              <EditArrivalDetails record={record} focus="expectedArrivalTime" />
            </Stack>
          </Field>
          <Field label="Special requests">
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
              <span data-testid="special-requests">{record.specialRequests ?? "—"}</span>
              <EditArrivalDetails record={record} focus="specialRequests" />
            </Stack>
          </Field>
        </Stack>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <Typography variant="overline">Guest</Typography>
        <Stack spacing={1.5}>
          <Field label="Name">{record.guest?.fullName}</Field>
          <Field label="Email">
            {record.guest?.email ? <a href={`mailto:${record.guest.email}`}>{record.guest.email}</a> : record.guest ? "None given (no messages are sent)" : null}
          </Field>
          <Field label="Phone">{record.guest?.phone}</Field>
        </Stack>
        <Divider sx={{ my: 2 }} />
        <Typography variant="overline">Timeline</Typography>
        <Stack spacing={1.5}>
          <Field label="Created">{formatTimestamp(record.createdAt, timeZone)}</Field>
          {record.holdExpiresAt && record.status === "held" && <Field label="Hold expires">{formatTimestamp(record.holdExpiresAt, timeZone)}</Field>}
          {record.confirmedAt && <Field label="Confirmed">{formatTimestamp(record.confirmedAt, timeZone)}</Field>}
          {record.checkedInAt && <Field label="Checked in">{formatTimestamp(record.checkedInAt, timeZone)}</Field>}
          {record.checkedOutAt && <Field label="Checked out">{formatTimestamp(record.checkedOutAt, timeZone)}</Field>}
          {record.cancelledAt && <Field label="Cancelled">{formatTimestamp(record.cancelledAt, timeZone)}{record.cancellationReason ? ` — ${record.cancellationReason}` : ""}</Field>}
          {record.noShowAt && <Field label="No-show recorded">{formatTimestamp(record.noShowAt, timeZone)}</Field>}
          {record.penaltyAmount !== null && <Field label="Penalty">{formatMoney(record.penaltyAmount, record.currency)}</Field>}
          {record.refundAmount !== null && <Field label="Refund due">{formatMoney(record.refundAmount, record.currency)}</Field>}
          <Field label="Cancellation terms">{policy.terms}</Field>
        </Stack>
      </Grid>
    </Grid>
  );
}

/**
 * The arrival's details the front office edits directly (updateReservationByRowId; the columns granted to staff,
 * the front office's by RLS; no idempotency key in the API): the expected arrival time and special requests, in one
 * dialog opened from either field. The time is a native time input (keyboard and phone pickers); empty clears it.
 */
function EditArrivalDetails({ record, focus }: { record: ReservationDetail; focus: "expectedArrivalTime" | "specialRequests" }) {
  const { canAccess } = useCanAccess({ resource: "reservations", action: "edit", record });
  const [update, { isPending }] = useUpdate<ReservationDetail>();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [time, setTime] = useState("");
  const [error, setError] = useState<string | null>(null);
  if (!canAccess) return null;
  const expectedArrivalTime = arrivalTimeInput(time);
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (isPending || expectedArrivalTime === undefined) return;
    setError(null);
    void update(
      "reservations",
      {
        id: record.id,
        // The API answers "11:00:00.000000": the same minute as before is no change (nothing sent, nothing audited).
        data: {
          specialRequests: text.trim() || null,
          expectedArrivalTime: arrivalTimeLabel(expectedArrivalTime) === arrivalTimeLabel(record.expectedArrivalTime) ? record.expectedArrivalTime : expectedArrivalTime,
        },
        previousData: record,
      },
      {
        mutationMode: "pessimistic",
        onSuccess: () => {
          notify("Arrival details saved.", { type: "success" });
          setOpen(false);
        },
        onError: (caught) => setError(caught instanceof Error ? caught.message : String(caught)),
      },
    );
  };
  return (
    <>
      <IconButton
        size="small"
        aria-label={focus === "specialRequests" ? "Edit special requests" : "Edit expected arrival"}
        onClick={() => {
          setText(record.specialRequests ?? "");
          setTime(arrivalTimeLabel(record.expectedArrivalTime) ?? "");
          setError(null);
          setOpen(true);
        }}
      >
        <EditIcon fontSize="small" />
      </IconButton>
      <Dialog open={open} onClose={isPending ? undefined : () => setOpen(false)} maxWidth="sm" fullWidth>
        <form onSubmit={save} noValidate data-testid="arrival-details-dialog">
          <DialogTitle>Arrival · {record.confirmationCode}</DialogTitle>
          <DialogContent>
            <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ mt: 1, alignItems: "flex-start" }}>
              <TextField
                label="Expected arrival"
                type="time"
                value={time}
                onChange={(e) => setTime(e.target.value)}
                autoFocus={focus === "expectedArrivalTime"}
                error={expectedArrivalTime === undefined}
                helperText={expectedArrivalTime === undefined
                  ? "A time of day, like 14:30."
                  : `Local time on ${formatDate(record.arrival)}; check-in from ${arrivalTimeLabel(record.propertyByPropertyId?.checkInTime) ?? "—"}. Empty: not known.`}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 300 } }}
                sx={{ flex: 1, width: { xs: "100%", sm: "auto" } }}
              />
              <Button onClick={() => setTime("")} disabled={time === "" || isPending} sx={{ mt: { sm: 1 } }}>
                Clear time
              </Button>
            </Stack>
            <TextField
              label="Special requests"
              value={text}
              onChange={(e) => setText(e.target.value)}
              multiline
              minRows={3}
              fullWidth
              autoFocus={focus === "specialRequests"}
              sx={{ mt: 2 }}
              slotProps={{ htmlInput: { maxLength: 2000 } }}
            />
            {error && (
              <Alert severity="error" role="alert" sx={{ mt: 2 }}>
                {error}
              </Alert>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)} disabled={isPending}>
              Close
            </Button>
            <Button type="submit" variant="contained" disabled={isPending || expectedArrivalTime === undefined}>
              Save
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}

function MoneyCell({ amount, currency, muted = false }: { amount: string | number | null; currency: string; muted?: boolean }) {
  return (
    <TableCell align="right" sx={muted ? { color: "text.secondary" } : undefined}>
      {formatMoney(amount === null ? null : String(amount), currency)}
    </TableCell>
  );
}

function FolioTab({ record }: { record: ReservationDetail }) {
  const ledger = useCanAccess({ resource: "reservations", action: "ledger", record });
  // After a booking by phone, the desk lands here to take the deposit: once (the history entry's state is
  // cleared, so a reload or coming back does not open the payment dialog again).
  const location = useLocation();
  const navigate = useNavigate();
  const [takePayment] = useState(() => (location.state as { takePayment?: boolean } | null)?.takePayment === true);
  useEffect(() => {
    if ((location.state as { takePayment?: boolean } | null)?.takePayment) navigate(location.pathname, { replace: true, state: null });
  }, [location.state, location.pathname, navigate]);
  const lines: PriceLine[] = Array.isArray(record.priceLines) ? record.priceLines : [];
  const extrasAmount = lines.filter((l) => l.kind === "extra").reduce((sum, l) => sum + BigInt(l.amount), 0n);
  const folio = record.folio;
  const timeZone = record.propertyByPropertyId?.timeZone;
  const postings = folio?.postings?.nodes.filter((p) => p !== null) ?? [];
  return (
    <Stack spacing={3}>
      <Box>
        <Typography variant="overline" component="h3">
          Folios
        </Typography>
        <StayFolios stay={record} timeZone={timeZone} takePayment={takePayment} />
      </Box>
      <Box>
        <Typography variant="overline">Price locked at booking</Typography>
        <Table size="small" aria-label="Price lines">
          <TableHead>
            <TableRow>
              <TableCell>Line</TableCell>
              <TableCell align="right">Qty</TableCell>
              <TableCell align="right">Amount</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {lines.map((line, index) => (
              <TableRow key={index}>
                <TableCell>
                  {line.description}
                  {line.is_inclusive ? <Chip size="small" label="included" variant="outlined" sx={{ ml: 1 }} /> : null}
                </TableCell>
                <TableCell align="right">{line.quantity}</TableCell>
                <MoneyCell amount={line.amount} currency={record.currency} muted={line.is_inclusive} />
              </TableRow>
            ))}
            <TableRow>
              <TableCell colSpan={2}>
                <strong>Total</strong> (room {formatMoney(record.roomAmount, record.currency)}, fees {formatMoney(record.feesAmount, record.currency)}, added taxes{" "}
                {formatMoney(record.taxesAmount, record.currency)}
                {extrasAmount > 0n ? `, extras ${formatMoney(extrasAmount.toString(), record.currency)}` : null})
              </TableCell>
              <TableCell align="right">
                <strong>{formatMoney(record.totalAmount, record.currency)}</strong>
              </TableCell>
            </TableRow>
          </TableBody>
        </Table>
      </Box>
      {ledger.canAccess && folio && (
        <Box>
          <Typography variant="overline">Primary folio's lines (ledger)</Typography>
          <ListTable
            label="Folio lines"
            columns={[{ label: "When" }, { label: "Entry" }, { label: "Charge (+) / credit (−)", align: "right" }]}
            rows={postings}
            empty="Nothing posted yet."
          >
            {(p) => (
              <TableRow key={p.rowId}>
                <TableCell>{formatTimestamp(p.entry?.occurredAt, timeZone)}</TableCell>
                <TableCell>{p.entry?.description ?? "—"}</TableCell>
                <MoneyCell amount={p.amount} currency={p.currency} />
              </TableRow>
            )}
          </ListTable>
        </Box>
      )}
      {folio && folio.invoices.nodes.some((i) => i !== null) && (
        <Box>
          <Typography variant="overline">Invoices and credit notes</Typography>
          <Table size="small">
            <TableBody>
              {folio.invoices.nodes.filter((i) => i !== null).map((i) => (
                <TableRow key={i.rowId}>
                  <TableCell>{i.documentNumber}</TableCell>
                  <TableCell>{humanize(i.kind)}</TableCell>
                  <TableCell>{formatTimestamp(i.issuedAt, timeZone)}</TableCell>
                  <MoneyCell amount={i.totalAmount} currency={i.currency} />
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Stack>
  );
}

function PaymentsTab({ record }: { record: ReservationDetail }) {
  const timeZone = record.propertyByPropertyId?.timeZone;
  const intents = record.paymentIntents.nodes.filter((i) => i !== null);
  if (intents.length === 0) {
    return <Typography variant="body2">No payments are scheduled for this reservation.</Typography>;
  }
  return (
    <Table size="small" aria-label="Payments">
      <TableHead>
        <TableRow>
          <TableCell>Payment</TableCell>
          <TableCell>Due</TableCell>
          <TableCell>Status</TableCell>
          <TableCell align="right">Amount</TableCell>
          <TableCell align="right">Captured</TableCell>
          <TableCell align="right">Refunded</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {intents.map((intent) => (
          <TableRow key={intent.rowId}>
            <TableCell>
              {humanize(intent.kind)}
              {intent.attempts.nodes.filter((a) => a !== null).map((a) => (
                <Typography key={a.rowId} variant="caption" component="div" color="text.secondary">
                  Attempt {formatTimestamp(a.createdAt, timeZone)}: {humanize(a.status)}
                  {a.failureMessage ? ` — ${a.failureMessage}` : ""}
                </Typography>
              ))}
              {intent.refunds.nodes.filter((r) => r !== null).map((r) => (
                <Typography key={r.rowId} variant="caption" component="div" color="text.secondary">
                  Refund {formatMoney(r.amount, r.currency)}: {humanize(r.status)}
                  {r.reason ? ` (${r.reason})` : ""}
                  {r.failureMessage ? ` — ${r.failureMessage}` : ""}
                </Typography>
              ))}
              {intent.failureMessage && (
                <Typography variant="caption" component="div" color="error">
                  {intent.failureMessage}
                </Typography>
              )}
            </TableCell>
            <TableCell>{formatTimestamp(intent.dueAt, timeZone)}</TableCell>
            <TableCell>
              <StateChip status={intent.status} />
            </TableCell>
            <MoneyCell amount={intent.amount} currency={intent.currency} />
            <MoneyCell amount={intent.amountCaptured} currency={intent.currency} />
            <MoneyCell amount={intent.amountRefunded} currency={intent.currency} />
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function NotificationsTab({ record }: { record: ReservationDetail }) {
  const timeZone = record.propertyByPropertyId?.timeZone;
  const notifications = (record.notifications?.nodes ?? []).filter((n) => n !== null).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (notifications.length === 0) return <Typography variant="body2">No messages have been sent to the guest about this stay.</Typography>;
  return (
    <Table size="small" aria-label="Notifications">
      <TableHead>
        <TableRow>
          <TableCell>Message</TableCell>
          <TableCell>To</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Sent</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {notifications.map((n) => (
          <TableRow key={n.rowId}>
            <TableCell>
              {humanize(n.template)} ({n.channel})
              {n.subject && (
                <Typography variant="caption" component="div" color="text.secondary">
                  {n.subject}
                </Typography>
              )}
            </TableCell>
            <TableCell>{n.recipient}</TableCell>
            <TableCell>
              <StateChip status={n.status} />
              {n.lastError && (
                <Typography variant="caption" component="div" color="error">
                  {n.lastError} ({n.attempts} attempt{n.attempts === 1 ? "" : "s"})
                </Typography>
              )}
            </TableCell>
            <TableCell>{n.sentAt ? formatTimestamp(n.sentAt, timeZone) : `due ${formatTimestamp(n.sendAfter, timeZone)}`}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Columns that change on every write, left out of the change summary. */
const noisyColumns = new Set(["updated_at", "created_at", "id", "property_id"]);

/** Unit names by id, as far as the page knows them (the stay's unit, the allocator's moves). */
function unitNamesOf(record: ReservationDetail): Map<string, string> {
  const names = new Map<string, string>();
  if (record.unit) names.set(record.unit.rowId, record.unit.name);
  for (const move of allocationMovesOf(record)) {
    if (move.fromUnit) names.set(move.fromUnit.rowId, move.fromUnit.name);
    if (move.toUnit) names.set(move.toUnit.rowId, move.toUnit.name);
  }
  return names;
}

function describeEvent(event: ReservationEvent, timeZone: string | undefined, unitNames: Map<string, string>): string {
  const unitName = (v: unknown) => (typeof v === "string" && unitNames.has(v) ? unitNames.get(v)! : null);
  if (event.tableName === "allocation_moves" && event.operation === "INSERT") {
    const v = event.newValues ?? {};
    return `moved by Keepr from unit ${unitName(v.from_unit_id) ?? "?"} to unit ${unitName(v.to_unit_id) ?? "?"} to make room for another booking`;
  }
  const table = humanize(event.tableName.replace(/s$/, "")).toLowerCase();
  if (event.operation === "INSERT") {
    const values = event.newValues ?? {};
    const detail = ["status", "kind", "stay"].filter((k) => k in values).map((k) => `${k.replace(/_/g, " ")} ${String(values[k])}`);
    const unit = unitName(values.unit_id);
    return `${table} created${detail.length || unit ? ` (${[...detail, ...(unit ? [`unit ${unit}`] : [])].join(", ")})` : ""}`;
  }
  if (event.operation === "DELETE") return `${table} deleted`;
  const before = event.oldValues ?? {};
  const after = event.newValues ?? {};
  const changes = Object.keys(after)
    .filter((k) => !noisyColumns.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => {
      const show = (v: unknown) =>
        v === null || v === undefined
          ? "—"
          : unitName(v) !== null
            ? unitName(v)!
            : typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)
              ? formatTimestamp(v, timeZone)
              : typeof v === "object"
                ? JSON.stringify(v)
                : String(v);
      const from = show(before[k]);
      const to = show(after[k]);
      const name = k === "unit_id" ? "unit" : k.replace(/_/g, " ");
      return from.length + to.length > 80 ? `${name} changed` : `${name}: ${from} → ${to}`;
    });
  return `${table} ${changes.length ? changes.join("; ") : "updated"}`;
}

/**
 * The events the allocator wrote when it moved the stay (the move itself, the
 * stay's new unit, its claims released and made again): they ran in another
 * booking's transaction, under that booking's actor, so they are named for
 * the allocator. Same request as a move (within seconds of it), or (no
 * request id: a job, SQL) the same actor within a second.
 */
function allocatorEvents(events: ReservationEvent[]): Set<number> {
  const moves = events.filter((e) => e.tableName === "allocation_moves");
  const ours = new Set<number>();
  for (const event of events) {
    if (event.tableName !== "allocation_moves" && event.tableName !== "inventory_claims" && event.tableName !== "reservations") continue;
    const sameWrite = moves.some((m) => {
      const apart = Math.abs(new Date(m.occurredAt).getTime() - new Date(event.occurredAt).getTime());
      return m.requestId !== null && event.requestId !== null
        ? m.requestId === event.requestId && apart < 10_000
        : m.actorUserId === event.actorUserId && m.actorRole === event.actorRole && apart < 1000;
    });
    const unitOnly =
      event.tableName !== "reservations" ||
      Object.keys(event.newValues ?? {}).every((k) => noisyColumns.has(k) || k === "unit_id" || JSON.stringify(event.oldValues?.[k]) === JSON.stringify(event.newValues?.[k]));
    if (sameWrite && unitOnly) ours.add(event.id);
  }
  return ours;
}

function HistoryTab({ record }: { record: ReservationDetail }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const timeZone = record.propertyByPropertyId?.timeZone;
  const [showRaw, setShowRaw] = useState(false);
  const timeline = useQuery({
    queryKey: ["reservationTimeline", record.id],
    queryFn: ({ signal }) => dataProvider.reservationTimeline({ id: record.id }, { signal }),
  });
  const history = useQuery({
    queryKey: ["reservationHistory", record.id],
    queryFn: ({ signal }) => dataProvider.reservationHistory({ id: record.id }, { signal }),
    enabled: showRaw,
  });
  // The trace of the request behind each line (TRACE_UI_URL), for managers only.
  const canTrace = useCanAccess({ resource: "reservations", action: "trace", record }).canAccess ?? false;
  const config = useQuery({ queryKey: ["publicConfig"], queryFn: publicConfig, enabled: canTrace, staleTime: Infinity });
  const traceTemplate = canTrace ? (config.data?.traceUrl ?? null) : null;
  const unitNames = unitNamesOf(record);
  if (timeline.isPending) return <Typography variant="body2">Loading the history…</Typography>;
  if (timeline.isError) return <Typography color="error">{timeline.error.message}</Typography>;
  const byAllocator = history.data ? allocatorEvents(history.data) : new Set<number>();
  return (
    <>
      <AllocationMovesTable record={record} />
      <Typography variant="overline" component="h3">
        What happened
      </Typography>
      <ScrollBox label="History, scrolls sideways on a narrow screen">
      <Table size="small" aria-label="History">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>What</TableCell>
            <TableCell>Who</TableCell>
            {traceTemplate && <TableCell>Request</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {timeline.data.map((line) => {
            const trace = traceLink(traceTemplate, line.requestId);
            return (
              <TableRow key={line.id} data-testid="history-line">
                <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(line.occurredAt, timeZone)}</TableCell>
                <TableCell>{line.summary}</TableCell>
                <TableCell>{line.actorName ?? "—"}{line.actorRole ? ` (${line.actorRole})` : ""}</TableCell>
                {traceTemplate && (
                  <TableCell sx={{ whiteSpace: "nowrap" }}>
                    {trace ? (
                      <Button
                        size="small"
                        href={trace}
                        target="_blank"
                        rel="noopener noreferrer"
                        endIcon={<OpenInNewIcon fontSize="inherit" />}
                        aria-label={`Trace of the request: ${line.summary}, ${formatTimestamp(line.occurredAt, timeZone)} (opens in a new tab)`}
                        data-testid="trace-link"
                      >
                        Trace
                      </Button>
                    ) : (
                      "—"
                    )}
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      </ScrollBox>
      <Button size="small" sx={{ mt: 2 }} onClick={() => setShowRaw((shown) => !shown)} aria-expanded={showRaw}>
        {showRaw ? "Hide the audit trail" : "Show the audit trail (every stored change, with its request)"}
      </Button>
      {showRaw && history.isPending && <Typography variant="body2">Loading the audit trail…</Typography>}
      {showRaw && history.isError && <Typography color="error">{history.error.message}</Typography>}
      {showRaw && history.data && (
      <>
      <Typography variant="overline" component="h3">
        Audit trail
      </Typography>
      <Table size="small" aria-label="Audit trail">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>Who</TableCell>
            <TableCell>What</TableCell>
            <TableCell>Request</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {history.data.map((event) => (
            <TableRow key={event.id} data-table={event.tableName}>
              <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(event.occurredAt, timeZone)}</TableCell>
              <TableCell sx={{ whiteSpace: "nowrap" }}>
                {byAllocator.has(event.id)
                  ? "Keepr (allocator)"
                  : (event.actorName ?? (event.actorRole === "keepr_anonymous" ? "Guest (online)" : (event.actorRole ?? "system")))}
              </TableCell>
              <TableCell>{describeEvent(event, timeZone, unitNames)}</TableCell>
              <TableCell>
                <Typography variant="caption" sx={{ fontFamily: "monospace" }}>
                  {event.requestId ? event.requestId.slice(0, 8) : "—"}
                </Typography>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      </>
      )}
    </>
  );
}

/** The guest's profile (stays, spend, notes, duplicates), for the roles that have the Guests screens. */
function GuestProfileLink({ guestId }: { guestId: string | null }) {
  const { canAccess } = useCanAccess({ resource: "guests", action: "show" });
  if (!canAccess || !guestId) return null;
  return (
    <Button size="small" component={RouterLink} to={guestPath(guestId)} data-testid="guest-profile-link">
      Guest profile
    </Button>
  );
}
