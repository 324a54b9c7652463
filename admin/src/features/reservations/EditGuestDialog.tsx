// The desk corrects a booking's guest details and party size from the
// reservation page (issue 21): name, email and phone through the API's
// updateReservationGuest (front office; audited; INVALID_NAME, INVALID_EMAIL,
// INVALID_PHONE, GUEST_EMAIL_IN_USE shown as the API says them), and the
// number of adults and children, with the children's ages (issue 22: one
// per child, the booking's own prefilled), through modifyReservation
// (re-priced on the stay's plan, one idempotency key per user action); a
// confirmed stay's new price is shown first (quoteChange) and follows every
// change of the party. Only what changed is sent. The button shows for the roles that may (accessMatrix.reservations
// .edit_guest and .modify); the API is the guard.
import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Grid from "@mui/material/Grid";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import EditIcon from "@mui/icons-material/Edit";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCanAccess, useDataProvider, useNotify, useRefresh } from "react-admin";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { ApiErrorAlert, shownError } from "../../ui/ApiErrorAlert.tsx";
import { ChildAgesFields, chosenAges, formAgesOf, missingAgesReason, resizeAges, type FormAges } from "../../ui/ChildAgesFields.tsx";
import { formatMoney } from "../../ui/format.ts";
import type { KeeprDataProvider, ReservationDetail } from "../../platform/dataProvider.ts";

interface GuestInput {
  fullName: string;
  email: string;
  phone: string;
  adults: string;
  children: string;
  /** One per child: the booking's own when it has them. */
  ages: FormAges;
}

/** The party as the form has it, when it differs from the booking's (adults, children or an age). */
function changedParty(input: GuestInput, record: ReservationDetail): { adults: number; children: number; ages: FormAges } | null {
  const adults = Number(input.adults);
  const children = Number(input.children);
  const ages = resizeAges(input.ages, children);
  const booked = formAgesOf(record.childAges, record.children);
  const same = adults === record.adults && children === record.children && ages.join(",") === booked.join(",");
  return same ? null : { adults, children, ages };
}

/** Why the form cannot be sent yet, said before the API has to. */
function invalidReason(input: GuestInput, record: ReservationDetail, partyEditable: boolean): string | null {
  if (input.fullName.trim() === "") return "The guest's name is required.";
  if (input.fullName.trim().length > 200) return "A name is at most 200 characters.";
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.email.trim()) || input.email.trim().length > 254) return "That email address does not look valid.";
  if (input.phone.trim() !== "" && !/^\+?[0-9 ()./-]{5,30}$/.test(input.phone.trim())) return "A phone number is digits, spaces and + ( ) . / - only, 5 to 30 of them.";
  const adults = Number(input.adults);
  const children = Number(input.children);
  if (!Number.isInteger(adults) || adults < 1 || adults > 50) return "Adults: a whole number from 1 to 50.";
  if (!Number.isInteger(children) || children < 0 || children > 50) return "Children: a whole number from 0 to 50.";
  // The ages are asked for a changed party (an unchanged one keeps the booking's, even without ages).
  const party = partyEditable ? changedParty(input, record) : null;
  return party ? missingAgesReason(party.ages) : null;
}

export function EditGuestButton({ record }: { record: ReservationDetail }) {
  const guestRight = useCanAccess({ resource: "reservations", action: "edit_guest", record });
  const [open, setOpen] = useState(false);
  if (!guestRight.canAccess || !record.guest) return null;
  return (
    <>
      <Button size="small" startIcon={<EditIcon />} onClick={() => setOpen(true)} data-testid="edit-guest">
        Edit guest
      </Button>
      {open && <EditGuestDialog record={record} onClose={() => setOpen(false)} />}
    </>
  );
}

function EditGuestDialog({ record, onClose }: { record: ReservationDetail; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const refresh = useRefresh();
  const notify = useNotify();
  const partyRight = useCanAccess({ resource: "reservations", action: "modify", record });
  const partyEditable = partyRight.canAccess === true && (record.status === "confirmed" || record.status === "checked_in");
  const [input, setInput] = useState<GuestInput>({
    fullName: record.guest?.fullName ?? "",
    email: record.guest?.email ?? "",
    phone: record.guest?.phone ?? "",
    adults: String(record.adults),
    children: String(record.children),
    ages: formAgesOf(record.childAges, record.children),
  });
  const set = (field: "fullName" | "email" | "phone" | "adults") => (event: { target: { value: string } }) => setInput((old) => ({ ...old, [field]: event.target.value }));
  const invalid = invalidReason(input, record, partyEditable);
  const party = partyEditable ? changedParty(input, record) : null;
  const partyAges = party ? chosenAges(party.ages) : undefined;
  // The new party's price on the stay's plan (confirmed stays: quoteChange), once every age is chosen.
  const price = useQuery({
    queryKey: ["quoteChange", record.id, party?.adults, party?.children, partyAges],
    queryFn: ({ signal }) =>
      dataProvider.quoteChange({ reservationId: record.id, adults: party!.adults, children: party!.children, childAges: partyAges ?? null }, { signal }),
    enabled: party !== null && partyAges !== undefined && invalid === null && record.status === "confirmed",
    placeholderData: (previous) => previous,
    retry: false,
  });
  return (
    <ActionDialog<GuestInput>
      title="Edit guest"
      confirmLabel="Save"
      errorTitle="Not saved"
      input={input}
      invalid={invalid}
      testId="edit-guest-dialog"
      onSubmit={async (value, key) => {
        const details = { fullName: value.fullName.trim(), email: value.email.trim(), phone: value.phone.trim() === "" ? null : value.phone.trim() };
        const changedDetails = details.fullName !== record.guest?.fullName || details.email.toLowerCase() !== (record.guest?.email ?? "").toLowerCase()
          || details.phone !== (record.guest?.phone ?? null);
        if (changedDetails) await dataProvider.updateReservationGuest({ reservationId: record.id, ...details });
        const changed = partyEditable ? changedParty(value, record) : null;
        if (changed) {
          const childAges = chosenAges(changed.ages);
          if (childAges === undefined) throw new Error(missingAgesReason(changed.ages) ?? "Choose the age of each child.");
          await dataProvider.changePartySize({ reservationId: record.id, adults: changed.adults, children: changed.children, childAges, idempotencyKey: key });
        }
        await queryClient.invalidateQueries({ queryKey: ["reservationTimeline", record.id] });
        refresh();
        notify("Guest details saved", { type: "success" });
      }}
      onClose={onClose}
    >
      <TextField label="Full name" value={input.fullName} onChange={set("fullName")} required fullWidth slotProps={{ htmlInput: { maxLength: 300 } }} />
      <TextField label="Email" type="email" value={input.email} onChange={set("email")} required fullWidth />
      <TextField label="Phone" value={input.phone} onChange={set("phone")} fullWidth helperText="Optional; digits, spaces and + ( ) . / -" />
      <Grid container spacing={2}>
        <Grid size={6}>
          <TextField label="Adults" type="number" value={input.adults} onChange={set("adults")} disabled={!partyEditable} fullWidth slotProps={{ htmlInput: { min: 1, max: 50 } }} />
        </Grid>
        <Grid size={6}>
          <TextField
            label="Children"
            type="number"
            value={input.children}
            onChange={(e) => setInput((old) => ({ ...old, children: e.target.value, ages: resizeAges(old.ages, Number(e.target.value)) }))}
            disabled={!partyEditable}
            fullWidth
            slotProps={{ htmlInput: { min: 0, max: 50 } }}
          />
        </Grid>
      </Grid>
      {partyEditable && (
        <ChildAgesFields
          ages={input.ages}
          onChange={(ages) => setInput((old) => ({ ...old, ages }))}
          error={party && partyAges === undefined ? missingAgesReason(party.ages) : null}
        />
      )}
      {party && partyAges !== undefined && record.status === "confirmed" && (
        price.isError ? (
          <ApiErrorAlert title="No price for this party" error={shownError(price.error)} />
        ) : (
          <Alert severity="info" icon={false} aria-busy={price.isFetching} data-testid="party-price" sx={{ opacity: price.isFetching ? 0.6 : 1 }}>
            New total{" "}
            <strong data-testid="party-total">{price.data ? formatMoney(price.data.totalAmount, price.data.currency) : "…"}</strong>
            {" "}(now {formatMoney(record.totalAmount, record.currency)}), at today's rates of the stay's plan.
          </Alert>
        )
      )}
      {!partyEditable && (
        <Typography variant="caption" color="text.secondary">
          The party size changes only for a confirmed or checked-in stay, by the front office.
        </Typography>
      )}
      {partyEditable && (
        <Typography variant="caption" color="text.secondary">
          A new party size is priced again on the stay's rate plan.
        </Typography>
      )}
    </ActionDialog>
  );
}
