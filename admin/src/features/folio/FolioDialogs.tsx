// The desk's folio actions, one dialog each (ActionDialog: one idempotency
// key per user action, the API's refusal kept on screen with its code):
// take a payment (cash, bank transfer, a new card through the provider's
// card form for a payment due), post an extra from the catalogue, an
// allowance or a correction with a reason, a refund (cash or bank; a
// goodwill refund posts the allowance with it), split (a new folio, for the
// guest or billed to a company), move charges to another folio, and transfer
// the open balance to a company's city ledger. The reservation page, the
// check-out dialog and the folio page share them (FolioActions).
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Checkbox from "@mui/material/Checkbox";
import FormControlLabel from "@mui/material/FormControlLabel";
import MenuItem from "@mui/material/MenuItem";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import ToggleButton from "@mui/material/ToggleButton";
import ToggleButtonGroup from "@mui/material/ToggleButtonGroup";
import Typography from "@mui/material/Typography";
import AccountBalanceIcon from "@mui/icons-material/AccountBalance";
import AddShoppingCartIcon from "@mui/icons-material/AddShoppingCart";
import CallSplitIcon from "@mui/icons-material/CallSplit";
import DiscountIcon from "@mui/icons-material/Discount";
import DriveFileMoveIcon from "@mui/icons-material/DriveFileMove";
import PaymentsIcon from "@mui/icons-material/Payments";
import UndoIcon from "@mui/icons-material/Undo";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useCanAccess, useDataProvider, useNotify, usePermissions, useRefresh } from "react-admin";
import { Link } from "react-router-dom";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { MoneyCell, MoneyField } from "../../ui/MoneyField.tsx";
import { moneyInputValue, parseMoney } from "../../ui/money.ts";
import { formatMoney, formatTimestamp, humanize } from "../../ui/format.ts";
import type { StaffPermissions } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { cashDrawerPath } from "./paths.ts";
import type { DeskPaymentMethod, StayFolioNode } from "./documents.ts";
import type { MinorUnits, Uuid } from "../../platform/documents.ts";

/** A payment due by card (a deposit or the balance) that the desk can charge. */
export interface DueIntent {
  rowId: string;
  kind: "deposit" | "balance";
  amount: string;
  currency: string;
  status: string;
}

/** The intents a card can pay now: due, or failed and to be retried. */
export function dueIntentsOf<T extends DueIntent>(intents: ReadonlyArray<T | null>): T[] {
  return intents.filter((i): i is T => i !== null && (i.status === "requires_payment" || i.status === "failed"));
}

/** What the dialogs need to know of a folio. */
export interface DeskFolio {
  rowId: string;
  propertyId: string;
  reservationId: string | null;
  label: string;
  kind: "guest" | "company";
  status: "open" | "closed";
  /** The company a guest folio is billed to (or a company folio's own). */
  companyId: string | null;
  currency: string;
  /** Minor units: positive, the guest owes; negative, a credit. */
  balance: string;
  /** "Folio 1 · ABC123 · Ada Lovelace": for titles. */
  title: string;
}

/** What a folio screen knows of a folio, with its balance in `currency`. */
export function deskFolio(
  folio: Pick<StayFolioNode, "rowId" | "propertyId" | "reservationId" | "label" | "kind" | "status"> & { company: { rowId: Uuid } | null },
  currency: string,
  balance: MinorUnits,
  title: string,
): DeskFolio {
  return {
    rowId: folio.rowId,
    propertyId: folio.propertyId,
    reservationId: folio.reservationId,
    label: folio.label,
    kind: folio.kind,
    status: folio.status,
    companyId: folio.company?.rowId ?? null,
    currency,
    balance,
    title,
  };
}

export function deskFolioOf(folio: StayFolioNode, currency: string, title: string): DeskFolio {
  const balance = folio.balances.nodes.find((b) => b !== null && b.currency === currency) ?? folio.balances.nodes.find((b) => b !== null) ?? null;
  return deskFolio(folio, balance?.currency ?? currency, balance?.balance ?? "0", title);
}

/** Settled, the guest owes, or a credit: the chip beside a balance. */
export function balanceState(balance: string, payer: "guest" | "company" = "guest"): { label: string; color: "success" | "warning" | "primary" } {
  const value = BigInt(balance);
  return value === 0n
    ? { label: "Settled", color: "success" }
    : value > 0n
      ? { label: payer === "company" ? "Company owes" : "Guest owes", color: "warning" }
      : { label: "Credit: refund due", color: "primary" };
}

/** After a folio changed: every query that shows money reads again (react-admin's refresh invalidates them all). */
function useFolioChanged() {
  const refresh = useRefresh();
  return () => refresh();
}

const positive = (minor: string | null) => minor !== null && BigInt(minor) > 0n;

// ---------------------------------------------------------------------------
// Take a payment
// ---------------------------------------------------------------------------
/** Whether the user has an open cash shift at the property (null while unknown): cash needs one. */
function useHasOpenShift(propertyId: string, enabled: boolean): boolean | null {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const { permissions } = usePermissions<StaffPermissions>();
  const shifts = useQuery({
    queryKey: ["desk", "cashShifts", propertyId],
    queryFn: ({ signal }) => dataProvider.cashShifts({ propertyId }, { signal }),
    enabled,
  });
  if (!shifts.isSuccess || !permissions) return null;
  return shifts.data.some((s) => s.closedAt === null && s.openedBy === permissions.userId);
}

function NoShiftNotice() {
  return (
    <Alert severity="warning" data-testid="no-cash-shift" action={<Button component={Link} to={cashDrawerPath} color="inherit" size="small" sx={{ whiteSpace: "nowrap" }}>Cash drawer</Button>}>
      You have no open cash shift: open one with its float before taking or paying out cash.
    </Alert>
  );
}


type PayMethod = DeskPaymentMethod | "card" | "card_on_file";

const methodLabels: Record<PayMethod, string> = { cash: "Cash", bank_transfer: "Bank transfer", card: "Card", card_on_file: "Card on file" };

/**
 * Cash or bank transfer for any amount (cash goes into the user's open
 * shift: the cash drawer); a card for a payment due goes through the
 * provider's card form (onCard opens it).
 */
export function TakePaymentDialog({ folio, dueIntents = [], onCard, cardOnFile = null, onClose }: {
  folio: DeskFolio;
  /** The stay's card on file as people name it ("Visa •• 4242"): charged for any amount (the primary folio only). */
  cardOnFile?: string | null;
  /** Payments due by card (deposit, balance) of the stay: a card pays one of them. */
  dueIntents?: DueIntent[];
  onCard?: (intent: DueIntent) => void;
  onClose: () => void;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const changed = useFolioChanged();
  const owed = BigInt(folio.balance) > 0n ? folio.balance : "";
  const [method, setMethod] = useState<PayMethod>("cash");
  const [amount, setAmount] = useState(moneyInputValue(owed, folio.currency));
  const [reference, setReference] = useState("");
  const [intentId, setIntentId] = useState(dueIntents[0]?.rowId ?? "");
  const minor = parseMoney(amount, folio.currency);
  const intent = dueIntents.find((i) => i.rowId === intentId) ?? null;
  const hasShift = useHasOpenShift(folio.propertyId, method === "cash");
  const invalid =
    method === "card_on_file"
      ? !positive(minor)
        ? "Type the amount to charge."
        : null
      : method === "card"
      ? intent
        ? null
        : "No card payment is due on this stay: take cash or a bank transfer."
      : !positive(minor)
        ? "Type the amount received."
        : method === "bank_transfer" && !reference.trim()
          ? "Type the bank transfer's reference."
          : null;
  return (
    <ActionDialog
      title={`Take a payment · ${folio.title}`}
      confirmLabel={
        method === "card"
          ? "Continue to the card form"
          : method === "card_on_file"
            ? `Charge ${positive(minor) ? formatMoney(minor, folio.currency) : "the card"}`
            : `Take ${positive(minor) ? formatMoney(minor, folio.currency) : "payment"}`
      }
      input={{ folioId: folio.rowId, method, amount: minor, reference: reference.trim() || null }}
      invalid={invalid}
      testId="folio-pay"
      errorTitle="The payment was not taken"
      onSubmit={async (input, idempotencyKey) => {
        if (input.method === "card") {
          if (intent && onCard) onCard(intent);
          return;
        }
        if (input.method === "card_on_file") {
          await dataProvider.chargeCardOnFile({ reservationId: folio.reservationId!, amount: input.amount!, idempotencyKey });
          notify(`Charging ${cardOnFile ?? "the card on file"} ${formatMoney(input.amount, folio.currency)}: the provider captures it in a moment and the folio updates by itself.`, { type: "success" });
          changed();
          return;
        }
        await dataProvider.takeFolioPayment({ folioId: input.folioId, method: input.method, amount: input.amount!, reference: input.reference, idempotencyKey });
        notify(`${methodLabels[input.method]} payment of ${formatMoney(input.amount, folio.currency)} taken.`, { type: "success" });
        changed();
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Balance {formatMoney(folio.balance, folio.currency)}.{" "}
        {method === "cash"
          ? "Cash goes into your open cash shift (Cash drawer)."
          : method === "bank_transfer"
            ? "Record a transfer received in the bank account."
            : method === "card_on_file"
              ? `Charges ${cardOnFile ?? "the card on file"} through the payment provider.`
              : ""}
      </Typography>
      <ToggleButtonGroup
        exclusive
        size="small"
        value={method}
        onChange={(_e, next: PayMethod | null) => next && setMethod(next)}
        aria-label="Payment method"
        sx={{ flexWrap: "wrap" }}
      >
        <ToggleButton value="cash" data-method="cash">Cash</ToggleButton>
        <ToggleButton value="bank_transfer" data-method="bank_transfer">Bank transfer</ToggleButton>
        {cardOnFile && folio.reservationId && <ToggleButton value="card_on_file" data-method="card_on_file">{cardOnFile}</ToggleButton>}
        {onCard && <ToggleButton value="card" data-method="card">New card</ToggleButton>}
      </ToggleButtonGroup>
      {method === "cash" && hasShift === false && <NoShiftNotice />}
      {method === "card_on_file" ? (
        <MoneyField label="Amount" value={amount} onChange={setAmount} currency={folio.currency} required autoFocus />
      ) : method === "card" ? (
        dueIntents.length === 0 ? (
          <Alert severity="info">No card payment is due on this stay.</Alert>
        ) : (
          <TextField select label="Payment due" value={intentId} onChange={(e) => setIntentId(e.target.value)} size="small" fullWidth>
            {dueIntents.map((i) => (
              <MenuItem key={i.rowId} value={i.rowId}>
                {humanize(i.kind)} · {formatMoney(i.amount, i.currency)} ({humanize(i.status)})
              </MenuItem>
            ))}
          </TextField>
        )
      ) : (
        <>
          <MoneyField label="Amount" value={amount} onChange={setAmount} currency={folio.currency} required autoFocus />
          <TextField
            label={method === "bank_transfer" ? "Transfer reference" : "Note (optional)"}
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            size="small"
            required={method === "bank_transfer"}
            slotProps={{ htmlInput: { maxLength: 200 } }}
          />
          {positive(minor) && BigInt(minor!) > BigInt(folio.balance) && (
            <Alert severity="info">
              More than the balance: the folio will show a credit of {formatMoney((BigInt(minor!) - BigInt(folio.balance)).toString(), folio.currency)}
              {method === "cash" ? " (give the change instead, if it is change)" : ""}.
            </Alert>
          )}
        </>
      )}
    </ActionDialog>
  );
}

// ---------------------------------------------------------------------------
// Post an extra
// ---------------------------------------------------------------------------

export function PostExtraDialog({ folio, onClose }: { folio: DeskFolio; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const changed = useFolioChanged();
  const extras = useQuery({
    queryKey: ["desk", "extras", folio.propertyId],
    queryFn: ({ signal }) => dataProvider.folioExtras({ propertyId: folio.propertyId }, { signal }),
  });
  const [extraId, setExtraId] = useState("");
  const [quantity, setQuantity] = useState("1");
  const [note, setNote] = useState("");
  const options = (extras.data ?? []).filter((e) => e.currency === folio.currency);
  const extra = options.find((e) => e.rowId === extraId) ?? null;
  const count = /^\d{1,3}$/.test(quantity.trim()) ? Number(quantity.trim()) : NaN;
  const invalid = !extra ? "Choose an extra." : !(count >= 1 && count <= 999) ? "Type a quantity from 1 to 999." : null;
  const total = extra && invalid === null ? (BigInt(extra.unitPrice) * BigInt(count)).toString() : null;
  return (
    <ActionDialog
      title={`Post an extra · ${folio.title}`}
      confirmLabel={total ? `Post ${formatMoney(total, folio.currency)}` : "Post"}
      input={{ folioId: folio.rowId, extraId, quantity: count, note: note.trim() || null }}
      invalid={invalid}
      testId="folio-charge"
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.postFolioCharge({ ...input, idempotencyKey });
        notify(`${extra?.name ?? "Extra"} × ${input.quantity} posted.`, { type: "success" });
        changed();
      }}
      onClose={onClose}
    >
      {extras.isError && <Alert severity="error">{extras.error.message}</Alert>}
      {extras.isSuccess && options.length === 0 && <Alert severity="info">The property's catalogue has no extras in {folio.currency}.</Alert>}
      <TextField select label="Extra" value={extraId} onChange={(e) => setExtraId(e.target.value)} size="small" fullWidth required autoFocus>
        {options.map((e) => (
          <MenuItem key={e.rowId} value={e.rowId}>
            {e.name} · {formatMoney(e.unitPrice, e.currency)}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        label="Quantity"
        value={quantity}
        onChange={(e) => setQuantity(e.target.value)}
        size="small"
        required
        slotProps={{ htmlInput: { inputMode: "numeric" } }}
      />
      <TextField label="Note (optional)" value={note} onChange={(e) => setNote(e.target.value)} size="small" slotProps={{ htmlInput: { maxLength: 200 } }} />
    </ActionDialog>
  );
}

// ---------------------------------------------------------------------------
// Allowance, correction
// ---------------------------------------------------------------------------

export function AllowanceDialog({ folio, onClose }: { folio: DeskFolio; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const changed = useFolioChanged();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const minor = parseMoney(amount, folio.currency);
  const invalid = !positive(minor) ? "Type the amount to allow." : !reason.trim() ? "Give the reason." : null;
  return (
    <ActionDialog
      title={`Allowance · ${folio.title}`}
      confirmLabel="Post allowance"
      input={{ folioId: folio.rowId, amount: minor, reason: reason.trim() }}
      invalid={invalid}
      testId="folio-allowance"
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.postFolioAllowance({ folioId: input.folioId, amount: input.amount!, reason: input.reason, idempotencyKey });
        notify(`Allowance of ${formatMoney(input.amount, folio.currency)} posted.`, { type: "success" });
        changed();
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Takes an amount off what the guest owes (a goodwill gesture, a complaint), booked to allowances. Balance {formatMoney(folio.balance, folio.currency)}.
      </Typography>
      <MoneyField label="Amount" value={amount} onChange={setAmount} currency={folio.currency} required autoFocus />
      <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} size="small" required slotProps={{ htmlInput: { maxLength: 500 } }} />
    </ActionDialog>
  );
}

export interface CorrectableEntry {
  entryId: string;
  description: string;
  amount: string;
  currency: string;
}

export function CorrectEntryDialog({ folio, entry, onClose }: { folio: DeskFolio; entry: CorrectableEntry; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const changed = useFolioChanged();
  const [reason, setReason] = useState("");
  return (
    <ActionDialog
      title={`Correct · ${entry.description}`}
      confirmLabel="Post correction"
      input={{ entryId: entry.entryId, folioId: folio.rowId, reason: reason.trim() }}
      invalid={reason.trim() ? null : "Give the reason."}
      testId="folio-correct"
      danger
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.correctFolioEntry({ ...input, idempotencyKey });
        notify(`${entry.description}: corrected.`, { type: "success" });
        changed();
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Posts the reverse of “{entry.description}” ({formatMoney(entry.amount, entry.currency)}) on this folio. The original line stays in the ledger; an entry is
        corrected once.
      </Typography>
      <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} size="small" required autoFocus slotProps={{ htmlInput: { maxLength: 500 } }} />
    </ActionDialog>
  );
}

// ---------------------------------------------------------------------------
// Refund (cash, bank transfer; goodwill)
// ---------------------------------------------------------------------------

export function DeskRefundDialog({ folio, onClose }: { folio: DeskFolio; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const changed = useFolioChanged();
  const canGoodwill = useCanAccess({ resource: "folios", action: "goodwill", record: { propertyId: folio.propertyId } }).canAccess === true;
  const credit = BigInt(folio.balance) < 0n ? (-BigInt(folio.balance)).toString() : "0";
  const [method, setMethod] = useState<DeskPaymentMethod>("cash");
  const [amount, setAmount] = useState(credit === "0" ? "" : moneyInputValue(credit, folio.currency));
  const [reason, setReason] = useState("");
  const [goodwill, setGoodwill] = useState(credit === "0" && canGoodwill);
  const minor = parseMoney(amount, folio.currency);
  const hasShift = useHasOpenShift(folio.propertyId, method === "cash");
  const invalid = !positive(minor)
    ? "Type the amount to refund."
    : !goodwill && BigInt(minor!) > BigInt(credit)
      ? credit === "0"
        ? "The folio has no credit to refund: a goodwill refund posts an allowance with it."
        : `At most the credit, ${formatMoney(credit, folio.currency)}, unless it is a goodwill refund.`
      : !reason.trim()
        ? "Give the reason."
        : null;
  return (
    <ActionDialog
      title={`Refund · ${folio.title}`}
      confirmLabel={positive(minor) ? `Refund ${formatMoney(minor, folio.currency)}` : "Refund"}
      input={{ folioId: folio.rowId, method, amount: minor, reason: reason.trim(), goodwill }}
      invalid={invalid}
      testId="folio-refund"
      danger
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.refundFolioPayment({ ...input, amount: input.amount!, idempotencyKey });
        notify(`Refund of ${formatMoney(input.amount, folio.currency)} paid out (${methodLabels[input.method].toLowerCase()}).`, { type: "success" });
        changed();
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Pays money back in cash (from your open cash shift) or by bank transfer. Credit on the folio: {formatMoney(credit, folio.currency)}. Card payments are refunded
        from the folio's Payments.
      </Typography>
      <ToggleButtonGroup exclusive size="small" value={method} onChange={(_e, next: DeskPaymentMethod | null) => next && setMethod(next)} aria-label="Refund method">
        <ToggleButton value="cash">Cash</ToggleButton>
        <ToggleButton value="bank_transfer">Bank transfer</ToggleButton>
      </ToggleButtonGroup>
      {method === "cash" && hasShift === false && <NoShiftNotice />}
      <MoneyField label="Amount" value={amount} onChange={setAmount} currency={folio.currency} required autoFocus />
      <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} size="small" required slotProps={{ htmlInput: { maxLength: 500 } }} />
      {canGoodwill && (
        <FormControlLabel
          control={<Checkbox checked={goodwill} onChange={(e) => setGoodwill(e.target.checked)} />}
          label="Goodwill: also post an allowance of the same amount, so the folio stays settled"
        />
      )}
    </ActionDialog>
  );
}

// ---------------------------------------------------------------------------
// Split, route, city ledger
// ---------------------------------------------------------------------------

function CompanySelect({ propertyId, value, onChange, label, required = false }: { propertyId: string; value: string; onChange: (id: string) => void; label: string; required?: boolean }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const companies = useQuery({
    queryKey: ["desk", "companies", propertyId],
    queryFn: ({ signal }) => dataProvider.companies({ propertyId }, { signal }),
  });
  const active = (companies.data ?? []).filter((c) => c.isActive);
  return (
    <>
      {companies.isError && <Alert severity="error">{companies.error.message}</Alert>}
      {companies.isSuccess && active.length === 0 && <Alert severity="info">No companies yet: add one under Companies.</Alert>}
      <TextField select label={label} value={value} onChange={(e) => onChange(e.target.value)} size="small" fullWidth required={required}>
        {!required && <MenuItem value="">— the guest —</MenuItem>}
        {active.map((c) => (
          <MenuItem key={c.rowId} value={c.rowId}>
            {c.name}
            {c.city ? ` · ${c.city}` : ""}
          </MenuItem>
        ))}
      </TextField>
    </>
  );
}

export function SplitFolioDialog({ folio, nextNumber, onClose }: { folio: DeskFolio; nextNumber: number; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const changed = useFolioChanged();
  const [label, setLabel] = useState(`Folio ${nextNumber}`);
  const [companyId, setCompanyId] = useState("");
  const reservationId = folio.reservationId;
  return (
    <ActionDialog
      title={`New folio · ${folio.title}`}
      confirmLabel="Open folio"
      input={{ reservationId, label: label.trim(), companyId: companyId || null }}
      invalid={!reservationId ? "Only a stay's folio can be split." : !label.trim() ? "Name the folio." : null}
      testId="folio-split"
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.createFolio({ reservationId: input.reservationId!, label: input.label, companyId: input.companyId, idempotencyKey });
        notify(`${input.label} opened: move charges to it from the folio's lines.`, { type: "success" });
        changed();
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        A second bill for the stay: e.g. the room billed to a company and the extras to the guest. Move charges to it afterwards.
      </Typography>
      <TextField label="Name" value={label} onChange={(e) => setLabel(e.target.value)} size="small" required autoFocus slotProps={{ htmlInput: { maxLength: 100 } }} />
      <CompanySelect propertyId={folio.propertyId} value={companyId} onChange={setCompanyId} label="Billed to" />
    </ActionDialog>
  );
}

export interface RoutableCharge {
  entryId: string;
  description: string;
  occurredAt: string | undefined;
  amount: string;
  currency: string;
}

/** The charges (positive postings) of a folio that may move: one line per journal entry. */
export function routableCharges(postings: ReadonlyArray<{ amount: string; currency: string; entry: { rowId: string; description: string; occurredAt: string; causeType: string } | null } | null>): RoutableCharge[] {
  const byEntry = new Map<string, RoutableCharge>();
  for (const p of postings) {
    if (!p?.entry) continue;
    const current = byEntry.get(p.entry.rowId);
    const amount = (BigInt(current?.amount ?? "0") + BigInt(p.amount)).toString();
    byEntry.set(p.entry.rowId, { entryId: p.entry.rowId, description: p.entry.description, occurredAt: p.entry.occurredAt, amount, currency: p.currency });
  }
  return [...byEntry.values()].filter((c) => BigInt(c.amount) > 0n);
}

export function RouteChargesDialog({ folio, targets, timeZone, onClose }: {
  folio: DeskFolio;
  /** The other open folios of the stay (same currency). */
  targets: Array<{ rowId: string; label: string; company: string | null }>;
  timeZone: string | undefined;
  onClose: () => void;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const changed = useFolioChanged();
  const detail = useQuery({
    queryKey: ["backoffice", "folio", folio.rowId],
    queryFn: ({ signal }) => dataProvider.folio({ id: folio.rowId }, { signal }),
  });
  const charges = routableCharges(detail.data?.postings.nodes ?? []);
  const [toFolioId, setTo] = useState(targets[0]?.rowId ?? "");
  const [chosen, setChosen] = useState<string[]>([]);
  const total = charges.filter((c) => chosen.includes(c.entryId)).reduce((sum, c) => sum + BigInt(c.amount), 0n);
  const invalid = targets.length === 0 ? "Open a second folio first (Split)." : !toFolioId ? "Choose the folio to move to." : chosen.length === 0 ? "Tick the charges to move." : null;
  return (
    <ActionDialog
      title={`Move charges · ${folio.title}`}
      confirmLabel={chosen.length ? `Move ${formatMoney(total.toString(), folio.currency)}` : "Move"}
      input={{ fromFolioId: folio.rowId, toFolioId, entryIds: [...chosen].sort() }}
      invalid={invalid}
      testId="folio-route"
      maxWidth="md"
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.routeFolioPostings({ ...input, idempotencyKey });
        notify(`${input.entryIds.length} charge${input.entryIds.length === 1 ? "" : "s"} moved.`, { type: "success" });
        changed();
      }}
      onClose={onClose}
    >
      <TextField select label="To folio" value={toFolioId} onChange={(e) => setTo(e.target.value)} size="small" fullWidth required>
        {targets.map((t) => (
          <MenuItem key={t.rowId} value={t.rowId}>
            {t.label}
            {t.company ? ` · billed to ${t.company}` : ""}
          </MenuItem>
        ))}
      </TextField>
      {detail.isError && <Alert severity="error">{detail.error.message}</Alert>}
      {detail.isSuccess && charges.length === 0 && <Alert severity="info">No charges on this folio to move.</Alert>}
      {charges.length > 0 && (
        <Table size="small" aria-label="Charges to move">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox" />
              <TableCell>Charge</TableCell>
              <TableCell align="right">Amount</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {charges.map((c) => {
              const checked = chosen.includes(c.entryId);
              return (
                <TableRow key={c.entryId} data-entry={c.entryId}>
                  <TableCell padding="checkbox">
                    <Checkbox
                      checked={checked}
                      onChange={() => setChosen(checked ? chosen.filter((id) => id !== c.entryId) : [...chosen, c.entryId])}
                      slotProps={{ input: { "aria-label": `Move ${c.description}` } }}
                    />
                  </TableCell>
                  <TableCell>
                    {c.description}
                    <Typography variant="caption" component="div" color="text.secondary">
                      {formatTimestamp(c.occurredAt, timeZone)}
                    </Typography>
                  </TableCell>
                  <MoneyCell amount={c.amount} currency={c.currency} />
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </ActionDialog>
  );
}

export function CityLedgerDialog({ folio, onClose }: { folio: DeskFolio; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const changed = useFolioChanged();
  const [companyId, setCompanyId] = useState(folio.companyId ?? "");
  const owes = BigInt(folio.balance) > 0n;
  return (
    <ActionDialog
      title={`Transfer to a company · ${folio.title}`}
      confirmLabel={`Transfer ${formatMoney(folio.balance, folio.currency)}`}
      input={{ folioId: folio.rowId, companyId }}
      invalid={!owes ? "Nothing is owed on this folio." : !companyId ? "Choose the company." : null}
      testId="folio-city-ledger"
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.transferFolioToCityLedger({ ...input, idempotencyKey });
        notify(`${formatMoney(folio.balance, folio.currency)} transferred to the company's account: the folio is settled.`, { type: "success" });
        changed();
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Moves the whole open balance, {formatMoney(folio.balance, folio.currency)}, to the company's city-ledger account (accounts receivable): the company is invoiced
        and pays on its terms, and this folio is settled.
      </Typography>
      <CompanySelect propertyId={folio.propertyId} value={companyId} onChange={setCompanyId} label="Company" required />
    </ActionDialog>
  );
}

// ---------------------------------------------------------------------------
// The row of actions
// ---------------------------------------------------------------------------

type Open = "pay" | "charge" | "allowance" | "refund" | "split" | "route" | "city_ledger" | null;

/** The desk's buttons for one folio, each shown only to roles that may use it. */
export function FolioActions({ folio, siblings = [], dueIntents = [], onCard, cardOnFile = null, timeZone, size = "small", compact = false, autoPay = false }: {
  folio: DeskFolio;
  /** The other folios of the stay. */
  siblings?: Array<{ rowId: string; label: string; company: string | null; status: "open" | "closed"; currency: string }>;
  dueIntents?: DueIntent[];
  onCard?: (intent: DueIntent) => void;
  /** The stay's card on file ("Visa •• 4242"), for the primary folio. */
  cardOnFile?: string | null;
  timeZone: string | undefined;
  size?: "small" | "medium";
  /** Only the settling actions (payment, refund, transfer): the check-out dialog. */
  compact?: boolean;
  /** Open the payment dialog at once (after a booking by phone). */
  autoPay?: boolean;
}) {
  const record = { propertyId: folio.propertyId };
  const allowed = {
    pay: useCanAccess({ resource: "folios", action: "pay", record }).canAccess === true,
    charge: useCanAccess({ resource: "folios", action: "charge", record }).canAccess === true,
    allowance: useCanAccess({ resource: "folios", action: "allowance", record }).canAccess === true,
    refund: useCanAccess({ resource: "folios", action: "refund", record }).canAccess === true,
    split: useCanAccess({ resource: "folios", action: "split", record }).canAccess === true,
    route: useCanAccess({ resource: "folios", action: "route", record }).canAccess === true,
    city_ledger: useCanAccess({ resource: "folios", action: "city_ledger", record }).canAccess === true,
  };
  const [open, setOpen] = useState<Open>(null);
  // After a booking by phone: the payment dialog once, as soon as the role is known.
  const autoOpened = useRef(false);
  useEffect(() => {
    if (autoPay && allowed.pay && folio.status === "open" && !autoOpened.current) {
      autoOpened.current = true;
      setOpen("pay");
    }
  }, [autoPay, allowed.pay, folio.status]);
  const closed = folio.status === "closed";
  const balance = BigInt(folio.balance);
  const targets = siblings.filter((s) => s.rowId !== folio.rowId && s.status === "open" && s.currency === folio.currency);
  const buttons: ReactNode[] = [];
  const add = (key: Exclude<Open, null>, label: string, icon: ReactNode, show: boolean, primary = false) => {
    if (!show) return;
    buttons.push(
      <Button key={key} size={size} variant={primary ? "contained" : "outlined"} startIcon={icon} onClick={() => setOpen(key)} data-folio-action={key}>
        {label}
      </Button>,
    );
  };
  add("pay", "Take payment", <PaymentsIcon />, allowed.pay && !closed && (balance > 0n || dueIntents.length > 0), balance > 0n);
  // A goodwill refund (with its allowance) is for a guest's folio; a company's account refunds only a credit.
  add("refund", "Refund", <UndoIcon />, allowed.refund && (balance < 0n || (!compact && allowed.allowance && folio.kind === "guest")), balance < 0n);
  add("city_ledger", "Transfer to company", <AccountBalanceIcon />, allowed.city_ledger && !closed && balance > 0n && folio.kind === "guest");
  if (!compact) {
    add("charge", "Post extra", <AddShoppingCartIcon />, allowed.charge && !closed && folio.kind === "guest");
    add("allowance", "Allowance", <DiscountIcon />, allowed.allowance && folio.kind === "guest");
    add("split", "New folio", <CallSplitIcon />, allowed.split && !closed && folio.reservationId !== null);
    add("route", "Move charges", <DriveFileMoveIcon />, allowed.route && !closed && targets.length > 0);
  }
  if (buttons.length === 0) return null;
  const close = () => setOpen(null);
  return (
    <>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap" }} data-testid={`folio-actions-${folio.rowId}`}>
        {buttons}
      </Stack>
      {open === "pay" && <TakePaymentDialog folio={folio} dueIntents={dueIntents} onCard={onCard} cardOnFile={cardOnFile} onClose={close} />}
      {open === "charge" && <PostExtraDialog folio={folio} onClose={close} />}
      {open === "allowance" && <AllowanceDialog folio={folio} onClose={close} />}
      {open === "refund" && <DeskRefundDialog folio={folio} onClose={close} />}
      {open === "split" && <SplitFolioDialog folio={folio} nextNumber={siblings.length + 1} onClose={close} />}
      {open === "route" && <RouteChargesDialog folio={folio} targets={targets} timeZone={timeZone} onClose={close} />}
      {open === "city_ledger" && <CityLedgerDialog folio={folio} onClose={close} />}
    </>
  );
}
