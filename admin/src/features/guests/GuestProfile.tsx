// A guest's profile (issue 21): details, VIP, preferences and notes, when
// and by whom the profile was last changed; their stays here (current,
// upcoming, past; each links to its reservation page), how many stays and
// nights and what they spent (Guest.totalSpend: the revenue and tax charged
// on their bookings' guest folios, in the property's currency); likely
// duplicates to merge into this profile, and the profiles merged into it.
// Editing (updateGuest) and merging (mergeGuests) are the front office's;
// the database checks the role and the input, and its refusals are shown
// with their codes.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Checkbox from "@mui/material/Checkbox";
import Chip from "@mui/material/Chip";
import FormControlLabel from "@mui/material/FormControlLabel";
import Grid from "@mui/material/Grid";
import LinearProgress from "@mui/material/LinearProgress";
import Link from "@mui/material/Link";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import EditIcon from "@mui/icons-material/Edit";
import MergeIcon from "@mui/icons-material/MergeType";
import UndoIcon from "@mui/icons-material/Undo";
import { useState, type ReactNode } from "react";
import { Title, useCanAccess, useDataProvider, useNotify } from "react-admin";
import { Link as RouterLink, useParams } from "react-router-dom";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { Figure } from "../../ui/Figure.tsx";
import { QueryError, SectionHeading, WithProperty } from "../../ui/Section.tsx";
import { ReservationStatusChip } from "../../ui/StatusChip.tsx";
import { formatDate, formatMoney, formatTimestamp, todayIn } from "../../ui/format.ts";
import { plural } from "../../ui/dates.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { present } from "../../platform/results.ts";
import type { GuestMergeNode, GuestProfileNode, GuestRowNode, GuestStayNode, GuestValues } from "./documents.ts";
import { guestPath, guestsPath, reservationPath } from "./paths.ts";

export function GuestProfile() {
  const { id = "" } = useParams();
  const { canAccess, isPending } = useCanAccess({ resource: "guests", action: "show" });
  return (
    <Box sx={{ mt: 1, minWidth: 0 }}>
      {isPending ? null : !canAccess ? (
        <Alert severity="warning">
          <Title title="Guest" />Guest profiles are for the front desk, managers and owners of the property.
        </Alert>
      ) : (
        <WithProperty>{(membership) => <Profile id={id} membership={membership} />}</WithProperty>
      )}
    </Box>
  );
}

function Profile({ id, membership }: { id: string; membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const query = useQuery({
    queryKey: ["guests", "profile", id],
    queryFn: ({ signal }) => dataProvider.guestProfile({ id }, { signal }),
  });
  useLiveRefresh(["guests", "reservations"], [["guests"]]);
  if (query.isPending) return <><Title title="Guest" /><LinearProgress sx={{ m: 2 }} /></>;
  if (query.isError) return <><Title title="Guest" /><QueryError error={query.error} title="Could not load this guest" /></>;
  const guest = query.data;
  return (
    <Stack spacing={2}>
      <Title title={`Guest · ${guest.fullName}`} />
      <Card>
        <CardContent>
          <ProfileDetails guest={guest} membership={membership} />
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Stays guest={guest} membership={membership} />
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Duplicates guest={guest} />
        </CardContent>
      </Card>
    </Stack>
  );
}

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="body1" component="div" sx={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }} data-testid={testId}>
        {children}
      </Typography>
    </Box>
  );
}

function ProfileDetails({ guest, membership }: { guest: GuestProfileNode; membership: Membership }) {
  const edit = useCanAccess({ resource: "guests", action: "edit" });
  const [editing, setEditing] = useState(false);
  return (
    <>
      <SectionHeading
        title={guest.fullName}
        subtitle={
          <>
            <Link component={RouterLink} to={guestsPath}>
              Guests
            </Link>
            {" · guest since "}
            {formatDate(guest.createdAt.slice(0, 10))}
            {guest.isVip && <Chip label="VIP" size="small" color="secondary" sx={{ ml: 1 }} data-testid="vip" />}
          </>
        }
        actions={
          edit.canAccess && (
            <Button startIcon={<EditIcon />} onClick={() => setEditing(true)} data-testid="edit-guest">
              Edit
            </Button>
          )
        }
      />
      <Grid container spacing={2} sx={{ mb: 2 }}>
        <Figure label="Stays" value={String(guest.staysCount)} testId="stays-count" />
        <Figure label="Nights" value={String(guest.nightsCount)} testId="nights-count" />
        <Figure label="Total spend" value={guest.totalSpend === null ? "—" : formatMoney(guest.totalSpend, membership.currency)} testId="total-spend" />
        <Figure label="Bookings" value={String(present(guest.reservations.nodes).length)} />
      </Grid>
      <Stack spacing={1.5}>
        <Field label="Email" testId="guest-email">{guest.email}</Field>
        <Field label="Phone">{guest.phone ?? "—"}</Field>
        <Field label="Preferences" testId="guest-preferences">{guest.preferences ?? "—"}</Field>
        <Field label="Notes" testId="guest-notes">{guest.notes ?? "—"}</Field>
        <Typography variant="body2" color="text.secondary" data-testid="last-changed">
          Last changed {formatTimestamp(guest.updatedAt, membership.timeZone)} by {guest.updatedByUser?.displayName ?? "the system (a booking)"}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          Stays are bookings checked in (in house or checked out); nights are theirs. Total spend is what was charged to the guest's
          folios for those stays and for cancellations and no-shows (rooms, extras, fees, penalties, taxes; less allowances), paid or
          not, in {membership.currency}; upcoming bookings are not counted, and charges routed to a company are the company's.
        </Typography>
      </Stack>
      {editing && <EditGuestDialog guest={guest} onClose={() => setEditing(false)} />}
    </>
  );
}

interface EditInput {
  fullName: string;
  email: string;
  phone: string;
  isVip: boolean;
  preferences: string;
  notes: string;
}

/** Why the form cannot be sent yet, said before the API has to (the database checks the same). */
function invalidReason(input: EditInput): string | null {
  if (input.fullName.trim() === "") return "The guest's name is required.";
  if (input.fullName.trim().length > 200) return "A name is at most 200 characters.";
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.email.trim()) || input.email.trim().length > 254) return "That email address does not look valid.";
  if (input.phone.trim() !== "" && !/^\+?[0-9 ()./-]{5,30}$/.test(input.phone.trim())) return "A phone number is digits, spaces and + ( ) . / - only, 5 to 30 of them.";
  if (input.preferences.trim().length > 1000) return "Preferences are at most 1000 characters.";
  if (input.notes.trim().length > 4000) return "Notes are at most 4000 characters.";
  return null;
}

function EditGuestDialog({ guest, onClose }: { guest: GuestProfileNode; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [input, setInput] = useState<EditInput>({
    fullName: guest.fullName,
    email: guest.email,
    phone: guest.phone ?? "",
    isVip: guest.isVip,
    preferences: guest.preferences ?? "",
    notes: guest.notes ?? "",
  });
  const set = (field: Exclude<keyof EditInput, "isVip">) => (event: { target: { value: string } }) => setInput((old) => ({ ...old, [field]: event.target.value }));
  const blankToNull = (value: string) => (value.trim() === "" ? null : value.trim());
  return (
    <ActionDialog<EditInput>
      title="Edit guest"
      confirmLabel="Save"
      errorTitle="Not saved"
      input={input}
      invalid={invalidReason(input)}
      testId="edit-guest-dialog"
      onSubmit={async (value) => {
        const values: GuestValues = {
          fullName: value.fullName.trim(), email: value.email.trim(), phone: blankToNull(value.phone), isVip: value.isVip,
          preferences: blankToNull(value.preferences), notes: blankToNull(value.notes),
        };
        const saved = await dataProvider.updateGuest({ guestId: guest.rowId, ...values });
        queryClient.setQueryData(["guests", "profile", guest.rowId], saved);
        await queryClient.invalidateQueries({ queryKey: ["guests"] });
        notify("Guest saved", { type: "success" });
      }}
      onClose={onClose}
    >
      <TextField label="Full name" value={input.fullName} onChange={set("fullName")} required fullWidth slotProps={{ htmlInput: { maxLength: 300 } }} />
      <TextField label="Email" type="email" value={input.email} onChange={set("email")} required fullWidth />
      <TextField label="Phone" value={input.phone} onChange={set("phone")} fullWidth helperText="Optional; digits, spaces and + ( ) . / -" />
      <FormControlLabel control={<Checkbox checked={input.isVip} onChange={(e) => setInput((old) => ({ ...old, isVip: e.target.checked }))} />} label="VIP" />
      <TextField label="Preferences" value={input.preferences} onChange={set("preferences")} fullWidth multiline minRows={2}
        helperText={`${input.preferences.trim().length} / 1000`} slotProps={{ htmlInput: { maxLength: 1100 } }} />
      <TextField label="Notes" value={input.notes} onChange={set("notes")} fullWidth multiline minRows={3}
        helperText={`${input.notes.trim().length} / 4000 · staff only`} slotProps={{ htmlInput: { maxLength: 4100 } }} />
    </ActionDialog>
  );
}

type When = "current" | "upcoming" | "past";
const whenLabels: Record<When, string> = { current: "In house", upcoming: "Upcoming", past: "Past" };

/** Where a booking sits in the guest's history: in house now, to come, or done (cancellations and no-shows too). */
function whenOf(stay: GuestStayNode, today: string): When {
  if (stay.status === "checked_in") return "current";
  if (stay.status === "confirmed" && stay.departure > today) return "upcoming";
  return "past";
}

function Stays({ guest, membership }: { guest: GuestProfileNode; membership: Membership }) {
  const today = todayIn(membership.timeZone);
  const stays = present(guest.reservations.nodes);
  const order: When[] = ["current", "upcoming", "past"];
  const sorted = order.flatMap((when) => stays.filter((s) => whenOf(s, today) === when).map((s) => ({ when, stay: s })));
  return (
    <>
      <SectionHeading title="Stays" subtitle={`${plural(stays.length, "booking")} here, newest first within each group.`} />
      <Table size="small" aria-label="Stays" data-testid="guest-stays">
        <TableHead>
          <TableRow>
            <TableCell>Booking</TableCell>
            <TableCell>Dates</TableCell>
            <TableCell sx={{ display: { xs: "none", sm: "table-cell" } }}>Unit</TableCell>
            <TableCell align="right" sx={{ display: { xs: "none", sm: "table-cell" } }}>Total</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {sorted.length === 0 && (
            <TableRow>
              <TableCell colSpan={4}>No bookings.</TableCell>
            </TableRow>
          )}
          {sorted.map(({ when, stay }) => (
            <TableRow key={stay.rowId} data-testid="guest-stay">
              <TableCell>
                <Link component={RouterLink} to={reservationPath(stay.rowId)}>
                  {stay.confirmationCode ?? "—"}
                </Link>
                <Box sx={{ display: "flex", gap: 0.5, flexWrap: "wrap", mt: 0.5 }}>
                  <Chip label={whenLabels[when]} size="small" variant="outlined" />
                  <ReservationStatusChip status={stay.status} />
                </Box>
              </TableCell>
              <TableCell>
                {formatDate(stay.arrival)} → {formatDate(stay.departure)}
                <Typography variant="body2" color="text.secondary">
                  {plural(stay.nights, "night")}
                </Typography>
              </TableCell>
              <TableCell sx={{ display: { xs: "none", sm: "table-cell" } }}>
                {stay.unit?.name ?? "—"}
                {stay.roomType && (
                  <Typography variant="body2" color="text.secondary">
                    {stay.roomType.name}
                  </Typography>
                )}
              </TableCell>
              <TableCell align="right" sx={{ display: { xs: "none", sm: "table-cell" } }}>{formatMoney(stay.totalAmount, stay.currency)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}

function Duplicates({ guest }: { guest: GuestProfileNode }) {
  const merge = useCanAccess({ resource: "guests", action: "merge" });
  const [merging, setMerging] = useState<GuestRowNode | null>(null);
  const [undoing, setUndoing] = useState<GuestMergeNode | null>(null);
  const duplicates = present(guest.duplicatesList);
  const merges = present(guest.mergesList);
  return (
    <>
      <SectionHeading
        title="Possible duplicates"
        subtitle="Other profiles here with the same email (ignoring case and a +tag), or the same name and phone number."
      />
      {duplicates.length === 0 ? (
        <Typography variant="body2" data-testid="no-duplicates">No likely duplicates.</Typography>
      ) : (
        <Stack spacing={1} data-testid="duplicates">
          {duplicates.map((d) => (
            <Stack key={d.rowId} direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ alignItems: { sm: "center" }, justifyContent: "space-between" }} data-testid="duplicate">
              <Box sx={{ minWidth: 0 }}>
                <Link component={RouterLink} to={guestPath(d.rowId)}>{d.fullName}</Link>
                <Typography variant="body2" color="text.secondary" sx={{ wordBreak: "break-all" }}>
                  {d.email}
                  {d.phone ? ` · ${d.phone}` : ""} · {plural(d.staysCount, "stay")}
                </Typography>
              </Box>
              {merge.canAccess && (
                <Button size="small" startIcon={<MergeIcon />} onClick={() => setMerging(d)} data-testid="merge-duplicate" sx={{ flexShrink: 0 }}>
                  Merge into this profile
                </Button>
              )}
            </Stack>
          ))}
        </Stack>
      )}
      {merges.length > 0 && (
        <Box sx={{ mt: 2 }} data-testid="merges">
          <Typography variant="subtitle2" component="h3">
            Merged into this profile
          </Typography>
          {merges.map((m) => (
            <Stack key={m.rowId} direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ alignItems: { sm: "center" }, justifyContent: "space-between" }} data-testid="merge">
              <Typography variant="body2" color="text.secondary" sx={{ wordBreak: "break-word" }}>
                {m.mergedGuest.full_name ?? "A profile"} ({m.mergedGuest.email ?? "no email"}) on {formatTimestamp(m.createdAt)} by{" "}
                {m.mergedByUser?.displayName ?? "the system"}: {plural(m.reservationIds.length, "booking")} moved
                {m.undo && (
                  <>
                    {" "}· undone on {formatTimestamp(m.undo.createdAt)} by {m.undo.undoneByUser?.displayName ?? "the system"}
                    {": "}
                    <Link component={RouterLink} to={guestPath(m.mergedGuestId)}>the profile</Link> is back
                  </>
                )}
              </Typography>
              {merge.canAccess && !m.undo && (
                <Button size="small" startIcon={<UndoIcon />} onClick={() => setUndoing(m)} data-testid="undo-merge" sx={{ flexShrink: 0, alignSelf: { xs: "flex-start", sm: "auto" } }}>
                  Undo merge
                </Button>
              )}
            </Stack>
          ))}
        </Box>
      )}
      {merging && <MergeDialog keep={guest} other={merging} onClose={() => setMerging(null)} />}
      {undoing && <UndoMergeDialog keep={guest} merge={undoing} onClose={() => setUndoing(null)} />}
    </>
  );
}

function MergeDialog({ keep, other, onClose }: { keep: GuestProfileNode; other: GuestRowNode; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  return (
    <ActionDialog<null>
      title="Merge guest profiles"
      confirmLabel="Merge"
      errorTitle="Not merged"
      input={null}
      danger
      testId="merge-dialog"
      onSubmit={async () => {
        const kept = await dataProvider.mergeGuests({ keepGuestId: keep.rowId, mergeGuestId: other.rowId });
        queryClient.setQueryData(["guests", "profile", keep.rowId], kept);
        await queryClient.invalidateQueries({ queryKey: ["guests"] });
        notify(`${other.fullName} (${other.email}) merged into this profile`, { type: "success" });
      }}
      onClose={onClose}
    >
      <Typography>
        Keep <strong>{keep.fullName}</strong> ({keep.email}) and merge <strong>{other.fullName}</strong> ({other.email}) into it:
        its {plural(other.staysCount, "stay")} and every booking, its preferences and notes move here, and its profile is removed.
        The merge is recorded with your name, and can be undone here.
      </Typography>
    </ActionDialog>
  );
}

function UndoMergeDialog({ keep, merge, onClose }: { keep: GuestProfileNode; merge: GuestMergeNode; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const name = merge.mergedGuest.full_name ?? "The merged profile";
  return (
    <ActionDialog<null>
      title="Undo the merge"
      confirmLabel="Undo merge"
      errorTitle="Not undone"
      input={null}
      testId="undo-merge-dialog"
      onSubmit={async () => {
        const restored = await dataProvider.undoGuestMerge({ mergeId: merge.rowId });
        await queryClient.invalidateQueries({ queryKey: ["guests"] });
        notify(`${restored.fullName} (${restored.email ?? "no email"}) is a profile of its own again`, { type: "success" });
      }}
      onClose={onClose}
    >
      <Typography>
        <strong>{name}</strong> ({merge.mergedGuest.email ?? "no email"}) comes back as its own profile, with its{" "}
        {plural(merge.reservationIds.length, "booking")} that are still on <strong>{keep.fullName}</strong>. What the merge added to
        this profile (notes, preferences, VIP, phone) is taken off again unless someone changed it since.
      </Typography>
    </ActionDialog>
  );
}
