// Revenue › Promo codes (issue 22): the property's codes (app_public.promo_codes,
// owners and managers), by code: the code, what it takes off the room
// price, the rate plans, stay and booking dates it is for (not on a phone),
// its uses, and whether it is active. Made with createPromoCode (a code is never edited: a
// different offer is a new code) and switched off with setPromoCodeActive;
// the database checks every rule (docs/booking.md, "Promo codes").
import { useQuery, useQueryClient } from "@tanstack/react-query";
import AddIcon from "@mui/icons-material/Add";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import LinearProgress from "@mui/material/LinearProgress";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableContainer from "@mui/material/TableContainer";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import { useState } from "react";
import { useDataProvider, useNotify } from "react-admin";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { formatDate, formatMoney } from "../../ui/format.ts";
import { MoneyField, phoneHidden } from "../../ui/MoneyField.tsx";
import { parseMoney } from "../../ui/money.ts";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import type { RevenueSetupData } from "./data.ts";
import type { PromoCodeNode } from "./documents.ts";

const dateWindow = (from: string | null, until: string | null) =>
  from || until ? `${from ? formatDate(from) : "…"} – ${until ? formatDate(until) : "…"}` : "Any";

export function PromoCodes({ membership, setup, canEdit }: { membership: Membership; setup: RevenueSetupData; canEdit: boolean }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const propertyId = membership.propertyId;
  const codes = useQuery({
    queryKey: ["backoffice", "promoCodes", propertyId],
    queryFn: ({ signal }) => dataProvider.promoCodes({ propertyId }, { signal }),
  });
  const [adding, setAdding] = useState(false);
  const [switching, setSwitching] = useState<PromoCodeNode | null>(null);
  const planName = new Map(setup.ratePlans.map((p) => [p.rowId, p.name]));
  return (
    <>
      <SectionHeading
        title="Promo codes"
        subtitle="Codes guests type when they book: a percent or an amount off the room price, for some rate plans, stay dates and booking days, a number of uses. A code is never changed: switch it off and make a new one."
        actions={
          canEdit && (
            <Button size="small" variant="outlined" startIcon={<AddIcon />} onClick={() => setAdding(true)}>
              Add promo code
            </Button>
          )
        }
      />
      {codes.isPending ? (
        <LinearProgress />
      ) : codes.isError ? (
        <QueryError error={codes.error} title="Could not load the promo codes" />
      ) : (
        // width 0, min-width 100 %: the table scrolls in its frame on a phone instead of widening the page.
        <TableContainer sx={{ width: 0, minWidth: "100%" }}>
          <Table size="small" aria-label="Promo codes" data-testid="promo-codes">
            <TableHead>
              <TableRow>
                <TableCell>Code</TableCell>
                <TableCell align="right">Off</TableCell>
                <TableCell sx={phoneHidden}>Rate plans</TableCell>
                <TableCell sx={phoneHidden}>Stays</TableCell>
                <TableCell sx={phoneHidden}>Booked</TableCell>
                <TableCell align="right">Uses</TableCell>
                {canEdit && <TableCell />}
              </TableRow>
            </TableHead>
            <TableBody>
              {codes.data.length === 0 && (
                <TableRow>
                  <TableCell colSpan={7}>No promo codes yet.</TableCell>
                </TableRow>
              )}
              {codes.data.map((c) => (
                <TableRow key={c.rowId} data-promo-code={c.code}>
                  <TableCell>
                    <strong>{c.code}</strong> {!c.isActive && <Chip size="small" variant="outlined" label="Inactive" />}
                  </TableCell>
                  <TableCell align="right">{c.percentOff !== null ? `${Number(c.percentOff)}%` : formatMoney(c.amountOff, c.currency)}</TableCell>
                  <TableCell sx={phoneHidden}>{c.ratePlanIds ? c.ratePlanIds.map((id) => planName.get(id) ?? "—").join(", ") : "All"}</TableCell>
                  <TableCell sx={phoneHidden}>{dateWindow(c.staysFrom, c.staysUntil)}</TableCell>
                  <TableCell sx={phoneHidden}>{dateWindow(c.bookableFrom, c.bookableUntil)}</TableCell>
                  <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>{c.maxUses !== null ? `${c.uses} of ${c.maxUses}` : `${c.uses}`}</TableCell>
                  {canEdit && (
                    <TableCell align="right">
                      <Button size="small" onClick={() => setSwitching(c)} aria-label={`${c.isActive ? "Deactivate" : "Activate"} ${c.code}`}>
                        {c.isActive ? "Deactivate" : "Activate"}
                      </Button>
                    </TableCell>
                  )}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {adding && <PromoCodeDialog membership={membership} setup={setup} onClose={() => setAdding(false)} />}
      {switching && <SwitchDialog code={switching} onClose={() => setSwitching(null)} />}
    </>
  );
}

function SwitchDialog({ code, onClose }: { code: PromoCodeNode; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const isActive = !code.isActive;
  return (
    <ActionDialog
      title={isActive ? `Activate ${code.code}` : `Deactivate ${code.code}`}
      confirmLabel={isActive ? "Activate" : "Deactivate"}
      input={{ promoCodeId: code.rowId, isActive }}
      danger={!isActive}
      testId="promo-switch"
      onSubmit={async (input) => {
        await dataProvider.setPromoCodeActive(input);
        notify(`${code.code} ${isActive ? "activated" : "deactivated"}.`, { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "promoCodes"] });
      }}
      onClose={onClose}
    >
      <span>
        {isActive
          ? "Guests can use this code again."
          : "Guests can no longer use this code, and holds made with it cannot be confirmed with its discount. Bookings already made keep it."}
      </span>
    </ActionDialog>
  );
}

function PromoCodeDialog({ membership, setup, onClose }: { membership: Membership; setup: RevenueSetupData; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const currency = membership.currency;
  const [code, setCode] = useState("");
  const [kind, setKind] = useState<"percent" | "amount">("percent");
  const [percent, setPercent] = useState("10");
  const [amount, setAmount] = useState("");
  const [planId, setPlanId] = useState("");
  const [staysFrom, setStaysFrom] = useState("");
  const [staysUntil, setStaysUntil] = useState("");
  const [bookableFrom, setBookableFrom] = useState("");
  const [bookableUntil, setBookableUntil] = useState("");
  const [maxUses, setMaxUses] = useState("");
  const minor = parseMoney(amount, currency);
  const percentOk = /^\d{1,3}(\.\d{1,2})?$/.test(percent.trim()) && Number(percent) > 0 && Number(percent) <= 100;
  const uses = maxUses.trim() === "" ? null : /^\d{1,7}$/.test(maxUses.trim()) ? Number(maxUses.trim()) : NaN;
  const values = {
    propertyId: membership.propertyId,
    code: code.trim().toUpperCase(),
    percentOff: kind === "percent" ? percent.trim() : null,
    amountOff: kind === "amount" ? minor : null,
    ratePlanIds: planId ? [planId] : null,
    staysFrom: staysFrom || null,
    staysUntil: staysUntil || null,
    bookableFrom: bookableFrom || null,
    bookableUntil: bookableUntil || null,
    maxUses: uses,
  };
  const invalid =
    !/^[A-Z0-9][A-Z0-9_-]{2,31}$/.test(values.code) ? "A code is 3 to 32 letters, digits, - or _."
    : kind === "percent" && !percentOk ? "The percent off is between 0.01 and 100."
    : kind === "amount" && (minor === null || BigInt(minor) <= 0n) ? "Type the amount off (more than 0)."
    : Number.isNaN(uses) || uses === 0 ? "Uses is a whole number from 1, or empty for unlimited."
    : null;
  const date = (label: string, value: string, set: (v: string) => void, name: string) => (
    <TextField label={label} type="date" size="small" value={value} onChange={(e) => set(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} name={name} fullWidth />
  );
  return (
    <ActionDialog
      title="Add a promo code"
      confirmLabel="Create"
      input={values}
      invalid={invalid}
      testId="promo-code"
      onSubmit={async (input) => {
        const made = await dataProvider.createPromoCode(input);
        notify(`Promo code ${made.code} created.`, { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "promoCodes"] });
      }}
      onClose={onClose}
    >
      <TextField label="Code" value={code} onChange={(e) => setCode(e.target.value)} size="small" required autoFocus name="code" helperText="Guests may type it in any case." />
      <TextField select label="Discount" value={kind} onChange={(e) => setKind(e.target.value as "percent" | "amount")} size="small" name="kind">
        <MenuItem value="percent">Percent off the room price</MenuItem>
        <MenuItem value="amount">Amount off the room price</MenuItem>
      </TextField>
      {kind === "percent" ? (
        <TextField label="Percent off" value={percent} onChange={(e) => setPercent(e.target.value)} size="small" required name="percentOff" slotProps={{ htmlInput: { inputMode: "decimal" } }} />
      ) : (
        <MoneyField label="Amount off a stay" value={amount} onChange={setAmount} currency={currency} required name="amountOff" />
      )}
      <TextField select label="Rate plan" value={planId} onChange={(e) => setPlanId(e.target.value)} size="small" name="ratePlan">
        <MenuItem value="">All rate plans</MenuItem>
        {setup.ratePlans.map((p) => (
          <MenuItem key={p.rowId} value={p.rowId}>
            {p.name}
          </MenuItem>
        ))}
      </TextField>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        {date("Stays from (first night)", staysFrom, setStaysFrom, "staysFrom")}
        {date("Stays until (last night)", staysUntil, setStaysUntil, "staysUntil")}
      </Stack>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        {date("Bookable from", bookableFrom, setBookableFrom, "bookableFrom")}
        {date("Bookable until", bookableUntil, setBookableUntil, "bookableUntil")}
      </Stack>
      <TextField label="Uses" value={maxUses} onChange={(e) => setMaxUses(e.target.value)} size="small" name="maxUses" helperText="Confirmed bookings that may use it; empty: unlimited." slotProps={{ htmlInput: { inputMode: "numeric" } }} />
    </ActionDialog>
  );
}
