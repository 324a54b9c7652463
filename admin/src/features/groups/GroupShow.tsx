// A booking group's page (issue 21): its code, name, booker and dates; each
// room (its place in the rooming list, unit, status, who sleeps there,
// edited in place by setRoomGuestName; a link to its reservation, where
// the room is changed or cancelled alone, and to its folio); what the
// rooms cost now and what their folios owe; and the cancellation of every
// room still held or confirmed, with what each would cost shown first
// (cancellationPenaltyNow, as the single cancellation shows its terms).
// Live: a change of any of its rooms (reservations, folio balances) at the
// property refetches it; booking_groups are not published.
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
import { ReservationStatusChip } from "../../ui/StatusChip.tsx";
import { formatDate, formatMoney, formatTimestamp } from "../../ui/format.ts";
import { plural } from "../../ui/dates.ts";
import { useLiveRefresh, touchesAny } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { notFound, present } from "../../platform/results.ts";
import type { BookingGroupNode, GroupRoomNode } from "./documents.ts";
import { groupRoomsListPath, reservationFolioPath, reservationPath } from "./paths.ts";

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
  useLiveRefresh(["reservations", "folio_balances"], [["groups", "group", id]], { enabled: query.isSuccess, relevant: touchesAny([id, ...roomIds]) });
  if (query.isPending) return <><Title title="Group" /><LinearProgress sx={{ m: 2 }} /></>;
  if (query.isError) return <><Title title="Group" /><QueryError error={query.error} title={`No such group at ${membership.propertyName}`} /></>;
  return <GroupDetails group={query.data} membership={membership} />;
}

function GroupDetails({ group, membership }: { group: BookingGroupNode; membership: Membership }) {
  const cancel = useCanAccess({ resource: "groups", action: "cancel" });
  const [cancelling, setCancelling] = useState(false);
  const rooms = present(group.rooms.nodes);
  const currency = rooms[0]?.currency ?? membership.currency;
  const live = rooms.filter((r) => r.status !== "cancelled" && r.holdState !== "expired" && r.holdState !== "released");
  const balance = rooms.reduce((sum, r) => sum + balanceOf(r), 0n);
  const first = rooms[0];
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
              cancel.canAccess && rooms.some(cancellable) && (
                <Button color="warning" variant="outlined" startIcon={<EventBusyIcon />} onClick={() => setCancelling(true)} data-testid="cancel-group">
                  Cancel group
                </Button>
              )
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
                <RoomCard key={room.rowId} room={room} bookerName={group.contactName} />
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
                  </TableRow>
                </TableHead>
                <TableBody>
                  {rooms.map((room) => (
                    <RoomRow key={room.rowId} room={room} bookerName={group.contactName} />
                  ))}
                </TableBody>
              </Table>
            </ScrollBox>
          )}
        </CardContent>
      </Card>
      {cancelling && <CancelGroupDialog group={group} rooms={rooms} currency={currency} timeZone={membership.timeZone} onClose={() => setCancelling(false)} />}
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
          {room.ratePlan?.name ?? ""} · {plural(room.adults, "adult")}
          {room.children > 0 ? `, ${plural(room.children, "child", "children")}` : ""}
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

function RoomRow({ room, bookerName }: { room: GroupRoomNode; bookerName: string | null }) {
  const parts = useRoomParts(room, bookerName);
  return (
    <TableRow data-testid="group-room-row" data-room-no={room.roomNo}>
      <TableCell>{parts.link}</TableCell>
      <TableCell sx={{ minWidth: 220 }}>{parts.guest}</TableCell>
      <TableCell>{parts.status}</TableCell>
      <TableCell>{parts.stay}</TableCell>
      <TableCell align="right">{parts.total}</TableCell>
      <TableCell align="right">{parts.folio}</TableCell>
    </TableRow>
  );
}

function RoomCard({ room, bookerName }: { room: GroupRoomNode; bookerName: string | null }) {
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
