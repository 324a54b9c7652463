// The registration card (issue 21): the guest's identity document as the
// desk records it at check-in, the fields of the check-in dialog
// (RegistrationCardFields), and the card on the reservation's page
// (RegistrationCardPanel) with its printable PDF to sign
// (GET /registration-cards/<id>.pdf). Only the property's front office reads
// or records cards: the database's row security and recordRegistrationCard
// decide; the panel is shown to them only. The database checks every field
// again (INVALID_ID_DOCUMENT names the one it refuses).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import CardHeader from "@mui/material/CardHeader";
import Dialog from "@mui/material/Dialog";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import Grid from "@mui/material/Grid";
import MenuItem from "@mui/material/MenuItem";
import Skeleton from "@mui/material/Skeleton";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import PrintIcon from "@mui/icons-material/Print";
import BadgeIcon from "@mui/icons-material/Badge";
import { useMemo, useState, type FormEvent } from "react";
import { useCanAccess, useDataProvider, useNotify } from "react-admin";
import { countryCodes, isCountryCode } from "../../../../shared/countries.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { fetchServerFile } from "../../platform/serverFiles.ts";
import { ApiError } from "../../platform/graphql.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { isIsoDate } from "../../ui/dates.ts";
import { formatDate, formatTimestamp } from "../../ui/format.ts";
import type { IdentityDocumentType, RegistrationCardInput, RegistrationCardNode } from "./documents.ts";

export const documentTypeLabels: Record<IdentityDocumentType, string> = {
  passport: "Passport",
  national_id: "National identity card",
  driving_licence: "Driving licence",
  residence_permit: "Residence permit",
  other: "Other document",
};

/** The countries by their English name, for the pickers. */
function useCountries(): Array<{ code: string; name: string }> {
  return useMemo(() => {
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    return countryCodes.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name));
  }, []);
}

export interface CardForm {
  fullName: string;
  documentType: IdentityDocumentType | "";
  documentNumber: string;
  issuingCountry: string;
  nationality: string;
  dateOfBirth: string;
  issuedOn: string;
  expiresOn: string;
  address: string;
}
type CardErrors = Partial<Record<keyof CardForm, string>>;

export const emptyCard = (fullName = ""): CardForm => ({
  fullName, documentType: "", documentNumber: "", issuingCountry: "", nationality: "", dateOfBirth: "", issuedOn: "", expiresOn: "", address: "",
});

export const cardFormOf = (card: RegistrationCardNode): CardForm => ({
  fullName: card.fullName, documentType: card.documentType, documentNumber: card.documentNumber, issuingCountry: card.issuingCountry,
  nationality: card.nationality, dateOfBirth: card.dateOfBirth, issuedOn: card.issuedOn, expiresOn: card.expiresOn ?? "", address: card.address ?? "",
});

/** The form checked as the database will (today in the property's calendar): what to send, or what is wrong. */
export function checkCard(form: CardForm, reservationId: string, today: string): { input: RegistrationCardInput } | { errors: CardErrors } {
  const errors: CardErrors = {};
  const fullName = form.fullName.trim();
  const number = form.documentNumber.replace(/\s/g, "").toUpperCase();
  if (fullName.length < 1 || fullName.length > 200) errors.fullName = "The name as on the document.";
  if (form.documentType === "") errors.documentType = "Choose the type of document.";
  if (!/^[A-Z0-9<-]{3,30}$/.test(number)) errors.documentNumber = "3 to 30 letters or digits.";
  if (!isCountryCode(form.issuingCountry)) errors.issuingCountry = "Choose the issuing country.";
  if (!isCountryCode(form.nationality)) errors.nationality = "Choose the nationality.";
  if (!isIsoDate(form.dateOfBirth) || form.dateOfBirth < "1900-01-01" || form.dateOfBirth > today) errors.dateOfBirth = "A date between 1900 and today.";
  if (!isIsoDate(form.issuedOn) || form.issuedOn > today || (isIsoDate(form.dateOfBirth) && form.issuedOn < form.dateOfBirth)) errors.issuedOn = "A date between the date of birth and today.";
  if (form.expiresOn !== "") {
    if (!isIsoDate(form.expiresOn)) errors.expiresOn = "A date, or empty when it does not expire.";
    else if (form.expiresOn < today) errors.expiresOn = `This document expired on ${formatDate(form.expiresOn)}: ask for a valid one.`;
    else if (isIsoDate(form.issuedOn) && form.expiresOn <= form.issuedOn) errors.expiresOn = "After the issue date.";
  }
  if (form.address.length > 500) errors.address = "At most 500 characters.";
  if (Object.keys(errors).length > 0) return { errors };
  return {
    input: {
      reservationId, fullName, documentType: form.documentType as IdentityDocumentType, documentNumber: number,
      issuingCountry: form.issuingCountry, nationality: form.nationality, dateOfBirth: form.dateOfBirth, issuedOn: form.issuedOn,
      expiresOn: form.expiresOn || null, address: form.address.trim() || null,
    },
  };
}

/** Which field the database refused (INVALID_ID_DOCUMENT's extensions.reason). */
const reasonField: Record<string, keyof CardForm> = {
  TYPE: "documentType", NUMBER: "documentNumber", COUNTRY: "issuingCountry", NATIONALITY: "nationality", BIRTH: "dateOfBirth",
  ISSUED: "issuedOn", EXPIRED: "expiresOn", ADDRESS: "address",
};
export function fieldOfRefusal(caught: unknown): keyof CardForm | null {
  if (!(caught instanceof ApiError)) return null;
  if (caught.code === "INVALID_NAME") return "fullName";
  return caught.code === "INVALID_ID_DOCUMENT" && caught.body.reason ? (reasonField[caught.body.reason] ?? null) : null;
}

export function RegistrationCardFields({ form, onChange, errors, disabled }: { form: CardForm; onChange(form: CardForm): void; errors: CardErrors; disabled?: boolean }) {
  const countries = useCountries();
  const field = (name: keyof CardForm) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => onChange({ ...form, [name]: e.target.value }),
    error: Boolean(errors[name]),
    disabled,
    fullWidth: true,
    size: "small" as const,
  });
  const date = { inputLabel: { shrink: true } };
  return (
    <Grid container spacing={2} data-testid="registration-card-fields">
      <Grid size={{ xs: 12, sm: 6 }}>
        <TextField label="Full name as on the document" required {...field("fullName")} helperText={errors.fullName ?? " "} slotProps={{ htmlInput: { maxLength: 200, autoComplete: "off" } }} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <TextField select label="Document" required {...field("documentType")} helperText={errors.documentType ?? " "} slotProps={{ htmlInput: { "data-testid": "document-type" } }}>
          {(Object.keys(documentTypeLabels) as IdentityDocumentType[]).map((t) => (
            <MenuItem key={t} value={t}>
              {documentTypeLabels[t]}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <TextField label="Document number" required {...field("documentNumber")} helperText={errors.documentNumber ?? " "} slotProps={{ htmlInput: { maxLength: 40, autoComplete: "off", spellCheck: false } }} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <TextField select label="Issuing country" required {...field("issuingCountry")} helperText={errors.issuingCountry ?? " "} slotProps={{ htmlInput: { "data-testid": "issuing-country" } }}>
          {countries.map((c) => (
            <MenuItem key={c.code} value={c.code}>
              {c.name}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <TextField label="Issued on" type="date" required {...field("issuedOn")} helperText={errors.issuedOn ?? " "} slotProps={date} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <TextField label="Expires on" type="date" {...field("expiresOn")} helperText={errors.expiresOn ?? "Empty when it does not expire."} slotProps={date} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <TextField select label="Nationality" required {...field("nationality")} helperText={errors.nationality ?? " "} slotProps={{ htmlInput: { "data-testid": "nationality" } }}>
          {countries.map((c) => (
            <MenuItem key={c.code} value={c.code}>
              {c.name}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <TextField label="Date of birth" type="date" required {...field("dateOfBirth")} helperText={errors.dateOfBirth ?? " "} slotProps={date} />
      </Grid>
      <Grid size={12}>
        <TextField label="Home address" {...field("address")} helperText={errors.address ?? "Optional: where the country asks for it."} slotProps={{ htmlInput: { maxLength: 500 } }} />
      </Grid>
    </Grid>
  );
}

/** Opens the card's PDF (fetched with the user's token) in a new tab to print and sign. */
export async function openRegistrationCardPdf(reservationId: string): Promise<void> {
  // Opened first, in the click, so no pop-up blocker stops it; filled when the PDF arrives.
  const tab = window.open("", "_blank");
  try {
    const response = await fetchServerFile(`/registration-cards/${reservationId}.pdf`, "application/pdf", "The registration card could not be read.");
    const url = URL.createObjectURL(await response.blob());
    if (tab) tab.location.href = url;
    else window.location.assign(url);
  } catch (error) {
    tab?.close();
    throw error;
  }
}

/** The card on the reservation's page: what was recorded, print it, correct it. Front office only. */
export function RegistrationCardPanel({ reservationId, propertyId, guestName, today, status }: {
  reservationId: string;
  propertyId: string;
  guestName: string;
  today: string;
  status: string;
}) {
  const { canAccess } = useCanAccess({ resource: "reservations", action: "registration_card", record: { propertyId } });
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const card = useQuery({
    queryKey: ["registrationCard", reservationId],
    queryFn: ({ signal }) => dataProvider.registrationCard({ reservationId }, { signal }),
    enabled: canAccess === true,
  });
  const [editing, setEditing] = useState(false);
  const [printError, setPrintError] = useState<ShownError | null>(null);
  if (!canAccess || (status !== "confirmed" && status !== "checked_in" && status !== "checked_out")) return null;
  const c = card.data;
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  return (
    <Card variant="outlined" component="section" aria-labelledby="registration-card-heading" data-testid="registration-card">
      <CardHeader
        avatar={<BadgeIcon color="action" />}
        title={<span id="registration-card-heading">Registration card</span>}
        slotProps={{ title: { variant: "subtitle1", component: "h3" } }}
        subheader={c ? `Recorded ${formatTimestamp(c.updatedAt)}${c.recordedByUser ? ` by ${c.recordedByUser.displayName}` : ""}` : card.isPending ? " " : "Not recorded yet"}
        action={
          <Box sx={{ display: "flex", gap: 1, flexWrap: "wrap" }}>
            {c && (
              <Button
                size="small"
                startIcon={<PrintIcon />}
                onClick={() => {
                  setPrintError(null);
                  openRegistrationCardPdf(reservationId).catch((error: unknown) => setPrintError(shownError(error)));
                }}
                data-testid="print-registration-card"
              >
                Print
              </Button>
            )}
            {status !== "checked_out" && (
              <Button size="small" onClick={() => setEditing(true)} data-testid="edit-registration-card">
                {c ? "Correct" : "Record"}
              </Button>
            )}
          </Box>
        }
      />
      <CardContent sx={{ pt: 0 }}>
        {card.isPending && <Skeleton variant="rounded" height={60} />}
        {card.isError && <ApiErrorAlert title="The card could not be read" error={shownError(card.error)} />}
        {printError && <ApiErrorAlert title="The card could not be printed" error={printError} />}
        {c && (
          <Typography variant="body2" component="div" data-testid="registration-card-summary">
            <strong>{c.fullName}</strong> · {documentTypeLabels[c.documentType]} <strong>{c.documentNumber}</strong> ({names.of(c.issuingCountry) ?? c.issuingCountry}
            {c.expiresOn ? `, valid until ${formatDate(c.expiresOn)}` : ""}) · born {formatDate(c.dateOfBirth)} · {names.of(c.nationality) ?? c.nationality}
          </Typography>
        )}
        {card.data === null && (
          <Typography variant="body2" color="text.secondary">
            The guest's identity document is recorded at check-in, or here.
          </Typography>
        )}
      </CardContent>
      {editing && (
        <RegistrationCardDialog
          reservationId={reservationId}
          initial={c ? cardFormOf(c) : emptyCard(guestName)}
          today={today}
          onClose={() => setEditing(false)}
        />
      )}
    </Card>
  );
}

function RegistrationCardDialog({ reservationId, initial, today, onClose }: { reservationId: string; initial: CardForm; today: string; onClose(): void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<CardErrors>({});
  const [error, setError] = useState<{ shown: ShownError; field: keyof CardForm | null } | null>(null);
  const [pending, setPending] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (pending) return;
    const checked = checkCard(form, reservationId, today);
    if ("errors" in checked) return setErrors(checked.errors);
    setErrors({});
    setPending(true);
    setError(null);
    try {
      await dataProvider.recordRegistrationCard(checked.input);
      notify("Registration card saved.", { type: "success" });
      void queryClient.invalidateQueries({ queryKey: ["registrationCard", reservationId] });
      onClose();
    } catch (caught) {
      const shown = shownError(caught);
      const field = fieldOfRefusal(caught);
      setError({ shown, field });
      if (field) setErrors({ [field]: shown.message });
    } finally {
      setPending(false);
    }
  }

  return (
    <Dialog open onClose={pending ? undefined : onClose} maxWidth="md" fullWidth>
      <form onSubmit={(e) => void save(e)} noValidate>
        <DialogTitle>Registration card</DialogTitle>
        <DialogContent>
          <RegistrationCardFields
            form={form}
            onChange={(next) => {
              setForm(next);
              setErrors({}); // checked again on Save
            }}
            errors={errors}
            disabled={pending}
          />
          {error && !error.field && <ApiErrorAlert title="The card was not saved" error={error.shown} />}
          <Box sx={{ display: "flex", justifyContent: "flex-end", gap: 1, mt: 2 }}>
            <Button onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" variant="contained" disabled={pending} data-testid="save-registration-card">
              Save card
            </Button>
          </Box>
        </DialogContent>
      </form>
    </Dialog>
  );
}
