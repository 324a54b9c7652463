// A booking group's page (issue 21): its code, name, booker and dates; each
// room (its place in the rooming list, unit, status, who sleeps there,
// edited in place by setRoomGuestName; a link to its reservation, where
// the room is changed or cancelled alone, and to its folio); what the
// rooms cost now and what their folios owe; and the changes of a confirmed
// group, each all or nothing with its price shown first: add a room (priced
// by quote for the group's dates, then addGroupRoom), cancel one room (its
// fee now, then cancelReservation; the group stays), move every room to new
// dates (quoteGroupChange, then changeGroupDates), and cancel every room
// still held or confirmed (cancellationPenaltyNow of each, then cancelGroup).
// Live: a change of the group's own row (booking_groups) or of any of its
// rooms (reservations, folio balances) at the property refetches it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Grid from "@mui/material/Grid";
import IconButton from "@mui/material/IconButton";
import LinearProgress from "@mui/material/LinearProgress";
import Link from "@mui/material/Link";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Tooltip from "@mui/material/Tooltip";
import Typography from "@mui/material/Typography";
import CheckIcon from "@mui/icons-material/Check";
import CloseIcon from "@mui/icons-material/Close";
import EditIcon from "@mui/icons-material/Edit";
import EventBusyIcon from "@mui/icons-material/EventBusy";
import AddIcon from "@mui/icons-material/Add";
import DateRangeIcon from "@mui/icons-material/DateRange";
import MenuItem from "@mui/material/MenuItem";
import useMediaQuery from "@mui/material/useMediaQuery";
import { useTheme } from "@mui/material/styles";
import { useState, type FormEvent } from "react";
import { Title, useCanAccess, useDataProvider, useNotify } from "react-admin";
import { Link as RouterLink, useParams } from "react-router-dom";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { Figure } from "../../ui/Figure.tsx";
import { ErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { QueryError, SectionHeading, WithProperty } from "../../ui/Section.tsx";
import { ScrollBox } from "../../ui/ScrollBox.tsx";
import { visuallyHidden } from "../../ui/visuallyHidden.ts";
import { ReservationStatusChip } from "../../ui/StatusChip.tsx";
import { formatDate, formatMoney, formatTimestamp } from "../../ui/format.ts";
import { addDays, daysBetween, guestsText, isIsoDate, plural } from "../../ui/dates.ts";
import { useLiveRefresh, touchesAny } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { notFound, present } from "../../platform/results.ts";
import type { BookingGroupNode, GroupRoomNode } from "./documents.ts";
import { groupRoomsListPath, reservationFolioPath, reservationPath } from "./paths.ts";
import { ChildAgesFields, chosenAges, missingAgesReason, resizeAges, type FormAges } from "../../ui/ChildAgesFields.tsx";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function GroupShow() {
  const { id = "" } = useParams();
  const { canAccess, isPending } = useCanAccess({ resource: "groups", action: "show" });
  return (
    <Box sx={{ mt: 1, mb: 4, minWidth: 0 }} data-testid="group-page">
      {isPending ? null : !canAccess ? (
        <Alert severity="warning">
          <Title title="Group" />
          Group bookings are for the front desk, managers, owners and accountants of the property.
        </Alert>
      ) : (
        <WithProperty>{(membership) => <Group key={`${membership.propertyId}:${id}`} id={id} membership={membership} />}</WithProperty>
      )}
    </Box>
  );
}

/** What the room's folio owes now (its balance in the room's currency). */
function balanceOf(room: GroupRoomNode): bigint {
  const balance = present(room.folio?.balances.nodes).find((b) => b.currency === room.currency);
  return balance ? BigInt(balance.balance) : 0n;
}

const cancellable = (room: GroupRoomNode) => room.status === "held" || room.status === "confirmed";

function Group({ id, membership }: { id: string; membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const query = useQuery({
    queryKey: ["groups", "group", id],
    queryFn: async ({ signal }) => {
      if (!uuidPattern.test(id)) throw notFound("group");
      const group = await dataProvider.bookingGroup({ id }, { signal });
      // Another property's group (the user is staff there too) is not this property's.
      if (group.propertyId !== membership.propertyId) throw notFound("group");
      return group;
    },
    retry: false,
  });
  const roomIds = present(query.data?.rooms.nodes).flatMap((r) => [r.rowId, r.folio?.rowId]);
  useLiveRefresh(["booking_groups", "reservations", "folio_balances"], [["groups", "group", id]], { enabled: query.isSuccess, relevant: touchesAny([id, ...roomIds]) });
  if (query.isPending) return <><Title title="Group" /><LinearProgress sx={{ m: 2 }} /></>;
  if (query.isError) return <><Title title="Group" /><QueryError error={query.error} title={`No such group at ${membership.propertyName}`} /></>;
  return <GroupDetails group={query.data} membership={membership} />;
}

function GroupDetails({ group, membership }: { group: BookingGroupNode; membership: Membership }) {
  const cancel = useCanAccess({ resource: "groups", action: "cancel" });
  const change = useCanAccess({ resource: "groups", action: "change" });
  const [cancelling, setCancelling] = useState(false);
  const [dialog, setDialog] = useState<null | "add" | "dates" | GroupRoomNode>(null);
  const rooms = present(group.rooms.nodes);
  const currency = rooms[0]?.currency ?? membership.currency;
  const live = rooms.filter((r) => r.status !== "cancelled" && r.holdState !== "expired" && r.holdState !== "released");
  const balance = rooms.reduce((sum, r) => sum + balanceOf(r), 0n);
  const first = rooms[0];
  // A confirmed group with a room still to come takes rooms and new dates.
  const booked = rooms.find((r) => r.status === "confirmed");
  const changeable = group.confirmedAt !== null && booked !== undefined;
  const onCancelRoom = cancel.canAccess ? (room: GroupRoomNode) => setDialog(room) : undefined;
  // On a phone each room is a card: six columns do not fit 390 px.
  const phone = useMediaQuery(useTheme().breakpoints.down("sm"));
  const title = `Group ${group.groupCode}${group.name ? ` · ${group.name}` : ""}`;
  return (
    <Stack spacing={2}>
      <Title title={title} />
      <Card>
        <CardContent>
          <SectionHeading
            title={group.name ?? "Group booking"}
            subtitle={
              <>
                <Link component={RouterLink} to={groupRoomsListPath(group.groupCode)}>
                  Reservations
                </Link>
                {" · group "}
                <strong data-testid="group-code">{group.groupCode}</strong>
                {first ? ` · ${formatDate(first.arrival)} → ${formatDate(first.departure)} · ${plural(first.nights, "night")}` : ""}
              </>
            }
            actions={
              <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }}>
                {change.canAccess && changeable && (
                  <>
                    <Button variant="outlined" startIcon={<AddIcon />} onClick={() => setDialog("add")} data-testid="add-group-room">
                      Add room
                    </Button>
                    <Button variant="outlined" startIcon={<DateRangeIcon />} onClick={() => setDialog("dates")} data-testid="change-group-dates">
                      Change dates
                    </Button>
                  </>
                )}
                {cancel.canAccess && rooms.some(cancellable) && (
                  <Button color="warning" variant="outlined" startIcon={<EventBusyIcon />} onClick={() => setCancelling(true)} data-testid="cancel-group">
                    Cancel group
                  </Button>
                )}
              </Stack>
            }
          />
          <Grid container spacing={2} sx={{ mb: 1 }}>
            <Figure label="Rooms" value={`${live.length} of ${rooms.length}`} testId="group-rooms-count" />
            <Figure label="Total" value={group.totalAmount === null ? "—" : formatMoney(group.totalAmount, currency)} testId="group-total" />
            <Figure label="Balance due" value={formatMoney(balance, currency)} testId="group-balance" />
            <Figure label="Booked" value={group.confirmedAt ? formatTimestamp(group.confirmedAt, membership.timeZone) : "on hold"} />
          </Grid>
          <Typography variant="body2" data-testid="group-contact">
            Booker: {group.contactName ?? "—"}
            {group.contactEmail ? ` · ${group.contactEmail}` : ""}
            {group.contactPhone ? ` · ${group.contactPhone}` : ""} · {group.channel === "front_desk" ? "booked at the desk" : "booked online"}
          </Typography>
        </CardContent>
      </Card>
      <Card component="section" aria-labelledby="rooming-heading">
        <CardContent>
          <Typography id="rooming-heading" variant="h6" component="h2" sx={{ mb: 1 }}>
            Rooms and rooming list
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
            Each room is a reservation: change its dates, unit or guests, check it in or cancel it alone on its page; its charges are on its own folio.
          </Typography>
          {phone ? (
            <Stack spacing={1.5}>
              {rooms.map((room) => (
                <RoomCard key={room.rowId} room={room} bookerName={group.contactName} onCancel={onCancelRoom} />
              ))}
            </Stack>
          ) : (
            <ScrollBox label="Rooms of the group">
              <Table size="small" aria-label="Rooms of the group">
                <TableHead>
                  <TableRow>
                    <TableCell>Room</TableCell>
                    <TableCell>Guest</TableCell>
                    <TableCell>Status</TableCell>
                    <TableCell>Room type · unit</TableCell>
                    <TableCell align="right">Total</TableCell>
                    <TableCell align="right">Folio balance</TableCell>
                    {onCancelRoom && (
                      <TableCell sx={{ position: "relative" }}>
                        <Box component="span" sx={visuallyHidden}>Actions</Box>
                      </TableCell>
                    )}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rooms.map((room) => (
                    <RoomRow key={room.rowId} room={room} bookerName={group.contactName} onCancel={onCancelRoom} />
                  ))}
                </TableBody>
              </Table>
            </ScrollBox>
          )}
        </CardContent>
      </Card>
      {cancelling && <CancelGroupDialog group={group} rooms={rooms} currency={currency} timeZone={membership.timeZone} onClose={() => setCancelling(false)} />}
      {dialog === "add" && booked && <AddRoomDialog group={group} booked={booked} membership={membership} onClose={() => setDialog(null)} />}
      {dialog === "dates" && booked && <ChangeDatesDialog group={group} booked={booked} currency={currency} onClose={() => setDialog(null)} />}
      {dialog !== null && typeof dialog === "object" && <CancelRoomDialog group={group} room={dialog} timeZone={membership.timeZone} onClose={() => setDialog(null)} />}
    </Stack>
  );
}

/** The parts of a room both layouts show. */
function useRoomParts(room: GroupRoomNode, bookerName: string | null) {
  const canEdit = useCanAccess({ resource: "groups", action: "rooming_list" }).canAccess === true;
  const editable = canEdit && (room.status === "held" || room.status === "confirmed" || room.status === "checked_in");
  const charged = room.status === "cancelled" || room.status === "no_show" ? room.penaltyAmount ?? "0" : room.totalAmount;
  return {
    link: (
      <Link component={RouterLink} to={reservationPath(room.rowId)} aria-label={`${room.roomNo}. ${room.confirmationCode ?? "held"}: the reservation of room ${room.roomNo}`}>
        {room.roomNo}. {room.confirmationCode ?? "held"}
      </Link>
    ),
    guest: <GuestNameCell room={room} bookerName={bookerName ?? room.guest?.fullName ?? null} editable={editable} />,
    status: <ReservationStatusChip status={room.status} holdState={room.holdState} />,
    stay: (
      <>
        {room.roomType?.name ?? "—"} · {room.unit?.name ?? "no unit yet"}
        <Typography variant="caption" component="div" color="text.secondary">
          {room.ratePlan?.name ?? ""} · {guestsText(room.adults, room.children, room.childAges)}
        </Typography>
      </>
    ),
    total: (
      <>
        {formatMoney(charged, room.currency)}
        {room.status === "cancelled" && (
          <Typography variant="caption" component="div" color="text.secondary">
            penalty
          </Typography>
        )}
      </>
    ),
    folio: room.folio ? (
      <Link component={RouterLink} to={reservationFolioPath(room.rowId)} aria-label={`Folio of room ${room.roomNo}: ${formatMoney(balanceOf(room), room.currency)}`}>
        {formatMoney(balanceOf(room), room.currency)}
      </Link>
    ) : (
      "—"
    ),
  };
}

/** "Cancel this room" for a room still held or confirmed; nothing otherwise. */
function CancelRoomButton({ room, onCancel }: { room: GroupRoomNode; onCancel: ((room: GroupRoomNode) => void) | undefined }) {
  if (!onCancel || !cancellable(room)) return null;
  return (
    <Button size="small" color="warning" onClick={() => onCancel(room)} aria-label={`Cancel this room: room ${room.roomNo}`} data-testid="cancel-group-room">
      Cancel this room
    </Button>
  );
}

function RoomRow({ room, bookerName, onCancel }: { room: GroupRoomNode; bookerName: string | null; onCancel: ((room: GroupRoomNode) => void) | undefined }) {
  const parts = useRoomParts(room, bookerName);
  return (
    <TableRow data-testid="group-room-row" data-room-no={room.roomNo}>
      <TableCell>{parts.link}</TableCell>
      <TableCell sx={{ minWidth: 220 }}>{parts.guest}</TableCell>
      <TableCell>{parts.status}</TableCell>
      <TableCell>{parts.stay}</TableCell>
      <TableCell align="right">{parts.total}</TableCell>
      <TableCell align="right">{parts.folio}</TableCell>
      {onCancel && (
        <TableCell>
          <CancelRoomButton room={room} onCancel={onCancel} />
        </TableCell>
      )}
    </TableRow>
  );
}

function RoomCard({ room, bookerName, onCancel }: { room: GroupRoomNode; bookerName: string | null; onCancel: ((room: GroupRoomNode) => void) | undefined }) {
  const parts = useRoomParts(room, bookerName);
  return (
    <Box data-testid="group-room-row" data-room-no={room.roomNo} sx={{ border: 1, borderColor: "divider", borderRadius: 1, p: 1.5 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", justifyContent: "space-between", mb: 0.5 }}>
        {parts.link}
        {parts.status}
      </Stack>
      {parts.guest}
      <Typography variant="body2" component="div" sx={{ mt: 0.5 }}>
        {parts.stay}
      </Typography>
      <Stack direction="row" spacing={2} sx={{ mt: 0.5 }}>
        <Typography variant="body2" component="div">
          Total {parts.total}
        </Typography>
        <Typography variant="body2" component="div">
          Folio {parts.folio}
        </Typography>
      </Stack>
      <CancelRoomButton room={room} onCancel={onCancel} />
    </Box>
  );
}

/** Who sleeps in the room, edited in place (setRoomGuestName; empty clears it: the booker's name stands). */
function GuestNameCell({ room, bookerName, editable }: { room: GroupRoomNode; bookerName: string | null; editable: boolean }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(room.guestName ?? "");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const guestName = value.trim() || null;
    if (guestName !== null && guestName.length > 200) return setError({ code: "INVALID_INPUT", message: "A guest's name has at most 200 characters." });
    setPending(true);
    setError(null);
    try {
      await dataProvider.setRoomGuestName({ reservationId: room.rowId, guestName });
      notify(guestName ? `Room ${room.roomNo}: ${guestName}.` : `Room ${room.roomNo}: under the booker's name.`, { type: "success" });
      setEditing(false);
      await queryClient.invalidateQueries({ queryKey: ["groups", "group"] });
    } catch (caught) {
      setError(shownError(caught));
    } finally {
      setPending(false);
    }
  };
  if (!editing) {
    return (
      <Stack direction="row" spacing={0.5} sx={{ alignItems: "center" }}>
        <Box data-testid="room-guest-name">
          {room.guestName ?? (
            <Typography variant="body2" component="span" color="text.secondary">
              {bookerName ? `${bookerName} (booker)` : "—"}
            </Typography>
          )}
        </Box>
        {editable && (
          <Tooltip title={`Who sleeps in room ${room.roomNo}`}>
            <IconButton size="small" aria-label={`Edit the guest of room ${room.roomNo}`} onClick={() => { setValue(room.guestName ?? ""); setEditing(true); }} data-testid="edit-room-guest">
              <EditIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
      </Stack>
    );
  }
  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <Stack direction="row" spacing={0.5} sx={{ alignItems: "flex-start" }}>
        <TextField
          size="small"
          label={`Room ${room.roomNo}: guest name`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          disabled={pending}
          autoFocus
          error={error !== null}
          helperText={error ? `${error.message} (${error.code})` : "Empty: the booker's name."}
          slotProps={{ htmlInput: { maxLength: 200 } }}
        />
        <IconButton type="submit" aria-label={`Save the guest of room ${room.roomNo}`} disabled={pending} data-testid="save-room-guest">
          <CheckIcon />
        </IconButton>
        <IconButton aria-label="Cancel editing" onClick={() => setEditing(false)} disabled={pending}>
          <CloseIcon />
        </IconButton>
      </Stack>
    </form>
  );
}

/** Cancels every held or confirmed room, each by its own terms: what each costs is shown first. */
function CancelGroupDialog({ group, rooms, currency, timeZone, onClose }: { group: BookingGroupNode; rooms: GroupRoomNode[]; currency: string; timeZone: string; onClose(): void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [reason, setReason] = useState("");
  const toCancel = rooms.filter(cancellable);
  const fees = toCancel.reduce((sum, r) => sum + BigInt(r.cancellationPenaltyNow ?? "0"), 0n);
  const blocking = rooms.filter((r) => r.status === "checked_in" || r.status === "checked_out" || r.status === "no_show");
  return (
    <ActionDialog
      title={`Cancel group ${group.groupCode}`}
      confirmLabel={`Cancel ${plural(toCancel.length, "room")}`}
      input={{ reason: reason.trim() || null }}
      danger
      testId="cancel-group-dialog"
      errorTitle="The group was not cancelled"
      onSubmit={async (input, idempotencyKey) => {
        const result = await dataProvider.cancelGroup({ bookingGroupId: group.rowId, reason: input.reason, idempotencyKey });
        const penalty = result.reduce((sum, r) => sum + BigInt(r.penaltyAmount ?? "0"), 0n);
        notify(`Group ${group.groupCode} cancelled: ${plural(result.length, "room")}${penalty > 0n ? `, penalties ${formatMoney(penalty, currency)}` : ", no penalty"}.`, { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["groups", "group"] });
        void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
      }}
      onClose={onClose}
    >
      <Typography>
        Cancel every room of {group.name ? <strong>{group.name}</strong> : "the group"} still held or confirmed. Each room's cancellation terms locked at booking apply; its unit is released.
      </Typography>
      <Table size="small" aria-label="What cancelling each room costs">
        <TableHead>
          <TableRow>
            <TableCell>Room</TableCell>
            <TableCell>Room type</TableCell>
            <TableCell align="right">Fee now</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {toCancel.map((room) => (
            <TableRow key={room.rowId} data-testid="cancel-room-fee">
              <TableCell>
                {room.roomNo}. {room.confirmationCode ?? "held"}
              </TableCell>
              <TableCell>{room.status === "held" ? "on hold: nothing to pay" : room.roomType?.name ?? ""}</TableCell>
              <TableCell align="right">{room.cancellationPenaltyNow === null ? "—" : formatMoney(room.cancellationPenaltyNow, room.currency)}</TableCell>
            </TableRow>
          ))}
          <TableRow>
            <TableCell colSpan={2}>
              <strong>In all</strong>
            </TableCell>
            <TableCell align="right" data-testid="cancel-group-fees">
              <strong>{formatMoney(fees, currency)}</strong>
            </TableCell>
          </TableRow>
        </TableBody>
      </Table>
      {blocking.length > 0 && (
        <ErrorAlert
          severity="warning"
          title="Some rooms cannot be cancelled"
          error={{ code: "INVALID_TRANSITION", message: `${blocking.map((r) => `Room ${r.roomNo}`).join(", ")} ${blocking.length === 1 ? "is" : "are"} in house, checked out or a no-show: the group cannot be cancelled as a whole. Cancel the other rooms one by one on their pages.` }}
        />
      )}
      <Typography variant="caption" color="text.secondary">
        Checked {formatTimestamp(new Date().toISOString(), timeZone)}; the fee is worked out again when you confirm.
      </Typography>
      <TextField label="Reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} slotProps={{ htmlInput: { maxLength: 500 } }} fullWidth />
    </ActionDialog>
  );
}

/** Refetch the group and what its rooms feed (the desk's day, the tape chart) after a change. */
async function afterGroupChange(queryClient: ReturnType<typeof useQueryClient>) {
  await queryClient.invalidateQueries({ queryKey: ["groups", "group"] });
  void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
  void queryClient.invalidateQueries({ queryKey: ["tapeChart"] });
}

/** One room cancelled alone, its own fee shown first; the group and its other rooms stay. */
function CancelRoomDialog({ group, room, timeZone, onClose }: { group: BookingGroupNode; room: GroupRoomNode; timeZone: string; onClose(): void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [reason, setReason] = useState("");
  return (
    <ActionDialog
      title={`Cancel room ${room.roomNo} of group ${group.groupCode}`}
      confirmLabel="Cancel this room"
      input={{ reason: reason.trim() || null }}
      danger
      testId="cancel-group-room-dialog"
      errorTitle="The room was not cancelled"
      onSubmit={async (input, idempotencyKey) => {
        const result = await dataProvider.cancelReservation({ reservationId: room.rowId, reason: input.reason, idempotencyKey });
        notify(`Room ${room.roomNo} cancelled${BigInt(result.penaltyAmount ?? "0") > 0n ? `, fee ${formatMoney(result.penaltyAmount, room.currency)}` : ", no fee"}; the group's other rooms stay booked.`, { type: "success" });
        await afterGroupChange(queryClient);
      }}
      onClose={onClose}
    >
      <Typography>
        Room {room.roomNo} ({room.roomType?.name ?? "room"}, {room.guestName ?? group.contactName ?? "the booker"}) is cancelled under its own terms locked at booking; its unit is released. The other rooms stay booked.
      </Typography>
      <Typography data-testid="cancel-room-fee-now">
        <strong>Fee now: {room.status === "held" ? "nothing (on hold)" : room.cancellationPenaltyNow === null ? "—" : formatMoney(room.cancellationPenaltyNow, room.currency)}</strong>
      </Typography>
      <Typography variant="caption" color="text.secondary">
        Checked {formatTimestamp(new Date().toISOString(), timeZone)}; the fee is worked out again when you confirm.
      </Typography>
      <TextField label="Reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} slotProps={{ htmlInput: { maxLength: 500 } }} fullWidth />
    </ActionDialog>
  );
}

/**
 * One more room for the group's dates: its rate plan and guests (with each child's age, issue 22), priced by
 * quoteGroupRoom (as addGroupRoom charges it) before anything is booked; a changed age prices it again.
 */
function AddRoomDialog({ group, booked, membership, onClose }: { group: BookingGroupNode; booked: GroupRoomNode; membership: Membership; onClose(): void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [ratePlanId, setRatePlanId] = useState("");
  const [adults, setAdults] = useState("2");
  const [children, setChildren] = useState("0");
  const [ages, setAges] = useState<FormAges>([]);
  const [guestName, setGuestName] = useState("");
  const plans = useQuery({
    queryKey: ["groups", "ratePlans", membership.propertyId],
    queryFn: ({ signal }) => dataProvider.groupRatePlans({ propertyId: membership.propertyId }, { signal }),
  });
  const party = { adults: Number(adults), children: Number(children) };
  const partyOk = Number.isInteger(party.adults) && party.adults >= 1 && party.adults <= 20 && Number.isInteger(party.children) && party.children >= 0 && party.children <= 20;
  const agesMissing = partyOk ? missingAgesReason(ages) : null;
  const childAges = chosenAges(ages) ?? null;
  const price = useQuery({
    queryKey: ["groups", "addRoomQuote", group.rowId, ratePlanId, party.adults, party.children, childAges, booked.arrival, booked.departure],
    queryFn: ({ signal }) => dataProvider.quoteGroupRoom({ bookingGroupId: group.rowId, ratePlanId, ...party, childAges }, { signal }),
    enabled: ratePlanId !== "" && partyOk && agesMissing === null,
    retry: false,
  });
  const invalid = ratePlanId === "" ? "Choose a rate plan first." : !partyOk ? "1 to 20 adults and 0 to 20 children." : agesMissing
    ?? (guestName.trim().length > 200 ? "A guest's name has at most 200 characters." : !price.isSuccess ? "The room's price comes first." : null);
  return (
    <ActionDialog
      title={`Add a room to group ${group.groupCode}`}
      confirmLabel={price.isSuccess ? `Add room for ${formatMoney(price.data.totalAmount, price.data.currency)}` : "Add room"}
      input={{ ratePlanId, ...party, childAges, guestName: guestName.trim() || null }}
      invalid={invalid}
      testId="add-group-room-dialog"
      errorTitle="No room was added"
      onSubmit={async (input, idempotencyKey) => {
        const result = await dataProvider.addGroupRoom({ bookingGroupId: group.rowId, idempotencyKey, ...input });
        notify(`Room added to ${group.groupCode}: ${result.confirmationCode ?? "booked"}, ${formatMoney(result.totalAmount, result.currency)}.`, { type: "success" });
        await afterGroupChange(queryClient);
      }}
      onClose={onClose}
    >
      <Typography>
        For the group's dates, {formatDate(booked.arrival)} → {formatDate(booked.departure)} ({plural(booked.nights, "night")}), under the booker's name and contact; priced by the same rules as the group's rooms. It gets its own confirmation code and folio.
      </Typography>
      {plans.isError && <ErrorAlert title="The rate plans could not be loaded" error={shownError(plans.error)} />}
      <TextField select label="Room type · rate plan" value={ratePlanId} onChange={(e) => setRatePlanId(e.target.value)} fullWidth data-testid="add-room-plan">
        {present(plans.data).map((plan) => (
          <MenuItem key={plan.rowId} value={plan.rowId}>
            {plan.roomType?.name ?? "Room"} · {plan.name}
          </MenuItem>
        ))}
      </TextField>
      <Stack direction="row" spacing={2}>
        <TextField label="Adults" type="number" value={adults} onChange={(e) => setAdults(e.target.value)} slotProps={{ htmlInput: { min: 1, max: 20 } }} sx={{ flex: 1 }} />
        <TextField
          label="Children"
          type="number"
          value={children}
          onChange={(e) => {
            setChildren(e.target.value);
            setAges(resizeAges(ages, Number(e.target.value)));
          }}
          slotProps={{ htmlInput: { min: 0, max: 20 } }}
          sx={{ flex: 1 }}
        />
      </Stack>
      <ChildAgesFields ages={ages} onChange={setAges} error={ratePlanId !== "" ? agesMissing : null} />
      <TextField label="Guest name (optional)" value={guestName} onChange={(e) => setGuestName(e.target.value)} helperText="Who sleeps here; the booker's name otherwise." slotProps={{ htmlInput: { maxLength: 200 } }} fullWidth />
      <Box aria-live="polite" data-testid="add-room-price">
        {price.isFetching && <LinearProgress aria-label="Pricing the room" />}
        {price.isError && <ErrorAlert title="This room cannot be added" error={shownError(price.error)} />}
        {price.isSuccess && (
          <Typography>
            <strong>Adds {formatMoney(price.data.totalAmount, price.data.currency)}</strong> to the group ({group.totalAmount === null ? "—" : formatMoney(group.totalAmount, price.data.currency)} now)
            {price.data.promoCode ? `, with the group's promo code ${price.data.promoCode}` : ""}.
          </Typography>
        )}
      </Box>
    </ActionDialog>
  );
}

/** Every room moved to new dates or none: each room's new price and the difference first (quoteGroupChange). */
function ChangeDatesDialog({ group, booked, currency, onClose }: { group: BookingGroupNode; booked: GroupRoomNode; currency: string; onClose(): void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [arrival, setArrival] = useState(booked.arrival);
  const [departure, setDeparture] = useState(booked.departure);
  const datesOk = isIsoDate(arrival) && isIsoDate(departure) && departure > arrival;
  const moved = arrival !== booked.arrival || departure !== booked.departure;
  const price = useQuery({
    queryKey: ["groups", "changeQuote", group.rowId, arrival, departure],
    queryFn: ({ signal }) => dataProvider.quoteGroupChange({ bookingGroupId: group.rowId, arrival, departure }, { signal }),
    enabled: datesOk && moved,
    retry: false,
  });
  const invalid = !datesOk ? "The departure must be after the arrival." : !moved ? "Choose other dates first." : !price.isSuccess ? "The new price comes first." : null;
  const difference = price.isSuccess ? BigInt(price.data.difference) : 0n;
  return (
    <ActionDialog
      title={`Change the dates of group ${group.groupCode}`}
      confirmLabel="Move every room"
      input={{ arrival, departure }}
      invalid={invalid}
      maxWidth="md"
      testId="change-group-dates-dialog"
      errorTitle="No room has moved"
      onSubmit={async (input, idempotencyKey) => {
        const result = await dataProvider.changeGroupDates({ bookingGroupId: group.rowId, idempotencyKey, ...input });
        notify(`Group ${group.groupCode} moved to ${formatDate(input.arrival)} → ${formatDate(input.departure)}: ${plural(result.filter((r) => r.status !== "cancelled").length, "room")}.`, { type: "success" });
        await afterGroupChange(queryClient);
      }}
      onClose={onClose}
    >
      <Typography>
        Every room not cancelled moves to the new dates, each priced again at today's rates on its own rate plan; if one room cannot move, none does.
      </Typography>
      <Stack direction="row" spacing={2}>
        <TextField label="Arrival" type="date" value={arrival} slotProps={{ inputLabel: { shrink: true } }} sx={{ flex: 1 }}
          onChange={(e) => {
            const next = e.target.value;
            setArrival(next);
            if (isIsoDate(next) && departure <= next) setDeparture(addDays(next, Math.max(1, daysBetween(arrival, departure))));
          }} />
        <TextField label="Departure" type="date" value={departure} onChange={(e) => setDeparture(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} sx={{ flex: 1 }} />
      </Stack>
      <Box aria-live="polite" data-testid="change-dates-price">
        {price.isFetching && <LinearProgress aria-label="Pricing the new dates" />}
        {price.isError && <ErrorAlert title="The group cannot move to these dates" error={shownError(price.error)} />}
        {price.isSuccess && (
          <>
            <ScrollBox label="Each room's price now and after">
              <Table size="small" aria-label="Each room's price now and after">
                <TableHead>
                  <TableRow>
                    <TableCell>Room</TableCell>
                    <TableCell align="right">Now</TableCell>
                    <TableCell align="right">New dates</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {present(price.data.rooms).map((r) => (
                    <TableRow key={r.roomNo}>
                      <TableCell>
                        {r.roomNo}. {present(group.rooms.nodes).find((room) => room.roomNo === r.roomNo)?.roomType?.name ?? ""}
                      </TableCell>
                      <TableCell align="right">{formatMoney(r.currentTotal, currency)}</TableCell>
                      <TableCell align="right">{formatMoney(r.quote.totalAmount, currency)}</TableCell>
                    </TableRow>
                  ))}
                  <TableRow>
                    <TableCell><strong>In all</strong></TableCell>
                    <TableCell align="right">{formatMoney(price.data.currentTotal, currency)}</TableCell>
                    <TableCell align="right"><strong>{formatMoney(price.data.totalAmount, currency)}</strong></TableCell>
                  </TableRow>
                </TableBody>
              </Table>
            </ScrollBox>
            <Typography sx={{ mt: 1 }} data-testid="change-dates-difference">
              <strong>
                {difference === 0n ? "Same price" : difference > 0n ? `${formatMoney(difference, currency)} more` : `${formatMoney(-difference, currency)} less`}
              </strong>{" "}
              · {plural(price.data.nights, "night")}; each folio is charged or credited its room's difference.
            </Typography>
          </>
        )}
      </Box>
    </ActionDialog>
  );
}
