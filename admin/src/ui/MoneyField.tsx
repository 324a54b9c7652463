// Money in the back office's tables and forms: a cell that shows an amount
// (minor units in, formatted for its currency) and a field that reads one
// (exact decimals out, parseMoney).
import TableCell from "@mui/material/TableCell";
import TextField from "@mui/material/TextField";
import { currencyDigits, formatMoney } from "./format.ts";
import { parseMoney } from "./money.ts";

/** Hidden on a phone: a column that is a detail there (the table then fits the screen). */
export const phoneHidden = { display: { xs: "none", sm: "table-cell" } } as const;

export function MoneyCell({ amount, currency, strong = false, muted = false, hideOnPhone = false }: {
  amount: string | null | undefined;
  currency: string;
  strong?: boolean;
  muted?: boolean;
  hideOnPhone?: boolean;
}) {
  // No amount: an empty cell (a debit column on a credit line).
  const text = amount === null || amount === undefined ? "" : formatMoney(amount, currency);
  return (
    <TableCell
      align="right"
      sx={{ whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums", ...(muted ? { color: "text.secondary" } : {}), ...(hideOnPhone ? phoneHidden : {}) }}
    >
      {strong ? <strong>{text}</strong> : text}
    </TableCell>
  );
}

/** A money field in major units with the currency as its adornment; `value` is what was typed. */
export function MoneyField({ label, value, onChange, currency, required = false, helperText, allowNegative = false, autoFocus = false, name, disabled = false }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  currency: string;
  required?: boolean;
  helperText?: string;
  allowNegative?: boolean;
  autoFocus?: boolean;
  name?: string;
  disabled?: boolean;
}) {
  const invalid = value.trim() !== "" && parseMoney(value, currency, { allowNegative }) === null;
  return (
    <TextField
      label={`${label} (${currency})`}
      name={name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      required={required}
      error={invalid}
      autoFocus={autoFocus}
      disabled={disabled}
      helperText={invalid ? `An amount in ${currency} with at most ${currencyDigits(currency)} decimals.` : helperText}
      slotProps={{ htmlInput: { inputMode: "decimal" } }}
      size="small"
      fullWidth
    />
  );
}
