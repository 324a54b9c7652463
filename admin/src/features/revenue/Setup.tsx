// What the property sells: room types and their units, rate plans (price,
// occupancy, meal plan, stay limits, cancellation terms, length-of-stay
// discounts), fees and taxes. Create, edit and delete through the API's
// CRUD mutations; the API's policies decide (owners and managers; fees and
// taxes also accountants) and its refusals show in the dialog.
import { useQueryClient } from "@tanstack/react-query";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import FormControlLabel from "@mui/material/FormControlLabel";
import IconButton from "@mui/material/IconButton";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import Switch from "@mui/material/Switch";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import AddIcon from "@mui/icons-material/Add";
import DeleteIcon from "@mui/icons-material/Delete";
import EditIcon from "@mui/icons-material/Edit";
import { useState, type ReactNode } from "react";
import { useDataProvider, useNotify } from "react-admin";
import { HousekeepingChip } from "../../ui/StatusChip.tsx";
import { currencyDigits, formatMoney, humanize } from "../../ui/format.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import {
  feeBases, mealPlans, taxBases, type CancellationPenaltyKind, type ChargePosting, type FeeBasis, type FeeNode, type MealPlan,
  type RatePlanNode, type RoomTypeNode, type TaxBasis, type TaxNode, type UnitNode,
} from "./documents.ts";
import type { RevenueSetupData } from "./data.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { MoneyCell, MoneyField } from "../../ui/MoneyField.tsx";
import { SectionHeading } from "../../ui/Section.tsx";
import { moneyInputValue, parseMoney } from "../../ui/money.ts";
import { guestCancellationText, guestPaymentText, paymentScheduleLabel } from "./paymentTerms.ts";
import { followsText } from "./derivedRates.ts";
import { childBandsInvalid, childBandsText } from "./childBands.ts";
import { ScrollBox } from "../../ui/ScrollBox.tsx";

const setupKey = ["backoffice", "revenueSetup"] as const;

function useSaved() {
  const queryClient = useQueryClient();
  const notify = useNotify();
  return async (message: string) => {
    notify(message, { type: "success" });
    await queryClient.invalidateQueries({ queryKey: setupKey });
    await queryClient.invalidateQueries({ queryKey: ["backoffice", "rateGrid"] });
  };
}

const int = (text: string): number | null => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : null);

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return <FormControlLabel control={<Switch checked={checked} onChange={(e) => onChange(e.target.checked)} />} label={label} />;
}

function RowActions({ canEdit, onEdit, onDelete, what }: { canEdit: boolean; onEdit: () => void; onDelete: () => void; what: string }) {
  if (!canEdit) return null;
  return (
    <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
      <IconButton size="small" aria-label={`Edit ${what}`} onClick={onEdit}>
        <EditIcon fontSize="small" />
      </IconButton>
      <IconButton size="small" aria-label={`Delete ${what}`} onClick={onDelete}>
        <DeleteIcon fontSize="small" />
      </IconButton>
    </TableCell>
  );
}

function DeleteDialog({ what, detail, onDelete, onClose }: { what: string; detail: ReactNode; onDelete: () => Promise<void>; onClose: () => void }) {
  const saved = useSaved();
  return (
    <ActionDialog
      title={`Delete ${what}`}
      confirmLabel="Delete"
      danger
      input={{ what }}
      onSubmit={async () => {
        await onDelete();
        await saved(`${humanize(what)} deleted.`);
      }}
      onClose={onClose}
      errorTitle={`The ${what} was not deleted`}
    >
      <Typography variant="body2">{detail}</Typography>
    </ActionDialog>
  );
}

// ---------------------------------------------------------------------------
// Room types and units
// ---------------------------------------------------------------------------

export function RoomTypesAndUnits({ membership, setup, canEdit }: { membership: Membership; setup: RevenueSetupData; canEdit: boolean }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const [editingType, setEditingType] = useState<RoomTypeNode | "new" | null>(null);
  const [deletingType, setDeletingType] = useState<RoomTypeNode | null>(null);
  const [editingUnit, setEditingUnit] = useState<UnitNode | "new" | null>(null);
  const [deletingUnit, setDeletingUnit] = useState<UnitNode | null>(null);
  const typeName = new Map(setup.roomTypes.map((t) => [t.rowId, t.name]));
  return (
    <>
      <SectionHeading
        title="Room types"
        subtitle={membership.kind === "hotel" ? "What guests book: any free unit of the type." : "A vacation rental sells one unit: one room type with one unit."}
        actions={canEdit && (
          <Button size="small" variant="outlined" startIcon={<AddIcon />} onClick={() => setEditingType("new")}>
            Add room type
          </Button>
        )}
      />
      <Table size="small" aria-label="Room types" data-testid="room-types">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Description</TableCell>
            <TableCell align="right">Max guests</TableCell>
            <TableCell align="right">Units</TableCell>
            <TableCell>Published</TableCell>
            {canEdit && <TableCell />}
          </TableRow>
        </TableHead>
        <TableBody>
          {setup.roomTypes.map((t) => (
            <TableRow key={t.rowId}>
              <TableCell>{t.name}</TableCell>
              <TableCell>{t.description ?? "—"}</TableCell>
              <TableCell align="right">
                {t.maxOccupancy}
                {t.cotBelowAge !== null && (
                  <Typography variant="caption" component="div" color="text.secondary" data-testid={`cots-${t.rowId}`}>
                    + cots under {t.cotBelowAge}
                  </Typography>
                )}
              </TableCell>
              <TableCell align="right">{setup.units.filter((u) => u.roomTypeId === t.rowId).length}</TableCell>
              <TableCell>{t.isPublished ? <Chip size="small" color="success" variant="outlined" label="Published" /> : <Chip size="small" variant="outlined" label="Hidden" />}</TableCell>
              <RowActions canEdit={canEdit} what={`room type ${t.name}`} onEdit={() => setEditingType(t)} onDelete={() => setDeletingType(t)} />
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <SectionHeading
        title="Units"
        subtitle="The rooms or homes themselves; an inactive unit is not sold."
        actions={canEdit && (
          <Button size="small" variant="outlined" startIcon={<AddIcon />} onClick={() => setEditingUnit("new")} disabled={setup.roomTypes.length === 0}>
            Add unit
          </Button>
        )}
      />
      <Table size="small" aria-label="Units" data-testid="units">
        <TableHead>
          <TableRow>
            <TableCell>Unit</TableCell>
            <TableCell>Room type</TableCell>
            <TableCell>Housekeeping</TableCell>
            <TableCell>Sold</TableCell>
            {canEdit && <TableCell />}
          </TableRow>
        </TableHead>
        <TableBody>
          {setup.units.map((u) => (
            <TableRow key={u.rowId}>
              <TableCell>{u.name}</TableCell>
              <TableCell>{typeName.get(u.roomTypeId) ?? "—"}</TableCell>
              <TableCell>
                <HousekeepingChip status={u.housekeepingStatus} />
              </TableCell>
              <TableCell>{u.isActive ? "Active" : <Chip size="small" label="Inactive" />}</TableCell>
              <RowActions canEdit={canEdit} what={`unit ${u.name}`} onEdit={() => setEditingUnit(u)} onDelete={() => setDeletingUnit(u)} />
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {editingType && <RoomTypeDialog membership={membership} roomType={editingType === "new" ? null : editingType} onClose={() => setEditingType(null)} />}
      {editingUnit && <UnitDialog membership={membership} setup={setup} unit={editingUnit === "new" ? null : editingUnit} onClose={() => setEditingUnit(null)} />}
      {deletingType && (
        <DeleteDialog
          what="room type"
          detail={`${deletingType.name}: only a room type without units, rate plans or bookings can be deleted; otherwise hide it (unpublish).`}
          onDelete={() => dataProvider.deleteRoomType({ id: deletingType.rowId })}
          onClose={() => setDeletingType(null)}
        />
      )}
      {deletingUnit && (
        <DeleteDialog
          what="unit"
          detail={`${deletingUnit.name}: only a unit that was never booked can be deleted; otherwise make it inactive.`}
          onDelete={() => dataProvider.deleteUnit({ id: deletingUnit.rowId })}
          onClose={() => setDeletingUnit(null)}
        />
      )}
    </>
  );
}

function RoomTypeDialog({ membership, roomType, onClose }: { membership: Membership; roomType: RoomTypeNode | null; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const saved = useSaved();
  const [name, setName] = useState(roomType?.name ?? "");
  const [description, setDescription] = useState(roomType?.description ?? "");
  const [maxOccupancy, setMaxOccupancy] = useState(String(roomType?.maxOccupancy ?? 2));
  const [isPublished, setPublished] = useState(roomType?.isPublished ?? true);
  // Cots (issue 22): children younger than this age do not count toward the maximum.
  const [cotBelow, setCotBelow] = useState(roomType?.cotBelowAge != null ? String(roomType.cotBelowAge) : "");
  const occupancy = int(maxOccupancy);
  const cot = cotBelow.trim() === "" ? null : int(cotBelow);
  const cotInvalid = cotBelow.trim() !== "" && (cot === null || cot < 1 || cot > 5);
  const values = { name: name.trim(), description: description.trim() || null, maxOccupancy: occupancy ?? 0, cotBelowAge: cotInvalid ? null : cot, isPublished };
  return (
    <ActionDialog
      title={roomType ? `Edit ${roomType.name}` : "Add a room type"}
      confirmLabel="Save"
      input={values}
      invalid={!values.name ? "Give it a name." : occupancy === null || occupancy < 1 ? "Max guests is a whole number, at least 1." : cotInvalid ? "Cots: an age from 1 to 5, or empty." : null}
      onSubmit={async (input) => {
        await dataProvider.saveRoomType({ propertyId: membership.propertyId, id: roomType?.rowId ?? null, values: input });
        await saved(`Room type ${input.name} saved.`);
      }}
      onClose={onClose}
    >
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} size="small" required autoFocus />
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} size="small" multiline minRows={2} />
      <TextField label="Max guests" value={maxOccupancy} onChange={(e) => setMaxOccupancy(e.target.value)} size="small" slotProps={{ htmlInput: { inputMode: "numeric" } }} />
      <TextField
        label="Cots for children under (age)"
        value={cotBelow}
        onChange={(e) => setCotBelow(e.target.value)}
        size="small"
        name="cotBelowAge"
        helperText={cotInvalid ? "An age from 1 to 5, or empty." : "They sleep in a cot and do not count toward max guests. Empty: every guest counts."}
        error={cotInvalid}
        slotProps={{ htmlInput: { inputMode: "numeric" } }}
      />
      <Check label="Published (guests can book it)" checked={isPublished} onChange={setPublished} />
    </ActionDialog>
  );
}

function UnitDialog({ membership, setup, unit, onClose }: { membership: Membership; setup: RevenueSetupData; unit: UnitNode | null; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const saved = useSaved();
  const [name, setName] = useState(unit?.name ?? "");
  const [roomTypeId, setRoomTypeId] = useState(unit?.roomTypeId ?? setup.roomTypes[0]?.rowId ?? "");
  const [isActive, setActive] = useState(unit?.isActive ?? true);
  const values = { name: name.trim(), roomTypeId, isActive };
  return (
    <ActionDialog
      title={unit ? `Edit unit ${unit.name}` : "Add a unit"}
      confirmLabel="Save"
      input={values}
      invalid={!values.name ? "Give it a name (e.g. a room number)." : !roomTypeId ? "Choose its room type." : null}
      onSubmit={async (input) => {
        await dataProvider.saveUnit({ propertyId: membership.propertyId, id: unit?.rowId ?? null, values: input });
        await saved(`Unit ${input.name} saved.`);
      }}
      onClose={onClose}
    >
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} size="small" required autoFocus />
      <TextField select label="Room type" value={roomTypeId} onChange={(e) => setRoomTypeId(e.target.value)} size="small">
        {setup.roomTypes.map((t) => (
          <MenuItem key={t.rowId} value={t.rowId}>
            {t.name}
          </MenuItem>
        ))}
      </TextField>
      <Check label="Active (sold)" checked={isActive} onChange={setActive} />
    </ActionDialog>
  );
}

// ---------------------------------------------------------------------------
// Rate plans
// ---------------------------------------------------------------------------

export function RatePlans({ membership, setup, canEdit }: { membership: Membership; setup: RevenueSetupData; canEdit: boolean }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const saved = useSaved();
  const [editing, setEditing] = useState<RatePlanNode | "new" | null>(null);
  const [deleting, setDeleting] = useState<RatePlanNode | null>(null);
  const [discountFor, setDiscountFor] = useState<RatePlanNode | null>(null);
  const typeName = new Map(setup.roomTypes.map((t) => [t.rowId, t.name]));
  return (
    <>
      <SectionHeading
        title="Rate plans"
        subtitle="How a room type is sold: the base nightly price (the calendar overrides it per date), included guests and extra-guest fees, meal plan, stay limits, cancellation terms and length-of-stay discounts."
        actions={canEdit && (
          <Button size="small" variant="outlined" startIcon={<AddIcon />} onClick={() => setEditing("new")} disabled={setup.roomTypes.length === 0}>
            Add rate plan
          </Button>
        )}
      />
      <ScrollBox label="Rate plans, scrolls sideways on a narrow screen">
        <Table size="small" aria-label="Rate plans" data-testid="rate-plans">
          <TableHead>
            <TableRow>
              <TableCell>Plan</TableCell>
              <TableCell>Room type</TableCell>
              <TableCell align="right">Base price</TableCell>
              <TableCell>Guests</TableCell>
              <TableCell>Stay</TableCell>
              <TableCell>Cancellation</TableCell>
              <TableCell>Payment</TableCell>
              <TableCell>LOS discounts</TableCell>
              {canEdit && <TableCell />}
            </TableRow>
          </TableHead>
          <TableBody>
            {setup.ratePlans.map((p) => (
              <TableRow key={p.rowId}>
                <TableCell>
                  {p.name} {!p.isPublished && <Chip size="small" variant="outlined" label="Hidden" />}
                  <Typography variant="caption" component="div" color="text.secondary">
                    {humanize(p.mealPlan)}
                  </Typography>
                  {p.parentRatePlanId !== null && (
                    <Typography variant="caption" component="div" color="text.secondary" data-testid={`follows-${p.rowId}`}>
                      {followsText(p, setup.ratePlans)}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>{typeName.get(p.roomTypeId) ?? "—"}</TableCell>
                <MoneyCell amount={p.basePrice} currency={p.currency} strong />
                <TableCell sx={{ whiteSpace: "nowrap" }}>
                  {p.includedGuests} included
                  <Typography variant="caption" component="div" color="text.secondary">
                    +{formatMoney(p.extraAdultFee, p.currency)} adult, {childBandsText(p) === null ? `+${formatMoney(p.extraChildFee, p.currency)} child` : "children by age"}
                  </Typography>
                  {childBandsText(p) !== null && (
                    <Typography variant="caption" component="div" color="text.secondary" data-testid={`child-bands-${p.rowId}`}>
                      {childBandsText(p)}
                    </Typography>
                  )}
                </TableCell>
                <TableCell sx={{ whiteSpace: "nowrap" }}>
                  {p.minStay}
                  {p.maxStay ? `–${p.maxStay}` : "+"} nights
                </TableCell>
                <TableCell>
                  {p.isRefundable
                    ? `Free until ${p.freeCancellationDays} day${p.freeCancellationDays === 1 ? "" : "s"} before; then ${p.cancellationPenaltyValue}${p.cancellationPenaltyKind === "percent" ? "%" : ` night${p.cancellationPenaltyValue === 1 ? "" : "s"}`}`
                    : "Non-refundable"}
                </TableCell>
                <TableCell sx={{ whiteSpace: "nowrap" }} data-testid={`payment-${p.rowId}`}>
                  {paymentScheduleLabel(p).label}
                  <Typography variant="caption" component="div" color="text.secondary">
                    {paymentScheduleLabel(p).detail}
                  </Typography>
                  <Typography variant="caption" component="div" color="text.secondary">
                    {`${p.paymentDeadlineHours} h to pay after a failed payment`}
                  </Typography>
                  <Typography variant="caption" component="div" color="text.secondary">
                    {p.chargePosting === "nightly" ? "Posted to the folio night by night" : "Posted to the folio at booking"}
                  </Typography>
                </TableCell>
                <TableCell>
                  <Stack direction="row" spacing={0.5} sx={{ flexWrap: "wrap", rowGap: 0.5 }}>
                    {p.losDiscounts.nodes.filter((d) => d !== null).map((d) => (
                      <Chip
                        key={d.rowId}
                        size="small"
                        label={`${d.minNights}+ nights −${Number(d.percentOff)}%`}
                        onDelete={canEdit ? () => void dataProvider.deleteLosDiscount({ id: d.rowId }).then(() => saved("Discount removed.")) : undefined}
                      />
                    ))}
                    {canEdit && (
                      <Chip size="small" variant="outlined" icon={<AddIcon />} label="Add" onClick={() => setDiscountFor(p)} />
                    )}
                  </Stack>
                </TableCell>
                <RowActions canEdit={canEdit} what={`rate plan ${p.name}`} onEdit={() => setEditing(p)} onDelete={() => setDeleting(p)} />
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </ScrollBox>
      {editing && <RatePlanDialog membership={membership} setup={setup} plan={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <DeleteDialog
          what="rate plan"
          detail={`${deleting.name}: only a plan that was never booked can be deleted; otherwise hide it (unpublish).`}
          onDelete={() => dataProvider.deleteRatePlan({ id: deleting.rowId })}
          onClose={() => setDeleting(null)}
        />
      )}
      {discountFor && <DiscountDialog membership={membership} plan={discountFor} onClose={() => setDiscountFor(null)} />}
    </>
  );
}

/** An age of a rate plan's children's bands (1–17, or empty). */
function AgeField({ label, name, helperText, value, onChange, error }: { label: string; name: string; helperText: string; value: string; onChange: (value: string) => void; error: boolean }) {
  return (
    <TextField label={label} value={value} onChange={(e) => onChange(e.target.value)} size="small" name={name} helperText={helperText}
      slotProps={{ htmlInput: { inputMode: "numeric" } }} error={error} fullWidth />
  );
}

function RatePlanDialog({ membership, setup, plan, onClose }: { membership: Membership; setup: RevenueSetupData; plan: RatePlanNode | null; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const saved = useSaved();
  const currency = plan?.currency ?? membership.currency;
  const [roomTypeId, setRoomTypeId] = useState(plan?.roomTypeId ?? setup.roomTypes[0]?.rowId ?? "");
  const [name, setName] = useState(plan?.name ?? "");
  const [description, setDescription] = useState(plan?.description ?? "");
  const [basePrice, setBasePrice] = useState(moneyInputValue(plan?.basePrice ?? null, currency));
  const [includedGuests, setIncludedGuests] = useState(String(plan?.includedGuests ?? 2));
  const [extraAdultFee, setExtraAdultFee] = useState(moneyInputValue(plan?.extraAdultFee ?? "0", currency));
  const [extraChildFee, setExtraChildFee] = useState(moneyInputValue(plan?.extraChildFee ?? "0", currency));
  const [mealPlan, setMealPlan] = useState<MealPlan>(plan?.mealPlan ?? "room_only");
  const [minStay, setMinStay] = useState(String(plan?.minStay ?? 1));
  const [maxStay, setMaxStay] = useState(plan?.maxStay ? String(plan.maxStay) : "");
  const [isRefundable, setRefundable] = useState(plan?.isRefundable ?? true);
  const [freeDays, setFreeDays] = useState(String(plan?.freeCancellationDays ?? 1));
  const [penaltyKind, setPenaltyKind] = useState<CancellationPenaltyKind>(plan?.cancellationPenaltyKind ?? "nights");
  const [penaltyValue, setPenaltyValue] = useState(String(plan?.cancellationPenaltyValue ?? 1));
  const [isPublished, setPublished] = useState(plan?.isPublished ?? true);
  const [chargePosting, setChargePosting] = useState<ChargePosting>(plan?.chargePosting ?? "on_booking");
  const [depositPercent, setDepositPercent] = useState(plan ? String(Number(plan.depositPercent)) : "0");
  const [balanceDueDays, setBalanceDueDays] = useState(String(plan?.balanceDueDays ?? 0));
  const deposit = /^\d{1,3}(\.\d{1,2})?$/.test(depositPercent.trim()) && Number(depositPercent) <= 100 ? depositPercent.trim() : null;
  const dueDays = int(balanceDueDays);
  const [deadlineHours, setDeadlineHours] = useState(String(plan?.paymentDeadlineHours ?? 24));
  const deadline = int(deadlineHours);
  // A derived plan (issue 21): its prices follow a parent of the same room type, adjusted (docs/booking.md).
  const children = plan ? setup.ratePlans.filter((p) => p.parentRatePlanId === plan.rowId) : [];
  const parents = setup.ratePlans.filter((p) => p.roomTypeId === roomTypeId && p.parentRatePlanId === null && p.rowId !== plan?.rowId);
  const [pricing, setPricing] = useState<"own" | "derived">(plan?.parentRatePlanId ? "derived" : "own");
  const [parentId, setParentId] = useState(plan?.parentRatePlanId ?? "");
  const [adjustBy, setAdjustBy] = useState<"percent" | "amount">(plan?.adjustmentAmount !== null && plan?.adjustmentAmount !== undefined ? "amount" : "percent");
  const [percentText, setPercentText] = useState(plan?.adjustmentPercent !== null && plan?.adjustmentPercent !== undefined ? String(Number(plan.adjustmentPercent)) : "");
  const [amountText, setAmountText] = useState(moneyInputValue(plan?.adjustmentAmount ?? null, currency));
  const wholeUnit = 10 ** currencyDigits(currency);
  const [roundingStep, setRoundingStep] = useState(plan?.roundingStep ?? 1);
  // Children by age (issue 22): bands and a supplement instead of the extra-child fee (docs/booking.md).
  const [childPricing, setChildPricing] = useState<"fee" | "age">(plan && (plan.childFreeBelowAge !== null || plan.childAdultFromAge !== null) ? "age" : "fee");
  const [freeBelowText, setFreeBelowText] = useState(plan?.childFreeBelowAge != null ? String(plan.childFreeBelowAge) : "3");
  const [adultFromText, setAdultFromText] = useState(plan?.childAdultFromAge != null ? String(plan.childAdultFromAge) : "12");
  const [supplementBy, setSupplementBy] = useState<"amount" | "percent">(plan?.childSupplementPercent != null ? "percent" : "amount");
  const [supplementAmountText, setSupplementAmountText] = useState(moneyInputValue(plan?.childSupplementAmount ?? null, currency));
  const [supplementPercentText, setSupplementPercentText] = useState(plan?.childSupplementPercent != null ? String(Number(plan.childSupplementPercent)) : "");
  const byAge = childPricing === "age";
  const age = (text: string) => (text.trim() === "" ? null : /^\d{1,2}$/.test(text.trim()) ? Number(text.trim()) : -1);
  const freeBelow = age(freeBelowText);
  const adultFrom = age(adultFromText);
  const supplementAmount = parseMoney(supplementAmountText, currency);
  const supplementPercentClean = supplementPercentText.trim();
  const supplementPercent = /^\d{1,3}(\.\d{1,2})?$/.test(supplementPercentClean) && Number(supplementPercentClean) <= 100 ? String(Number(supplementPercentClean)) : null;
  const supplementBand = (freeBelow ?? 0) < (adultFrom ?? 18);
  const derived = pricing === "derived";
  const parent = parents.find((p) => p.rowId === parentId) ?? null;
  const percentClean = percentText.trim().replace("−", "-");
  const percent = /^[-+]?\d{1,3}(\.\d{1,2})?$/.test(percentClean) && Number(percentClean) >= -90 && Number(percentClean) <= 100 ? String(Number(percentClean)) : null;
  const amount = parseMoney(amountText, currency, { allowNegative: true });
  const base = derived ? (parent?.basePrice ?? "0") : parseMoney(basePrice, currency);
  const adult = parseMoney(extraAdultFee, currency);
  const child = parseMoney(extraChildFee, currency);
  const values = {
    name: name.trim(), description: description.trim() || null, basePrice: base ?? "0", includedGuests: int(includedGuests) ?? 0,
    extraAdultFee: adult ?? "0", extraChildFee: child ?? "0", mealPlan, minStay: int(minStay) ?? 0,
    maxStay: maxStay.trim() === "" ? null : int(maxStay), isRefundable, freeCancellationDays: int(freeDays) ?? 0,
    cancellationPenaltyKind: penaltyKind, cancellationPenaltyValue: int(penaltyValue) ?? 0, isPublished, chargePosting,
    depositPercent: deposit ?? "0", balanceDueDays: dueDays ?? 0, paymentDeadlineHours: deadline ?? 24,
    parentRatePlanId: derived ? parentId || null : null,
    adjustmentPercent: derived && adjustBy === "percent" ? percent : null,
    adjustmentAmount: derived && adjustBy === "amount" ? amount : null,
    roundingStep: derived ? roundingStep : 1,
    childFreeBelowAge: byAge ? freeBelow : null,
    childAdultFromAge: byAge ? adultFrom : null,
    childSupplementAmount: byAge && supplementBand && supplementBy === "amount" ? supplementAmount : null,
    childSupplementPercent: byAge && supplementBand && supplementBy === "percent" ? supplementPercent : null,
  };
  const bandsInvalid = byAge
    ? childBandsInvalid({ freeBelow, adultFrom, supplementOk: supplementBy === "amount" ? supplementAmount !== null : supplementPercent !== null })
    : null;
  const schedule = paymentScheduleLabel(values);
  const invalid =
    !values.name ? "Give the plan a name."
    : !roomTypeId ? "Choose the room type."
    : derived && !parent ? "Choose the plan whose prices this one follows."
    : derived && adjustBy === "percent" && percent === null ? "The adjustment is a percent from -90 to 100 (e.g. -15)."
    : derived && adjustBy === "amount" && amount === null ? "The adjustment is an amount per night (negative: less)."
    : base === null ? "Type the base price."
    : adult === null || child === null ? "Extra-guest fees are amounts (0 for none)."
    : bandsInvalid !== null ? bandsInvalid
    : int(includedGuests) === null || values.includedGuests < 1 ? "Included guests: at least 1."
    : int(minStay) === null || values.minStay < 1 ? "Minimum stay: at least 1 night."
    : maxStay.trim() !== "" && (values.maxStay === null || values.maxStay < values.minStay) ? "Maximum stay: empty, or at least the minimum."
    : int(freeDays) === null || int(penaltyValue) === null ? "Cancellation terms are whole numbers."
    : deposit === null ? "Deposit: a percent from 0 to 100."
    : dueDays === null || dueDays > 365 ? "The rest is due 0 to 365 days before arrival (0: at check-in)."
    : deadline === null || deadline < 1 || deadline > 720 ? "After a failed payment the guest has 1 to 720 hours to pay."
    : null;
  return (
    <ActionDialog
      title={plan ? `Edit ${plan.name}` : "Add a rate plan"}
      confirmLabel="Save"
      input={{ roomTypeId, values }}
      invalid={invalid}
      maxWidth="md"
      testId="rate-plan"
      onSubmit={async (input) => {
        await dataProvider.saveRatePlan({ propertyId: membership.propertyId, currency, id: plan?.rowId ?? null, roomTypeId: input.roomTypeId, values: input.values });
        await saved(`Rate plan ${input.values.name} saved.`);
      }}
      onClose={onClose}
    >
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} size="small" required autoFocus fullWidth />
        <TextField select label="Room type" value={roomTypeId} onChange={(e) => setRoomTypeId(e.target.value)} size="small" disabled={plan !== null} fullWidth>
          {setup.roomTypes.map((t) => (
            <MenuItem key={t.rowId} value={t.rowId}>
              {t.name}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} size="small" multiline />
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2} data-testid="derived-pricing">
        <TextField
          select
          label="Prices"
          value={pricing}
          onChange={(e) => {
            setPricing(e.target.value as "own" | "derived");
            if (!parent) setParentId(parents[0]?.rowId ?? "");
          }}
          size="small"
          helperText={children.length > 0 ? `${children.map((c) => c.name).join(", ")} follow${children.length === 1 ? "s" : ""} this plan: it keeps its own prices.` : undefined}
          name="pricing"
          fullWidth
        >
          <MenuItem value="own">Its own</MenuItem>
          <MenuItem value="derived" disabled={children.length > 0 || parents.length === 0}>
            Follow a plan
          </MenuItem>
        </TextField>
        {derived && (
          <>
            <TextField select label="Follows" value={parentId} onChange={(e) => setParentId(e.target.value)} size="small" name="parent" fullWidth>
              {parents.map((p) => (
                <MenuItem key={p.rowId} value={p.rowId}>
                  {p.name}
                </MenuItem>
              ))}
            </TextField>
            <TextField select label="Adjusted by" value={adjustBy} onChange={(e) => setAdjustBy(e.target.value as "percent" | "amount")} size="small" name="adjustBy" fullWidth>
              <MenuItem value="percent">Percent</MenuItem>
              <MenuItem value="amount">Amount per night</MenuItem>
            </TextField>
            {adjustBy === "percent" ? (
              <TextField
                label="Adjustment (%)"
                value={percentText}
                onChange={(e) => setPercentText(e.target.value)}
                size="small"
                placeholder="-15"
                helperText="-15: 15 % less than the parent"
                slotProps={{ htmlInput: { inputMode: "decimal" } }}
                error={percentText.trim() !== "" && percent === null}
                name="adjustmentPercent"
                fullWidth
              />
            ) : (
              <MoneyField label="Adjustment per night" value={amountText} onChange={setAmountText} currency={currency} helperText="Negative: less than the parent" allowNegative name="adjustmentAmount" />
            )}
            <TextField select label="Rounding" value={roundingStep} onChange={(e) => setRoundingStep(Number(e.target.value))} size="small" name="roundingStep" fullWidth>
              <MenuItem value={1}>None</MenuItem>
              {wholeUnit > 1 && <MenuItem value={wholeUnit}>To whole {currency}</MenuItem>}
              {roundingStep !== 1 && roundingStep !== wholeUnit && <MenuItem value={roundingStep}>{`To ${formatMoney(roundingStep, currency)}`}</MenuItem>}
            </TextField>
          </>
        )}
      </Stack>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        {derived ? (
          <TextField
            label="Base price per night"
            value={parent ? `${followsText({ ...values, currency }, setup.ratePlans)}` : "Follows its parent"}
            size="small"
            slotProps={{ htmlInput: { readOnly: true } }}
            helperText="Every night: the parent's price of that night (calendar included), adjusted."
            fullWidth
          />
        ) : (
          <MoneyField label="Base price per night" value={basePrice} onChange={setBasePrice} currency={currency} required />
        )}
        <TextField label="Guests included" value={includedGuests} onChange={(e) => setIncludedGuests(e.target.value)} size="small" fullWidth />
        <MoneyField label="Extra adult per night" value={extraAdultFee} onChange={setExtraAdultFee} currency={currency} />
        {!byAge && <MoneyField label="Extra child per night" value={extraChildFee} onChange={setExtraChildFee} currency={currency} />}
      </Stack>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2} data-testid="child-pricing">
        <TextField
          select
          label="Children"
          value={childPricing}
          onChange={(e) => setChildPricing(e.target.value as "fee" | "age")}
          size="small"
          name="childPricing"
          helperText={bandsInvalid ?? (byAge ? "The guest gives each child's age." : "Beyond the included guests")}
          error={bandsInvalid !== null}
          fullWidth
        >
          <MenuItem value="fee">Extra-child fee</MenuItem>
          <MenuItem value="age">Priced by age</MenuItem>
        </TextField>
        {byAge && (
          <>
            <AgeField label="Free below age" name="childFreeBelowAge" helperText="Empty: none free" value={freeBelowText} onChange={setFreeBelowText} error={freeBelow === -1} />
            <AgeField label="As adults from age" name="childAdultFromAge" helperText="Empty: under 18 are children" value={adultFromText} onChange={setAdultFromText} error={adultFrom === -1} />
            {supplementBand && (
              <>
                <TextField select label="Supplement" value={supplementBy} onChange={(e) => setSupplementBy(e.target.value as "amount" | "percent")} size="small" name="supplementBy" fullWidth>
                  <MenuItem value="amount">Amount</MenuItem>
                  <MenuItem value="percent">Percent</MenuItem>
                </TextField>
                {supplementBy === "amount" ? (
                  <MoneyField label="Per child per night" value={supplementAmountText} onChange={setSupplementAmountText} currency={currency} name="childSupplementAmount" />
                ) : (
                  <TextField
                    label="Per child (% of the night)"
                    value={supplementPercentText}
                    onChange={(e) => setSupplementPercentText(e.target.value)}
                    size="small"
                    name="childSupplementPercent"
                    slotProps={{ htmlInput: { inputMode: "decimal" } }}
                    error={supplementPercentText.trim() !== "" && supplementPercent === null}
                    fullWidth
                  />
                )}
              </>
            )}
          </>
        )}
      </Stack>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        <TextField select label="Meal plan" value={mealPlan} onChange={(e) => setMealPlan(e.target.value as MealPlan)} size="small" fullWidth>
          {mealPlans.map((m) => (
            <MenuItem key={m} value={m}>
              {humanize(m)}
            </MenuItem>
          ))}
        </TextField>
        <TextField label="Minimum stay (nights)" value={minStay} onChange={(e) => setMinStay(e.target.value)} size="small" fullWidth />
        <TextField label="Maximum stay (nights)" value={maxStay} onChange={(e) => setMaxStay(e.target.value)} size="small" helperText="Empty: no limit" fullWidth />
        <TextField select label="Charges post" value={chargePosting} onChange={(e) => setChargePosting(e.target.value as ChargePosting)} size="small" fullWidth>
          <MenuItem value="on_booking">At booking</MenuItem>
          <MenuItem value="nightly">Night by night (night audit)</MenuItem>
        </TextField>
      </Stack>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2} sx={{ alignItems: { sm: "center" } }}>
        <Check label="Refundable" checked={isRefundable} onChange={setRefundable} />
        <TextField label="Free cancellation until (days before arrival)" value={freeDays} onChange={(e) => setFreeDays(e.target.value)} size="small" disabled={!isRefundable} fullWidth />
        <TextField select label="Late cancellation penalty" value={penaltyKind} onChange={(e) => setPenaltyKind(e.target.value as CancellationPenaltyKind)} size="small" disabled={!isRefundable} fullWidth>
          <MenuItem value="nights">Nights charged</MenuItem>
          <MenuItem value="percent">Percent of the total</MenuItem>
        </TextField>
        <TextField label={penaltyKind === "percent" ? "Percent" : "Nights"} value={penaltyValue} onChange={(e) => setPenaltyValue(e.target.value)} size="small" disabled={!isRefundable} fullWidth />
      </Stack>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2} sx={{ alignItems: { sm: "flex-start" } }} data-testid="deposit-schedule">
        <TextField
          select
          label="Payment"
          value={Number(values.depositPercent) >= 100 ? "prepaid" : Number(values.depositPercent) <= 0 && values.balanceDueDays === 0 ? "at_check_in" : "deposit"}
          onChange={(e) => {
            if (e.target.value === "prepaid") setDepositPercent("100");
            else if (e.target.value === "at_check_in") {
              setDepositPercent("0");
              setBalanceDueDays("0");
            } else if (Number(depositPercent) <= 0 || Number(depositPercent) >= 100) setDepositPercent("30");
          }}
          size="small"
          fullWidth
        >
          <MenuItem value="at_check_in">Pay at check-in</MenuItem>
          <MenuItem value="deposit">Deposit at booking, the rest later</MenuItem>
          <MenuItem value="prepaid">Prepaid (all at booking)</MenuItem>
        </TextField>
        <TextField
          label="Deposit at booking (%)"
          value={depositPercent}
          onChange={(e) => setDepositPercent(e.target.value)}
          size="small"
          slotProps={{ htmlInput: { inputMode: "decimal" } }}
          error={deposit === null}
          fullWidth
        />
        <TextField
          label="Rest due (days before arrival)"
          value={balanceDueDays}
          onChange={(e) => setBalanceDueDays(e.target.value)}
          size="small"
          slotProps={{ htmlInput: { inputMode: "numeric" } }}
          helperText="0: at check-in"
          disabled={Number(values.depositPercent) >= 100}
          error={dueDays === null || dueDays > 365}
          fullWidth
        />
      </Stack>
      <TextField
        label="Time to pay after a failed payment (hours)"
        value={deadlineHours}
        onChange={(e) => setDeadlineHours(e.target.value)}
        size="small"
        slotProps={{ htmlInput: { inputMode: "numeric" } }}
        helperText="Then the booking is cancelled under this plan's terms, unless the desk extends or waives it."
        error={deadline === null || deadline < 1 || deadline > 720}
        sx={{ maxWidth: { sm: 360 } }}
      />
      <Typography variant="body2" color="text.secondary" data-testid="deposit-schedule-summary">
        {schedule.label}: {schedule.detail.toLowerCase()}. New bookings follow it; bookings made keep their schedule.
      </Typography>
      <Box component="section" aria-labelledby="guest-terms-heading" sx={{ p: 1.5, borderRadius: 1, bgcolor: "action.hover" }} data-testid="guest-terms-preview">
        <Typography id="guest-terms-heading" variant="subtitle2" component="h3">
          What guests read when they book
        </Typography>
        <Typography variant="body2" data-testid="guest-payment-text">
          <strong>Payment.</strong> {guestPaymentText(values)}
        </Typography>
        <Typography variant="body2" data-testid="guest-cancellation-text">
          <strong>Cancellation.</strong> {guestCancellationText(values)}
        </Typography>
      </Box>
    </ActionDialog>
  );
}

function DiscountDialog({ membership, plan, onClose }: { membership: Membership; plan: RatePlanNode; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const saved = useSaved();
  const [minNights, setMinNights] = useState("7");
  const [percentOff, setPercentOff] = useState("10");
  const nights = int(minNights);
  const percent = /^\d{1,2}(\.\d{1,2})?$/.test(percentOff.trim()) ? percentOff.trim() : null;
  return (
    <ActionDialog
      title={`Length-of-stay discount · ${plan.name}`}
      confirmLabel="Add discount"
      input={{ minNights: nights, percentOff: percent }}
      invalid={nights === null || nights < 2 ? "From at least 2 nights." : percent === null || Number(percent) <= 0 ? "A percent between 0 and 100." : null}
      onSubmit={async (input) => {
        await dataProvider.addLosDiscount({ propertyId: membership.propertyId, ratePlanId: plan.rowId, minNights: input.minNights!, percentOff: input.percentOff! });
        await saved("Discount added.");
      }}
      onClose={onClose}
    >
      <Typography variant="body2">The largest discount whose minimum the stay reaches applies, as a percent of the nights' sum.</Typography>
      <Stack direction="row" spacing={2}>
        <TextField label="From (nights)" value={minNights} onChange={(e) => setMinNights(e.target.value)} size="small" autoFocus />
        <TextField label="Percent off" value={percentOff} onChange={(e) => setPercentOff(e.target.value)} size="small" />
      </Stack>
    </ActionDialog>
  );
}

// ---------------------------------------------------------------------------
// Fees and taxes
// ---------------------------------------------------------------------------

export function FeesAndTaxes({ membership, setup, canEdit }: { membership: Membership; setup: RevenueSetupData; canEdit: boolean }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const [editingFee, setEditingFee] = useState<FeeNode | "new" | null>(null);
  const [deletingFee, setDeletingFee] = useState<FeeNode | null>(null);
  const [editingTax, setEditingTax] = useState<TaxNode | "new" | null>(null);
  const [deletingTax, setDeletingTax] = useState<TaxNode | null>(null);
  const typeName = new Map(setup.roomTypes.map((t) => [t.rowId, t.name]));
  return (
    <>
      <SectionHeading
        title="Fees"
        subtitle="Added to every stay (or a room type's): per stay, per night, or per guest and night."
        actions={canEdit && (
          <Button size="small" variant="outlined" startIcon={<AddIcon />} onClick={() => setEditingFee("new")}>
            Add fee
          </Button>
        )}
      />
      <Table size="small" aria-label="Fees" data-testid="fees">
        <TableHead>
          <TableRow>
            <TableCell>Fee</TableCell>
            <TableCell>Applies to</TableCell>
            <TableCell>Basis</TableCell>
            <TableCell align="right">Amount</TableCell>
            <TableCell>Active</TableCell>
            {canEdit && <TableCell />}
          </TableRow>
        </TableHead>
        <TableBody>
          {setup.fees.length === 0 && (
            <TableRow>
              <TableCell colSpan={6}>No fees.</TableCell>
            </TableRow>
          )}
          {setup.fees.map((f) => (
            <TableRow key={f.rowId}>
              <TableCell>{f.name}</TableCell>
              <TableCell>{f.roomTypeId ? typeName.get(f.roomTypeId) ?? "—" : "Every room type"}</TableCell>
              <TableCell>{humanize(f.basis)}</TableCell>
              <MoneyCell amount={f.amount} currency={f.currency} />
              <TableCell>{f.isActive ? "Yes" : "No"}</TableCell>
              <RowActions canEdit={canEdit} what={`fee ${f.name}`} onEdit={() => setEditingFee(f)} onDelete={() => setDeletingFee(f)} />
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <SectionHeading
        title="Taxes"
        subtitle="A percent of the room (and fees, when it says so), or an amount per night or per person and night. An inclusive tax is already in the prices."
        actions={canEdit && (
          <Button size="small" variant="outlined" startIcon={<AddIcon />} onClick={() => setEditingTax("new")}>
            Add tax
          </Button>
        )}
      />
      <Table size="small" aria-label="Taxes" data-testid="taxes">
        <TableHead>
          <TableRow>
            <TableCell>Tax</TableCell>
            <TableCell>Basis</TableCell>
            <TableCell align="right">Rate</TableCell>
            <TableCell>Included in prices</TableCell>
            <TableCell>On fees</TableCell>
            <TableCell>On cancellation fees</TableCell>
            <TableCell>Active</TableCell>
            {canEdit && <TableCell />}
          </TableRow>
        </TableHead>
        <TableBody>
          {setup.taxes.length === 0 && (
            <TableRow>
              <TableCell colSpan={8}>No taxes.</TableCell>
            </TableRow>
          )}
          {setup.taxes.map((t) => (
            <TableRow key={t.rowId}>
              <TableCell>{t.name}</TableCell>
              <TableCell>{humanize(t.basis)}</TableCell>
              <TableCell align="right">{t.basis === "percent_of_room" ? `${Number(t.percent)}%` : formatMoney(t.amount, t.currency)}</TableCell>
              <TableCell>{t.isInclusive ? "Yes" : "No"}</TableCell>
              <TableCell>{t.appliesToFees ? "Yes" : "No"}</TableCell>
              <TableCell>{t.appliesToPenalty ? "Yes" : "No"}</TableCell>
              <TableCell>{t.isActive ? "Yes" : "No"}</TableCell>
              <RowActions canEdit={canEdit} what={`tax ${t.name}`} onEdit={() => setEditingTax(t)} onDelete={() => setDeletingTax(t)} />
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {editingFee && <FeeDialog membership={membership} setup={setup} fee={editingFee === "new" ? null : editingFee} onClose={() => setEditingFee(null)} />}
      {editingTax && <TaxDialog membership={membership} tax={editingTax === "new" ? null : editingTax} onClose={() => setEditingTax(null)} />}
      {deletingFee && (
        <DeleteDialog what="fee" detail={`${deletingFee.name}: bookings made keep the price they were quoted.`} onDelete={() => dataProvider.deleteFee({ id: deletingFee.rowId })} onClose={() => setDeletingFee(null)} />
      )}
      {deletingTax && (
        <DeleteDialog
          what="tax"
          detail={`${deletingTax.name}: a tax with postings in the ledger cannot be deleted (its account keeps them); make it inactive instead.`}
          onDelete={() => dataProvider.deleteTax({ id: deletingTax.rowId })}
          onClose={() => setDeletingTax(null)}
        />
      )}
    </>
  );
}

function FeeDialog({ membership, setup, fee, onClose }: { membership: Membership; setup: RevenueSetupData; fee: FeeNode | null; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const saved = useSaved();
  const currency = fee?.currency ?? membership.currency;
  const [name, setName] = useState(fee?.name ?? "");
  const [roomTypeId, setRoomTypeId] = useState(fee?.roomTypeId ?? "");
  const [basis, setBasis] = useState<FeeBasis>(fee?.basis ?? "per_stay");
  const [amount, setAmount] = useState(moneyInputValue(fee?.amount ?? null, currency));
  const [isActive, setActive] = useState(fee?.isActive ?? true);
  const minor = parseMoney(amount, currency);
  const values = { name: name.trim(), roomTypeId: roomTypeId || null, basis, amount: minor ?? "0", isActive };
  return (
    <ActionDialog
      title={fee ? `Edit ${fee.name}` : "Add a fee"}
      confirmLabel="Save"
      input={values}
      invalid={!values.name ? "Give the fee a name." : minor === null ? "Type the amount." : null}
      onSubmit={async (input) => {
        await dataProvider.saveFee({ propertyId: membership.propertyId, currency, id: fee?.rowId ?? null, values: input });
        await saved(`Fee ${input.name} saved.`);
      }}
      onClose={onClose}
    >
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} size="small" required autoFocus />
      <TextField select label="Applies to" value={roomTypeId} onChange={(e) => setRoomTypeId(e.target.value)} size="small">
        <MenuItem value="">Every room type</MenuItem>
        {setup.roomTypes.map((t) => (
          <MenuItem key={t.rowId} value={t.rowId}>
            {t.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField select label="Basis" value={basis} onChange={(e) => setBasis(e.target.value as FeeBasis)} size="small">
        {feeBases.map((b) => (
          <MenuItem key={b} value={b}>
            {humanize(b)}
          </MenuItem>
        ))}
      </TextField>
      <MoneyField label="Amount" value={amount} onChange={setAmount} currency={currency} required />
      <Check label="Active" checked={isActive} onChange={setActive} />
    </ActionDialog>
  );
}

function TaxDialog({ membership, tax, onClose }: { membership: Membership; tax: TaxNode | null; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const saved = useSaved();
  const currency = tax?.currency ?? membership.currency;
  const [name, setName] = useState(tax?.name ?? "");
  const [basis, setBasis] = useState<TaxBasis>(tax?.basis ?? "percent_of_room");
  const [percent, setPercent] = useState(tax?.percent ? String(Number(tax.percent)) : "");
  const [amount, setAmount] = useState(moneyInputValue(tax?.amount ?? null, currency));
  const [isInclusive, setInclusive] = useState(tax?.isInclusive ?? false);
  const [appliesToFees, setAppliesToFees] = useState(tax?.appliesToFees ?? false);
  // Left untouched, the basis decides (percent taxes are kept on penalties, per-night ones are not).
  const [appliesToPenalty, setAppliesToPenalty] = useState<boolean | null>(tax?.appliesToPenalty ?? null);
  const [isActive, setActive] = useState(tax?.isActive ?? true);
  const isPercent = basis === "percent_of_room";
  const percentValue = /^\d{1,3}(\.\d{1,4})?$/.test(percent.trim()) ? percent.trim() : null;
  const minor = parseMoney(amount, currency);
  const values = {
    name: name.trim(), basis, percent: isPercent ? percentValue : null, amount: isPercent ? null : minor,
    isInclusive, appliesToFees: isPercent && appliesToFees, appliesToPenalty: appliesToPenalty ?? isPercent, isActive,
  };
  return (
    <ActionDialog
      title={tax ? `Edit ${tax.name}` : "Add a tax"}
      confirmLabel="Save"
      input={values}
      invalid={!values.name ? "Give the tax a name." : isPercent ? (percentValue === null ? "Type the percent." : null) : minor === null ? "Type the amount." : null}
      onSubmit={async (input) => {
        await dataProvider.saveTax({ propertyId: membership.propertyId, currency, id: tax?.rowId ?? null, values: input });
        await saved(`Tax ${input.name} saved.`);
      }}
      onClose={onClose}
    >
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} size="small" required autoFocus />
      <TextField select label="Basis" value={basis} onChange={(e) => setBasis(e.target.value as TaxBasis)} size="small">
        {taxBases.map((b) => (
          <MenuItem key={b} value={b}>
            {humanize(b)}
          </MenuItem>
        ))}
      </TextField>
      {isPercent ? (
        <TextField label="Percent" value={percent} onChange={(e) => setPercent(e.target.value)} size="small" required />
      ) : (
        <MoneyField label="Amount" value={amount} onChange={setAmount} currency={currency} required />
      )}
      <Check label="Included in the prices (inclusive)" checked={isInclusive} onChange={setInclusive} />
      {isPercent && <Check label="Also on fees" checked={appliesToFees} onChange={setAppliesToFees} />}
      <Check label="Kept on cancellation and no-show fees" checked={values.appliesToPenalty} onChange={setAppliesToPenalty} />
      <Typography variant="caption" color="text.secondary">
        A city tax per night or per person-night is owed only for nights stayed: leave this off and a cancellation fee leaves it out. VAT is kept on the fee.
      </Typography>
      <Check label="Active" checked={isActive} onChange={setActive} />
    </ActionDialog>
  );
}
