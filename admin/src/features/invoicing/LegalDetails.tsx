// Accounting › Legal details: what the property's invoices show as the
// seller (legal name, address, VAT id, company registration, contact, and
// the footer with bank details). Invoices cannot be issued until the
// required ones are filled in (the API answers LEGAL_DETAILS_MISSING);
// documents already issued keep the details they were issued with.
// Owners, managers and accountants (the Accounting menu's roles) edit it.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import SaveIcon from "@mui/icons-material/Save";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useCanAccess, useDataProvider, useNotify } from "react-admin";
import { formatTimestamp } from "../../ui/format.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { LegalDetailsValues } from "./documents.ts";
import { ActionKey } from "../../platform/idempotency.ts";
import { ApiErrorAlert, refusedByApi, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";

const empty: LegalDetailsValues = {
  legalName: null, addressLine1: null, addressLine2: null, postalCode: null, city: null, countryCode: null,
  vatId: null, registration: null, invoiceFooter: null, email: null, phone: null,
};

/** What a legal invoice must show; the API refuses to issue one without them. */
const required: { field: keyof LegalDetailsValues; label: string }[] = [
  { field: "legalName", label: "legal name" },
  { field: "addressLine1", label: "street address" },
  { field: "postalCode", label: "postal code" },
  { field: "city", label: "city" },
  { field: "countryCode", label: "country" },
  { field: "vatId", label: "VAT id" },
];

const fields: { field: keyof LegalDetailsValues; label: string; helper?: string; multiline?: boolean; max: number; width?: number }[] = [
  { field: "legalName", label: "Legal name", helper: "The company that issues the invoices, e.g. Harbour Hotels Lda", max: 200 },
  { field: "addressLine1", label: "Street address", max: 200 },
  { field: "addressLine2", label: "Address line 2", max: 200 },
  { field: "postalCode", label: "Postal code", max: 200, width: 160 },
  { field: "city", label: "City", max: 200 },
  { field: "countryCode", label: "Country", helper: "Two-letter ISO code: PT, DE, CH", max: 2, width: 120 },
  { field: "vatId", label: "VAT id", helper: "With its country prefix, e.g. PT509999990", max: 200 },
  { field: "registration", label: "Company registration", helper: "Register and number, printed under the seller", max: 200 },
  { field: "email", label: "Accounts email", max: 254 },
  { field: "phone", label: "Phone", max: 200 },
  { field: "invoiceFooter", label: "Invoice footer", helper: "Printed at the foot of every page: bank details (IBAN, BIC), payment terms", multiline: true, max: 1000 },
];

export function LegalDetailsTab({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const propertyId = membership.propertyId;
  const canEdit = useCanAccess({ resource: "accounting", action: "legal_details", record: { propertyId } }).canAccess;
  const query = useQuery({
    queryKey: ["invoicing", "legalDetails", propertyId],
    queryFn: ({ signal }) => dataProvider.legalDetails({ propertyId }, { signal }),
  });
  const [values, setValues] = useState<LegalDetailsValues>(empty);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const key = useRef(new ActionKey());
  useEffect(() => {
    if (query.data !== undefined) {
      const d = query.data;
      setValues(d ? Object.fromEntries(Object.keys(empty).map((k) => [k, d[k as keyof LegalDetailsValues] ?? null])) as unknown as LegalDetailsValues : empty);
    }
  }, [query.data]);
  if (query.isPending) return <LinearProgress />;
  if (query.isError) return <QueryError error={query.error} title="Could not load the legal details" />;
  const saved = query.data;
  const missing = required.filter((r) => !saved?.[r.field]).map((r) => r.label);
  const set = (field: keyof LegalDetailsValues, value: string) => {
    setValues((v) => ({ ...v, [field]: field === "countryCode" ? value.toUpperCase() : value }));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" && v.trim() ? v.trim() : null])) as unknown as LegalDetailsValues;
    setSaving(true);
    setError(null);
    try {
      await dataProvider.setPropertyLegalDetails({ propertyId, values: input, idempotencyKey: key.current.keyFor({ propertyId, input }) });
      key.current = new ActionKey();
      notify("Legal details saved. New invoices show them.", { type: "success" });
      await queryClient.invalidateQueries({ queryKey: ["invoicing", "legalDetails", propertyId] });
    } catch (caught) {
      key.current.failed(refusedByApi(caught));
      setError(shownError(caught));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Box component="form" onSubmit={(e) => void submit(e)} noValidate data-testid="legal-details" sx={{ maxWidth: 760 }}>
      <SectionHeading
        title="Legal details"
        subtitle={
          saved
            ? `What every invoice and credit note shows as the seller. Last changed ${formatTimestamp(saved.updatedAt, membership.timeZone)}; documents already issued keep the details they were issued with.`
            : "What every invoice and credit note shows as the seller."
        }
      />
      {missing.length > 0 ? (
        <Alert severity="warning" sx={{ mb: 2 }} data-testid="legal-details-missing">
          Invoices cannot be issued until these are filled in: {missing.join(", ")}.
        </Alert>
      ) : (
        <Alert severity="success" sx={{ mb: 2 }}>
          Complete: invoices can be issued.
        </Alert>
      )}
      <Stack spacing={2}>
        {fields.map((f) => (
          <TextField
            key={f.field}
            name={f.field}
            label={f.label}
            value={values[f.field] ?? ""}
            onChange={(e) => set(f.field, e.target.value)}
            helperText={f.helper}
            required={required.some((r) => r.field === f.field)}
            multiline={f.multiline}
            minRows={f.multiline ? 3 : undefined}
            disabled={!canEdit || saving}
            size="small"
            sx={f.width ? { maxWidth: f.width } : undefined}
            slotProps={{ htmlInput: { maxLength: f.max, ...(f.field === "countryCode" ? { autoCapitalize: "characters" } : {}) } }}
          />
        ))}
        {error && <ApiErrorAlert title="Saving the legal details failed" error={error} />}
        {canEdit ? (
          <Box>
            <Button type="submit" variant="contained" startIcon={<SaveIcon />} disabled={saving} data-action="save-legal-details">
              Save legal details
            </Button>
          </Box>
        ) : (
          <Alert severity="info">Owners, managers and accountants change these.</Alert>
        )}
      </Stack>
    </Box>
  );
}
