// The desk's choices on a quote (issue 21, walk-in and phone booking): the
// unit (the free units of the room type for those nights, or any), and the
// price: the rate's, a discount in percent, or a room price for the stay,
// each with the reason the manager reads in the history; or the guest's
// promo code (issue 22), whose discount line the quote shows (a code and an
// override do not combine: one price mode or the other). The database
// decides who may give how much (deskQuote: OVERRIDE_LIMIT for the front
// desk past the property's limit; owners and managers have none) and
// whether a code applies (PROMO_CODE): this form checks only that the
// values can be sent.
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState, type FormEvent } from "react";
import { useDataProvider } from "react-admin";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { Membership } from "../../platform/authProvider.ts";
import { formatMoney } from "../../ui/format.ts";
import { moneyInputValue, parseMoney } from "../../ui/money.ts";
import type { AvailabilityNode, StaySearch } from "./documents.ts";

/** What the quote is asked with: null everywhere is the rate's price on any free unit. */
export interface DeskChoice {
  unitId: string | null;
  roomAmount: string | null;
  discountPercent: string | null;
  overrideReason: string | null;
  /** The guest's promo code, as typed (the API reads it in any case). */
  promoCode: string | null;
}

export const noDeskChoice: DeskChoice = { unitId: null, roomAmount: null, discountPercent: null, overrideReason: null, promoCode: null };

type PriceMode = "rate" | "discount" | "price" | "promo";
type PriceField = "discount" | "price" | "reason" | "promo";

const percentPattern = /^\d{1,3}([.,]\d{1,2})?$/;

/** The price part of the form, checked: a choice to send, or why not. */
export function priceChoice(
  mode: PriceMode,
  form: { discount: string; price: string; reason: string; promo: string },
  currency: string,
): { choice: Pick<DeskChoice, "roomAmount" | "discountPercent" | "overrideReason" | "promoCode"> } | { errors: Partial<Record<PriceField, string>> } {
  const none = { roomAmount: null, discountPercent: null, overrideReason: null, promoCode: null };
  if (mode === "rate") return { choice: none };
  if (mode === "promo") {
    const code = form.promo.trim();
    if (code.length < 1 || code.length > 32) return { errors: { promo: "The code the guest has, e.g. SUMMER15." } };
    return { choice: { ...none, promoCode: code } };
  }
  const errors: Partial<Record<PriceField, string>> = {};
  const reason = form.reason.trim();
  if (reason.length < 3 || reason.length > 500) errors.reason = "Say why (3 to 500 characters): the manager reads it in the history.";
  let discountPercent: string | null = null;
  let roomAmount: string | null = null;
  if (mode === "discount") {
    const text = form.discount.trim().replace(",", ".");
    const value = Number(text);
    if (!percentPattern.test(form.discount.trim()) || !(value > 0) || value > 100) errors.discount = "More than 0 and at most 100, e.g. 10 or 12.5.";
    else discountPercent = text;
  } else {
    roomAmount = parseMoney(form.price, currency);
    if (roomAmount === null) errors.price = `The room price for the whole stay, e.g. 180.00 ${currency}.`;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { choice: { roomAmount, discountPercent, overrideReason: reason, promoCode: null } };
}

export function DeskOptions({ membership, search, rate, roomAmount, choice, onChange, disabled, promoRefusal }: {
  membership: Membership;
  search: StaySearch;
  rate: AvailabilityNode;
  /** The room price of the quote as it is now (minor units), to start a room price from. */
  roomAmount: string | null;
  choice: DeskChoice;
  onChange(choice: DeskChoice): void;
  disabled: boolean;
  /** Why the API refused the code chosen (PROMO_CODE's message), shown at the field; or null. */
  promoRefusal: string | null;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const units = useQuery({
    queryKey: ["freeUnits", membership.propertyId, rate.roomTypeId, search.arrival, search.departure],
    queryFn: ({ signal }) =>
      dataProvider.freeUnits({ propertyId: membership.propertyId, roomTypeId: rate.roomTypeId, arrival: search.arrival, departure: search.departure }, { signal }),
    staleTime: 15_000,
  });
  const [mode, setMode] = useState<PriceMode>(choice.discountPercent ? "discount" : choice.roomAmount ? "price" : choice.promoCode ? "promo" : "rate");
  const [form, setForm] = useState({
    discount: choice.discountPercent ?? "",
    price: choice.roomAmount ? moneyInputValue(choice.roomAmount, membership.currency) : "",
    reason: choice.overrideReason ?? "",
    promo: choice.promoCode ?? "",
  });
  const [errors, setErrors] = useState<Partial<Record<PriceField, string>>>({});
  const overridden = choice.roomAmount !== null || choice.discountPercent !== null;

  function apply(event: FormEvent) {
    event.preventDefault();
    const checked = priceChoice(mode, form, membership.currency);
    if ("errors" in checked) return setErrors(checked.errors);
    setErrors({});
    onChange({ ...choice, ...checked.choice });
  }

  const chosenUnitGone = choice.unitId !== null && units.data !== undefined && !units.data.some((u) => u.rowId === choice.unitId);
  return (
    <Box component="section" aria-labelledby="desk-options-heading" data-testid="desk-options" sx={{ border: 1, borderColor: "divider", borderRadius: 1, p: 1.5 }}>
      <Typography id="desk-options-heading" variant="subtitle2" component="h3" sx={{ mb: 1.5 }}>
        Unit and price
      </Typography>
      <Stack spacing={2}>
        <TextField
          select
          label="Unit"
          size="small"
          value={choice.unitId ?? ""}
          disabled={disabled || units.isPending}
          onChange={(e) => onChange({ ...choice, unitId: e.target.value === "" ? null : e.target.value })}
          helperText={
            units.isError
              ? "The free units could not be read; any free unit is held."
              : units.data
                ? `${units.data.length} of this type free for every night${choice.unitId ? " · the guest keeps this unit (pinned)" : ""}`
                : " "
          }
          slotProps={{ select: { MenuProps: { disablePortal: false } }, htmlInput: { "data-testid": "unit-choice" } }}
        >
          <MenuItem value="">Any free unit</MenuItem>
          {(units.data ?? []).map((u) => (
            <MenuItem key={u.rowId} value={u.rowId} data-unit={u.name}>
              {u.name}
              {u.housekeepingStatus === "dirty" ? " · not clean yet" : ""}
            </MenuItem>
          ))}
          {chosenUnitGone && choice.unitId && <MenuItem value={choice.unitId}>(taken meanwhile)</MenuItem>}
        </TextField>
        <form onSubmit={apply} noValidate aria-label="Price">
          <Stack spacing={1.5}>
            <TextField
              select
              label="Price"
              size="small"
              value={mode}
              disabled={disabled}
              onChange={(e) => {
                const next = e.target.value as PriceMode;
                setMode(next);
                setErrors({});
                if (next === "price" && form.price === "" && roomAmount) setForm({ ...form, price: moneyInputValue(roomAmount, membership.currency) });
                if (next === "rate" && (overridden || choice.promoCode)) onChange({ ...choice, roomAmount: null, discountPercent: null, overrideReason: null, promoCode: null });
              }}
              slotProps={{ htmlInput: { "data-testid": "price-mode" } }}
            >
              <MenuItem value="rate">The rate's price</MenuItem>
              <MenuItem value="discount">A discount (%)</MenuItem>
              <MenuItem value="price">A room price for the stay</MenuItem>
              <MenuItem value="promo">The guest's promo code</MenuItem>
            </TextField>
            {mode === "promo" && (
              <>
                <TextField
                  label="Promo code"
                  size="small"
                  value={form.promo}
                  disabled={disabled}
                  onChange={(e) => setForm({ ...form, promo: e.target.value })}
                  error={Boolean(errors.promo ?? promoRefusal)}
                  helperText={errors.promo ?? promoRefusal ?? "Its discount is a line of the quote; the hold checks it again and the booking counts its use."}
                  autoComplete="off"
                  slotProps={{ htmlInput: { maxLength: 32, autoCapitalize: "characters", spellCheck: false, "data-testid": "promo-code" } }}
                />
                <Box>
                  <Button type="submit" variant="outlined" size="small" disabled={disabled} data-testid="apply-promo">
                    Apply code
                  </Button>
                </Box>
              </>
            )}
            {mode === "discount" && (
              <TextField
                label="Discount (%)"
                size="small"
                value={form.discount}
                disabled={disabled}
                onChange={(e) => setForm({ ...form, discount: e.target.value })}
                error={Boolean(errors.discount)}
                helperText={errors.discount ?? "Off the room price (nights less any length-of-stay discount); taxes follow."}
                slotProps={{ htmlInput: { inputMode: "decimal", maxLength: 6 } }}
              />
            )}
            {mode === "price" && (
              <TextField
                label={`Room price (${membership.currency})`}
                size="small"
                value={form.price}
                disabled={disabled}
                onChange={(e) => setForm({ ...form, price: e.target.value })}
                error={Boolean(errors.price)}
                helperText={errors.price ?? "For all the nights together; fees and taxes are added as usual."}
                slotProps={{ htmlInput: { inputMode: "decimal", maxLength: 16 } }}
              />
            )}
            {(mode === "discount" || mode === "price") && (
              <>
                <TextField
                  label="Reason"
                  size="small"
                  required
                  value={form.reason}
                  disabled={disabled}
                  onChange={(e) => setForm({ ...form, reason: e.target.value })}
                  error={Boolean(errors.reason)}
                  helperText={errors.reason ?? "Kept with the booking and shown in its history."}
                  slotProps={{ htmlInput: { maxLength: 500 } }}
                />
                <Box>
                  <Button type="submit" variant="outlined" size="small" disabled={disabled} data-testid="apply-price">
                    Apply price
                  </Button>
                </Box>
              </>
            )}
            {overridden && (
              <Alert severity="info" icon={false} data-testid="override-applied">
                <Chip size="small" color="primary" label={choice.discountPercent ? `${choice.discountPercent}% off` : `Room ${formatMoney(choice.roomAmount!, membership.currency)}`} sx={{ mr: 1 }} />
                {choice.overrideReason}
              </Alert>
            )}
            {choice.promoCode && !promoRefusal && (
              <Alert severity="info" icon={false} data-testid="promo-code-applied">
                <Chip size="small" color="primary" label={`Promo code ${choice.promoCode.trim().toUpperCase()}`} sx={{ mr: 1 }} />
                its discount is a line of the quote
              </Alert>
            )}
          </Stack>
        </form>
      </Stack>
    </Box>
  );
}
