// Pieces the back office's screens share: money cells and inputs (minor
// units in, exact decimals out), a date-range picker, paged tables, a
// section heading, the property the screen works on, and one dialog for
// every action that changes something (with one idempotency key per user
// action when the API takes one).
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Dialog from "@mui/material/Dialog";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import TableCell from "@mui/material/TableCell";
import TablePagination from "@mui/material/TablePagination";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState, type FormEvent, type ReactNode } from "react";
import { ApiErrorAlert, shownError, type ShownError } from "./ApiErrorAlert.tsx";
import { currencyDigits, formatMoney } from "./format.ts";
import { useCurrentProperty } from "../platform/useCurrentProperty.ts";
import type { Membership } from "../platform/authProvider.ts";
import type { IdempotencyKey } from "../platform/idempotency.ts";
import { ConfirmButtons, useKeyedAction } from "./keyedAction.tsx";
import { isIsoDate } from "./dates.ts";
import { parseMoney } from "./money.ts";

export { ApiErrorAlert, shownError, type ShownError };
export { moneyInputValue, parseMoney } from "./money.ts";
export { currencyDigits } from "./format.ts";

// ---------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------

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
export function MoneyField({ label, value, onChange, currency, required = false, helperText, allowNegative = false, autoFocus = false, name }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  currency: string;
  required?: boolean;
  helperText?: string;
  allowNegative?: boolean;
  autoFocus?: boolean;
  name?: string;
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
      helperText={invalid ? `An amount in ${currency} with at most ${currencyDigits(currency)} decimals.` : helperText}
      slotProps={{ htmlInput: { inputMode: "decimal" } }}
      size="small"
      fullWidth
    />
  );
}

// ---------------------------------------------------------------------------
// The property the screen works on
// ---------------------------------------------------------------------------

/** The selected property, or a notice while it loads / for a user with none. */
export function WithProperty({ children }: { children: (membership: Membership) => ReactNode }) {
  const { membership, isPending } = useCurrentProperty();
  if (isPending) return <LinearProgress sx={{ m: 2 }} />;
  if (!membership) return <Alert severity="info">You are not staff at any property.</Alert>;
  return <>{children(membership)}</>;
}

export function SectionHeading({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ alignItems: { sm: "center" }, justifyContent: "space-between", mb: 1.5 }}>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Typography variant="h6" component="h2">
          {title}
        </Typography>
        {subtitle && (
          <Typography variant="body2" color="text.secondary" component="div">
            {subtitle}
          </Typography>
        )}
      </Box>
      {actions && (
        <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap", alignItems: "center", flexShrink: 0, rowGap: 1 }}>
          {actions}
        </Stack>
      )}
    </Stack>
  );
}

/** What a failed query shows: the API's message and code. */
export function QueryError({ error, title = "Could not load this" }: { error: unknown; title?: string }) {
  return <ApiErrorAlert title={title} error={shownError(error)} />;
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

export interface DateRange {
  from: string;
  to: string;
}

/** From/to date pickers (native date inputs) with quick ranges; `max` days at most. */
export function DateRangePicker({ value, onChange, presets = [], maxDays, idPrefix }: {
  value: DateRange;
  onChange: (range: DateRange) => void;
  presets?: Array<{ label: string; range: DateRange }>;
  maxDays?: number;
  idPrefix: string;
}) {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen.from !== value.from || seen.to !== value.to) {
    setSeen(value);
    setDraft(value);
  }
  const valid = isIsoDate(draft.from) && isIsoDate(draft.to) && draft.from <= draft.to;
  const tooLong = valid && maxDays !== undefined && (Date.parse(draft.to) - Date.parse(draft.from)) / 86_400_000 + 1 > maxDays;
  const commit = (next: DateRange) => {
    setDraft(next);
    const ok = isIsoDate(next.from) && isIsoDate(next.to) && next.from <= next.to &&
      (maxDays === undefined || (Date.parse(next.to) - Date.parse(next.from)) / 86_400_000 + 1 <= maxDays);
    if (ok) onChange(next);
  };
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap", rowGap: 1 }} data-testid={`${idPrefix}-range`}>
      <TextField
        id={`${idPrefix}-from`}
        label="From"
        type="date"
        size="small"
        fullWidth={false}
        sx={{ width: 175 }}
        value={draft.from}
        onChange={(e) => commit({ ...draft, from: e.target.value })}
        slotProps={{ inputLabel: { shrink: true } }}
        error={!valid || tooLong}
      />
      <TextField
        id={`${idPrefix}-to`}
        label="To"
        type="date"
        size="small"
        fullWidth={false}
        sx={{ width: 175 }}
        value={draft.to}
        onChange={(e) => commit({ ...draft, to: e.target.value })}
        slotProps={{ inputLabel: { shrink: true } }}
        error={!valid || tooLong}
        helperText={!valid ? "The end is before the start." : tooLong ? `At most ${maxDays} days.` : undefined}
      />
      {presets.map((preset) => (
        <Button key={preset.label} size="small" onClick={() => commit(preset.range)} variant={preset.range.from === value.from && preset.range.to === value.to ? "contained" : "text"}>
          {preset.label}
        </Button>
      ))}
    </Stack>
  );
}

// ---------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------

export interface PageState {
  page: number;
  perPage: number;
}

export function usePage(perPage = 25): [PageState, (page: PageState) => void] {
  const [state, setState] = useState<PageState>({ page: 1, perPage });
  return [state, setState];
}

export function Pager({ total, page, onChange, label }: { total: number; page: PageState; onChange: (page: PageState) => void; label: string }) {
  return (
    <TablePagination
      component="div"
      count={total}
      page={Math.max(0, page.page - 1)}
      rowsPerPage={page.perPage}
      rowsPerPageOptions={[10, 25, 50, 100]}
      onPageChange={(_e, next) => onChange({ ...page, page: next + 1 })}
      onRowsPerPageChange={(e) => onChange({ page: 1, perPage: Number(e.target.value) })}
      labelRowsPerPage={`${label} per page`}
    />
  );
}

// ---------------------------------------------------------------------------
// The action dialog
// ---------------------------------------------------------------------------

export interface ActionDialogProps<TInput> {
  title: string;
  confirmLabel: string;
  /** The user's input: a changed input after a refusal gets a new key (ActionKey). */
  input: TInput;
  /** Why the input cannot be sent yet (shown on the disabled button); null when it can. */
  invalid?: string | null;
  /**
   * Does the thing; `key` is this action's idempotency key (unused by APIs
   * that take none); `keyFor(part)` gives one key per part of an action that
   * makes several calls (e.g. one per rate plan), with the same rules.
   */
  onSubmit: (input: TInput, key: IdempotencyKey, keyFor: (part: string) => IdempotencyKey) => Promise<void>;
  onClose: () => void;
  children?: ReactNode;
  maxWidth?: "xs" | "sm" | "md";
  testId?: string;
  errorTitle?: string;
  danger?: boolean;
}

/**
 * One user action: the dialog holds one ActionKey while open, so a double
 * click, a second Enter or a retry after a lost connection sends the same
 * key and the API does the thing once; it ignores a second submit while
 * the first runs, and keeps the API's refusal on screen with its code.
 */
export function ActionDialog<TInput>({ title, confirmLabel, input, invalid = null, onSubmit, onClose, children, maxWidth = "sm", testId, errorTitle, danger = false }: ActionDialogProps<TInput>) {
  const action = useKeyedAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (action.running() || invalid) return;
    const done = await action.run((keyFor) => onSubmit(input, keyFor(input), (part) => keyFor(input, part)));
    if (done) onClose();
  };
  return (
    <Dialog open onClose={action.pending ? undefined : onClose} maxWidth={maxWidth} fullWidth data-testid={testId}>
      {/* A dialog opened from another dialog (e.g. a payment from the check-out dialog) sits in a portal, but React
          bubbles its submit through the component tree: stopped here, so it never submits the dialog below too. */}
      <form
        onSubmit={(e) => {
          e.stopPropagation();
          void submit(e);
        }}
        noValidate
      >
        <DialogTitle>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {children}
            {action.error && <ApiErrorAlert title={errorTitle ?? `${confirmLabel} failed`} error={action.error} />}
          </Stack>
        </DialogContent>
        <ConfirmButtons
          onClose={onClose}
          pending={action.pending}
          disabled={action.pending || Boolean(invalid)}
          label={action.pending ? "Working…" : confirmLabel}
          color={danger ? "error" : "primary"}
          title={invalid ?? undefined}
          spinner={false}
          confirm={{ "data-confirm": testId }}
        />
      </form>
    </Dialog>
  );
}
