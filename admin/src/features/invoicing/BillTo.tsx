// Whom a folio's next invoice is addressed to: the guest by default (or the
// folio's company), or a bill-to set on the folio (a company with its tax
// id and address). Cashiers edit it before issuing; an issued invoice keeps
// the bill-to it was issued with.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import EditIcon from "@mui/icons-material/Edit";
import { useState } from "react";
import { useCanAccess, useDataProvider, useNotify } from "react-admin";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { BillTo, BillToValues } from "./documents.ts";
import { newIdempotencyKey, type IdempotencyKey } from "../../platform/idempotency.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { QueryError } from "../../ui/Section.tsx";

const sourceLabel: Record<BillTo["source"], string> = {
  folio: "Set on this folio",
  company: "The folio's company",
  guest: "The guest",
  none: "Nobody yet",
};

const countryName = (code: string | undefined) => {
  if (!code) return undefined;
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
};

/** A bill-to as printed lines: name, street, postal code and city, country, tax id, email. */
export function billToLines(b: BillTo): string[] {
  const cityLine = [b.postal_code, b.city].filter(Boolean).join(" ");
  return [b.address_line1, b.address_line2, cityLine, countryName(b.country_code), b.tax_id ? `Tax id ${b.tax_id}` : undefined, b.email].filter(
    (x): x is string => !!x,
  );
}

export function BillToPanel({ folioId, propertyId }: { folioId: string; propertyId: string }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const canEdit = useCanAccess({ resource: "accounting", action: "bill_to", record: { propertyId } }).canAccess;
  const [editing, setEditing] = useState(false);
  const query = useQuery({
    queryKey: ["invoicing", "billTo", folioId],
    queryFn: ({ signal }) => dataProvider.folioBillTo({ folioId }, { signal }),
  });
  if (query.isError) return <QueryError error={query.error} title="Could not load the bill-to" />;
  const b = query.data;
  return (
    <Box data-testid="bill-to" sx={{ mb: 2, p: 1.5, border: 1, borderColor: "divider", borderRadius: 1 }}>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ justifyContent: "space-between", alignItems: { sm: "flex-start" } }}>
        <Box sx={{ minWidth: 0 }}>
          <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }}>
            <Typography variant="overline" component="h3" sx={{ lineHeight: 1.5 }}>
              Bill to
            </Typography>
            {b && <Chip size="small" label={sourceLabel[b.source]} variant="outlined" />}
          </Stack>
          {b ? (
            <>
              <Typography variant="body2" sx={{ fontWeight: 600 }} data-testid="bill-to-name">
                {b.name ?? "—"}
              </Typography>
              {billToLines(b).map((line) => (
                <Typography key={line} variant="body2" color="text.secondary" sx={{ overflowWrap: "anywhere" }}>
                  {line}
                </Typography>
              ))}
            </>
          ) : (
            <Typography variant="body2">{query.isPending ? "Loading…" : "—"}</Typography>
          )}
        </Box>
        {canEdit && b && (
          <Box>
            <Button size="small" startIcon={<EditIcon />} onClick={() => setEditing(true)} data-action="edit-bill-to">
              Edit bill-to
            </Button>
          </Box>
        )}
      </Stack>
      {editing && b && <BillToDialog folioId={folioId} current={b} onClose={() => setEditing(false)} />}
    </Box>
  );
}

function BillToDialog({ folioId, current, onClose }: { folioId: string; current: BillTo; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [values, setValues] = useState({
    name: current.name ?? "",
    addressLine1: current.address_line1 ?? "",
    addressLine2: current.address_line2 ?? "",
    postalCode: current.postal_code ?? "",
    city: current.city ?? "",
    countryCode: current.country_code ?? "",
    taxId: current.tax_id ?? "",
    email: current.email ?? "",
  });
  const input: BillToValues = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim() ? v.trim() : null])) as unknown as BillToValues;
  const set = (field: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: field === "countryCode" ? e.target.value.toUpperCase() : e.target.value }));
  const field = (name: keyof typeof values, label: string, extra: { helperText?: string; maxLength?: number; autoFocus?: boolean; required?: boolean } = {}) => (
    <TextField
      name={name}
      label={label}
      value={values[name]}
      onChange={set(name)}
      size="small"
      helperText={extra.helperText}
      required={extra.required}
      autoFocus={extra.autoFocus}
      slotProps={{ htmlInput: { maxLength: extra.maxLength ?? 200 } }}
    />
  );
  const save = async (values: BillToValues, idempotencyKey: IdempotencyKey) => {
    await dataProvider.setFolioBillTo({ folioId, values, idempotencyKey });
    await queryClient.invalidateQueries({ queryKey: ["invoicing", "billTo", folioId] });
  };
  return (
    <ActionDialog
      title="Bill to"
      confirmLabel="Save bill-to"
      input={input}
      invalid={input.name ? (input.countryCode && !/^[A-Z]{2}$/.test(input.countryCode) ? "The country is a two-letter code, such as DE." : null) : "Give a name: a person or a company."}
      testId="bill-to-dialog"
      onSubmit={async (input, idempotencyKey) => {
        await save(input, idempotencyKey);
        notify("Bill-to saved: the next invoice is addressed to it.", { type: "success" });
      }}
      onClose={onClose}
    >
      <Typography variant="body2">The next invoice of this folio is addressed to it. Invoices already issued keep theirs.</Typography>
      {field("name", "Name", { required: true, autoFocus: true, helperText: "A person or a company" })}
      {field("addressLine1", "Street address")}
      {field("addressLine2", "Address line 2", { helperText: "c/o, department" })}
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        {field("postalCode", "Postal code")}
        {field("city", "City")}
        {field("countryCode", "Country", { maxLength: 2, helperText: "ISO code, e.g. DE" })}
      </Stack>
      {field("taxId", "Tax id", { helperText: "The customer's VAT or tax number" })}
      {field("email", "Email", { maxLength: 254, helperText: "Where Send by email goes by default" })}
      {current.source === "folio" && (
        <ResetButton
          onReset={async (key) => {
            await save({ name: null, addressLine1: null, addressLine2: null, postalCode: null, city: null, countryCode: null, taxId: null, email: null }, key);
            notify("Bill-to reset: the next invoice goes to the guest (or the folio's company).", { type: "success" });
            onClose();
          }}
        />
      )}
    </ActionDialog>
  );
}

/** Back to the default bill-to; a refusal shows where the dialog shows its errors (notify). */
function ResetButton({ onReset }: { onReset: (key: IdempotencyKey) => Promise<void> }) {
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  return (
    <Box>
      <Button
        size="small"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onReset(newIdempotencyKey());
          } catch (caught) {
            notify(caught instanceof Error ? caught.message : "Resetting the bill-to failed.", { type: "error" });
          } finally {
            setBusy(false);
          }
        }}
        data-action="reset-bill-to"
      >
        Back to the guest
      </Button>
    </Box>
  );
}
