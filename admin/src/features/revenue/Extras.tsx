// Revenue › Extras: the property's catalogue of extras the desk posts to
// folios (minibar, parking, breakfast, late check-out; app_public.folio_extras,
// managers): name, price of one with its VAT included, the VAT, whether the
// desk offers it, whether guests may book it (and how it is priced then: per
// stay, per night or per guest per night, at most how many), and its place in
// the list. Extras are deactivated, never deleted: charges posted name them.
// docs/booking.md, "Extras".
import { useQueryClient } from "@tanstack/react-query";
import AddIcon from "@mui/icons-material/Add";
import EditIcon from "@mui/icons-material/Edit";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import FormControlLabel from "@mui/material/FormControlLabel";
import IconButton from "@mui/material/IconButton";
import MenuItem from "@mui/material/MenuItem";
import Switch from "@mui/material/Switch";
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
import type { RevenueSetupData } from "./data.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { extraBasisLabels as basisLabels, type ExtraBasis, type ExtraNode } from "./documents.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { MoneyCell, MoneyField } from "../../ui/MoneyField.tsx";
import { SectionHeading } from "../../ui/Section.tsx";
import { moneyInputValue, parseMoney } from "../../ui/money.ts";


export function Extras({ membership, setup, canEdit }: { membership: Membership; setup: RevenueSetupData; canEdit: boolean }) {
  const [editing, setEditing] = useState<ExtraNode | "new" | null>(null);
  const taxName = new Map(setup.taxes.map((t) => [t.rowId, `${t.name} ${Number(t.percent)}%`]));
  return (
    <>
      <SectionHeading
        title="Extras"
        subtitle="What the desk can post to a folio (minibar, parking, breakfast, late check-out): the price of one with its VAT included. Guests may add the ones marked bookable when they book; a cancellation refunds them. An extra no longer sold is deactivated; charges already posted keep its name."
        actions={
          canEdit && (
            <Button size="small" variant="outlined" startIcon={<AddIcon />} onClick={() => setEditing("new")}>
              Add extra
            </Button>
          )
        }
      />
      <TableContainer>
        <Table size="small" aria-label="Extras" data-testid="extras">
          <TableHead>
            <TableRow>
              <TableCell>Extra</TableCell>
              <TableCell align="right">Price</TableCell>
              <TableCell>VAT included</TableCell>
              <TableCell>Offered at the desk</TableCell>
              <TableCell>Guests may book</TableCell>
              <TableCell align="right">Order</TableCell>
              {canEdit && <TableCell />}
            </TableRow>
          </TableHead>
          <TableBody>
            {setup.extras.length === 0 && (
              <TableRow>
                <TableCell colSpan={7}>No extras yet.</TableCell>
              </TableRow>
            )}
            {setup.extras.map((e) => (
              <TableRow key={e.rowId} data-extra={e.name}>
                <TableCell>
                  {e.name} {!e.isActive && <Chip size="small" variant="outlined" label="Inactive" />}
                </TableCell>
                <MoneyCell amount={e.unitPrice} currency={e.currency} strong />
                <TableCell>{e.taxId ? (taxName.get(e.taxId) ?? "—") : "None"}</TableCell>
                <TableCell>{e.isActive ? "Yes" : "No"}</TableCell>
                <TableCell>{e.isBookable ? `Yes, ${basisLabels[e.bookingBasis]}${e.maxQuantity > 1 ? `, up to ${e.maxQuantity}` : ""}${e.dailyLimit !== null ? `; ${e.dailyLimit} a night` : ""}` : "No"}</TableCell>
                <TableCell align="right">{e.sortOrder}</TableCell>
                {canEdit && (
                  <TableCell align="right">
                    <IconButton size="small" aria-label={`Edit extra ${e.name}`} onClick={() => setEditing(e)}>
                      <EditIcon fontSize="small" />
                    </IconButton>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {editing && <ExtraDialog membership={membership} setup={setup} extra={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function ExtraDialog({ membership, setup, extra, onClose }: { membership: Membership; setup: RevenueSetupData; extra: ExtraNode | null; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const currency = extra?.currency ?? membership.currency;
  const vatTaxes = setup.taxes.filter((t) => t.basis === "percent_of_room");
  const [name, setName] = useState(extra?.name ?? "");
  const [price, setPrice] = useState(moneyInputValue(extra?.unitPrice ?? null, currency));
  const [taxId, setTaxId] = useState(extra ? (extra.taxId ?? "") : (vatTaxes.find((t) => t.isActive)?.rowId ?? ""));
  const [isActive, setActive] = useState(extra?.isActive ?? true);
  const [sortOrder, setSortOrder] = useState(String(extra?.sortOrder ?? (setup.extras.length + 1) * 10));
  const [isBookable, setBookable] = useState(extra?.isBookable ?? false);
  const [bookingBasis, setBasis] = useState<ExtraBasis>(extra?.bookingBasis ?? "per_stay");
  const [maxQuantity, setMaxQuantity] = useState(String(extra?.maxQuantity ?? 1));
  const [dailyLimit, setDailyLimit] = useState(extra?.dailyLimit == null ? "" : String(extra.dailyLimit));
  const minor = parseMoney(price, currency);
  const order = /^-?\d{1,7}$/.test(sortOrder.trim()) ? Number(sortOrder.trim()) : null;
  const most = /^\d{1,2}$/.test(maxQuantity.trim()) ? Number(maxQuantity.trim()) : null;
  const perNight = dailyLimit.trim() === "" ? null : /^\d{1,6}$/.test(dailyLimit.trim()) ? Number(dailyLimit.trim()) : -1;
  const values = { name: name.trim(), unitPrice: minor ?? "0", taxId: taxId || null, isActive, sortOrder: order ?? 0, isBookable, bookingBasis, maxQuantity: most ?? 1, dailyLimit: perNight };
  const invalid =
    !values.name ? "Give the extra a name."
    : values.name.length > 100 ? "A name has at most 100 characters."
    : minor === null || BigInt(minor) <= 0n ? "Type the price of one (more than 0)."
    : order === null || Math.abs(order) > 1_000_000 ? "The order is a whole number."
    : most === null || most < 1 ? "Guests may take 1 to 99 of it."
    : perNight !== null && (perNight < 1 || perNight > 100_000) ? "The limit a night is a whole number from 1 to 100,000, or empty for none."
    : null;
  return (
    <ActionDialog
      title={extra ? `Edit ${extra.name}` : "Add an extra"}
      confirmLabel="Save"
      input={values}
      invalid={invalid}
      testId="extra"
      onSubmit={async (input) => {
        await dataProvider.saveExtra({ propertyId: membership.propertyId, currency, id: extra?.rowId ?? null, values: input });
        notify(`Extra ${input.name} saved.`, { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "revenueSetup"] });
      }}
      onClose={onClose}
    >
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} size="small" required autoFocus />
      <MoneyField label="Price of one, VAT included" value={price} onChange={setPrice} currency={currency} required />
      <TextField select label="VAT included in the price" value={taxId} onChange={(e) => setTaxId(e.target.value)} size="small">
        <MenuItem value="">None</MenuItem>
        {vatTaxes.map((t) => (
          <MenuItem key={t.rowId} value={t.rowId}>
            {t.name} {Number(t.percent)}%
          </MenuItem>
        ))}
      </TextField>
      <TextField label="Order in the desk's list" value={sortOrder} onChange={(e) => setSortOrder(e.target.value)} size="small" slotProps={{ htmlInput: { inputMode: "numeric" } }} />
      <FormControlLabel control={<Switch checked={isActive} onChange={(e) => setActive(e.target.checked)} />} label="Offered at the desk (active)" />
      <FormControlLabel control={<Switch checked={isBookable} onChange={(e) => setBookable(e.target.checked)} />} label="Guests may book this" />
      {isBookable && (
        <>
          <TextField select label="Priced when booked" value={bookingBasis} onChange={(e) => setBasis(e.target.value as ExtraBasis)} size="small">
            {(Object.keys(basisLabels) as ExtraBasis[]).map((b) => (
              <MenuItem key={b} value={b}>
                {basisLabels[b]}
              </MenuItem>
            ))}
          </TextField>
          <TextField label="Most a guest may take" value={maxQuantity} onChange={(e) => setMaxQuantity(e.target.value)} size="small" slotProps={{ htmlInput: { inputMode: "numeric" } }} />
          <TextField
            label="Limit a night" value={dailyLimit} onChange={(e) => setDailyLimit(e.target.value)} size="small"
            helperText="All bookings together, e.g. parking spaces. Empty: no limit." slotProps={{ htmlInput: { inputMode: "numeric" } }}
          />
        </>
      )}
    </ActionDialog>
  );
}
