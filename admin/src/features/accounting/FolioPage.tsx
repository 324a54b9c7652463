// One folio: the reservation's bill. Its balance, the payments due and made
// (take a card payment at the desk, refund), every ledger line posted to it
// with a running balance, and its invoices and credit notes (issue, view and
// print, credit). Updates live as payments are captured.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Chip from "@mui/material/Chip";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import ArrowBackIcon from "@mui/icons-material/ArrowBack";
import CreditCardIcon from "@mui/icons-material/CreditCard";
import ReceiptLongIcon from "@mui/icons-material/ReceiptLong";
import RefreshIcon from "@mui/icons-material/Refresh";
import UndoIcon from "@mui/icons-material/Undo";
import { useState, type ReactNode } from "react";
import { Title, useCanAccess, useDataProvider, useNotify } from "react-admin";
import { Link, useParams } from "react-router-dom";
import { ReservationStatusChip, StateChip } from "../../ui/StatusChip.tsx";
import { formatDate, formatMoney, formatTimestamp, humanize } from "../../ui/format.ts";
import { useMembershipAt } from "../../platform/useCurrentProperty.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { FolioDetailNode, FolioIntentNode, FolioPostingNode, InvoiceRef } from "./documents.ts";
import { CorrectEntryDialog, deskFolio, dueIntentsOf, FolioActions, type CorrectableEntry, type DeskFolio, type DueIntent } from "../folio/FolioDialogs.tsx";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { MoneyCell, MoneyField, phoneHidden } from "../../ui/MoneyField.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { parseMoney, moneyInputValue } from "../../ui/money.ts";
import { folioBalance } from "./Folios.tsx";
import { BillToPanel } from "../invoicing/BillTo.tsx";
import { InvoiceViewer } from "../invoicing/InvoiceViewer.tsx";
import { accountingPath, folioPath } from "./paths.ts";
import { present } from "../../platform/results.ts";

/**
 * A table's own horizontal scroll on a narrow screen (a phone), so the page
 * keeps the screen's width; focusable, so the keyboard can scroll it too.
 */
function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    // width 0, at least 100%: the table adds nothing to the page's intrinsic width (which would widen the layout on a
    // phone) and still takes the card's whole width.
    <Box role="region" aria-label={label} tabIndex={0} sx={{ overflowX: "auto", width: 0, minWidth: "100%" }}>
      {children}
    </Box>
  );
}

export function FolioPage() {
  const { id = "" } = useParams();
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ["backoffice", "folio", id],
    queryFn: ({ signal }) => dataProvider.folio({ id }, { signal }),
  });
  useLiveRefresh(
    ["folios", "folio_balances", "payment_intents", "payment_attempts", "refunds", "invoices"],
    [["backoffice", "folio", id], ["desk", "stayFolios"]],
    { propertyId: query.data?.propertyId, enabled: query.isSuccess },
  );
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["backoffice", "folio", id] });
  const accounting = useCanAccess({ resource: "accounting", action: "show" }).canAccess === true;
  return (
    // minWidth 0: the page never grows wider than the screen; wide tables scroll inside their own box.
    <Box sx={{ mt: 1, minWidth: 0 }}>
      <Title title={query.data ? (query.data.kind === "company" ? `${query.data.company?.name ?? query.data.label} · city ledger` : `${query.data.label} · ${query.data.reservation?.confirmationCode ?? ""}`) : "Folio"} />
      <Stack direction="row" spacing={1} useFlexGap sx={{ mb: 1, flexWrap: "wrap" }}>
        {query.data?.reservationId && (
          <Button component={Link} to={`/reservations/${query.data.reservationId}/show/folio`} startIcon={<ArrowBackIcon />}>
            Reservation
          </Button>
        )}
        {accounting && (
          <Button component={Link} to={accountingPath("folios")} startIcon={<ArrowBackIcon />}>
            All folios
          </Button>
        )}
        <Button onClick={refresh} startIcon={<RefreshIcon />}>
          Refresh
        </Button>
      </Stack>
      {query.isPending && <LinearProgress />}
      {query.isError && <QueryError error={query.error} title="Could not open the folio" />}
      {query.data && <FolioDetail folio={query.data} />}
    </Box>
  );
}

function FolioDetail({ folio }: { folio: FolioDetailNode }) {
  const membership = useMembershipAt(folio.propertyId);
  const currency = folio.reservation?.currency ?? membership?.currency ?? "EUR";
  const timeZone = membership?.timeZone;
  const balance = folioBalance(folio, currency);
  const r = folio.reservation;
  const dataProvider = useDataProvider<KeeprDataProvider>();
  // The other folios of the stay (a split, one billed to a company).
  const stayFolios = useQuery({
    queryKey: ["desk", "stayFolios", folio.reservationId ?? ""],
    queryFn: ({ signal }) => dataProvider.stayFolios({ reservationId: folio.reservationId! }, { signal }),
    enabled: folio.reservationId !== null,
  });
  const siblings = (stayFolios.data ?? []).map((f) => ({
    rowId: f.rowId,
    label: f.label,
    company: f.company?.name ?? null,
    status: f.status,
    currency: f.balances.nodes.find((b) => b !== null)?.currency ?? currency,
  }));
  const [card, setCard] = useState<DueIntent | null>(null);
  const desk = deskFolio(folio, balance.currency, balance.amount, `${folio.label} · ${r?.confirmationCode ?? folio.company?.name ?? ""}`);
  const due = folio.isPrimary ? dueIntentsOf(r?.paymentIntents.nodes ?? []) : [];
  const takesCards = r !== null && ["confirmed", "checked_in", "checked_out"].includes(r.status);
  return (
    <Stack spacing={2}>
      <Card>
        <CardContent>
          <Stack direction={{ xs: "column", md: "row" }} spacing={3} sx={{ alignItems: { md: "center" } }}>
            <Box sx={{ flex: 1 }}>
              <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
                <Typography variant="h5" component="h2" data-testid="folio-code">
                  {folio.label}{r?.confirmationCode ? ` · ${r.confirmationCode}` : ""}
                </Typography>
                <Chip size="small" variant="outlined" label={humanize(folio.status)} color={folio.status === "open" ? "primary" : "default"} />
                {folio.kind === "company" && <Chip size="small" variant="outlined" label="City ledger" />}
                {folio.kind === "guest" && folio.company && <Chip size="small" variant="outlined" label={`Billed to ${folio.company.name}`} />}
              </Stack>
              <Typography variant="subtitle1">
                {folio.kind === "company" ? `Accounts receivable · payment terms ${folio.company?.paymentTermsDays ?? 30} days` : (r?.guest?.fullName ?? "—")}
              </Typography>
              {r && (
                <Typography variant="body2" color="text.secondary">
                  {formatDate(r.arrival)} → {formatDate(r.departure)} · {r.nights} night{r.nights === 1 ? "" : "s"}
                  {r.unit ? ` · unit ${r.unit.name}` : ""} · total {formatMoney(r.totalAmount, r.currency)}{" "}
                  <ReservationStatusChip status={r.status} /> · <Link to={`/reservations/${r.rowId}/show`}>Open the reservation</Link>
                </Typography>
              )}
            </Box>
            <Box sx={{ textAlign: { md: "right" } }}>
              <Typography variant="caption" color="text.secondary" component="div">
                Balance ({balance.currency})
              </Typography>
              <Typography variant="h4" component="div" data-testid="folio-balance" data-balance={balance.amount}>
                {formatMoney(balance.amount, balance.currency)}
              </Typography>
              {balance.amount === "0" ? (
                <Chip size="small" color="success" label="Settled" />
              ) : BigInt(balance.amount) > 0n ? (
                <Chip size="small" color="warning" label={folio.kind === "company" || folio.company ? "Company owes" : "Guest owes"} />
              ) : (
                <Chip size="small" color="primary" label="Credit: refund due" />
              )}
            </Box>
          </Stack>
          {siblings.length > 1 && (
            <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 1.5, alignItems: "center", flexWrap: "wrap" }} data-testid="stay-folio-links">
              <Typography variant="body2" color="text.secondary">
                Folios of the stay:
              </Typography>
              {(stayFolios.data ?? []).map((f) => (
                <Chip
                  key={f.rowId}
                  size="small"
                  component={Link}
                  to={folioPath(f.rowId)}
                  clickable
                  color={f.rowId === folio.rowId ? "primary" : "default"}
                  label={`${f.label} · ${formatMoney(f.balances.nodes.find((b) => b !== null)?.balance ?? "0", currency)}`}
                />
              ))}
            </Stack>
          )}
          <Box sx={{ mt: 2 }}>
            <FolioActions
              folio={desk}
              siblings={siblings}
              dueIntents={takesCards ? due : []}
              onCard={takesCards ? setCard : undefined}
              cardOnFile={takesCards && folio.isPrimary ? (r?.cardOnFile ?? null) : null}
              timeZone={timeZone}
              size="medium"
            />
          </Box>
          {card && <TakePaymentDialog folio={folio} intent={card} onClose={() => setCard(null)} />}
        </CardContent>
      </Card>
      {folio.reservation && (
        <Card>
          <CardContent>
            <PaymentsSection folio={folio} timeZone={timeZone} />
          </CardContent>
        </Card>
      )}
      <Card>
        <CardContent>
          <LedgerLines folio={folio} desk={desk} timeZone={timeZone} currency={currency} />
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <InvoicesSection folio={folio} timeZone={timeZone} />
        </CardContent>
      </Card>
    </Stack>
  );
}

/** What can still be refunded on an intent: captured, less refunds made or under way (as refund_payment computes it). */
function refundable(intent: FolioIntentNode): bigint {
  const pending = present(intent.refunds.nodes).filter((f) => f.status === "pending").reduce((sum, f) => sum + BigInt(f.amount), 0n);
  return BigInt(intent.amountCaptured) - BigInt(intent.amountRefunded) - pending;
}

function PaymentsSection({ folio, timeZone }: { folio: FolioDetailNode; timeZone: string | undefined }) {
  const record = { propertyId: folio.propertyId };
  const canPay = useCanAccess({ resource: "accounting", action: "pay", record }).canAccess;
  const canRefund = useCanAccess({ resource: "accounting", action: "refund", record }).canAccess;
  const [paying, setPaying] = useState<FolioIntentNode | null>(null);
  const [refunding, setRefunding] = useState<FolioIntentNode | null>(null);
  const intents = present(folio.reservation?.paymentIntents.nodes);
  const takesPayments = folio.reservation && ["confirmed", "checked_in", "checked_out"].includes(folio.reservation.status);
  return (
    <>
      <SectionHeading title="Payments" subtitle="Deposits and balances due, the card payments made for them, and refunds." />
      {intents.length === 0 ? (
        <Typography variant="body2">No payments are scheduled for this reservation.</Typography>
      ) : (
        <ScrollBox label="Payments of the folio">
          <Table size="small" aria-label="Payments of the folio" data-testid="folio-payments">
            <TableHead>
              <TableRow>
                <TableCell>Payment</TableCell>
                <TableCell>Status</TableCell>
                <TableCell align="right">Amount</TableCell>
                <TableCell align="right" sx={phoneHidden}>Captured</TableCell>
                <TableCell align="right" sx={phoneHidden}>Refunded</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {intents.map((intent) => (
                <TableRow key={intent.rowId} data-intent={intent.rowId} data-status={intent.status}>
                  <TableCell>
                    {humanize(intent.kind)}
                    <Typography variant="caption" component="div" color="text.secondary" sx={{ whiteSpace: "nowrap" }}>
                      due {formatTimestamp(intent.dueAt, timeZone)}
                    </Typography>
                    {present(intent.attempts.nodes).map((a) => (
                      <Typography key={a.rowId} variant="caption" component="div" color={a.status === "failed" ? "error" : "text.secondary"}>
                        Card payment {formatTimestamp(a.createdAt, timeZone)}: {humanize(a.status)}
                        {a.failureMessage ? ` — ${a.failureMessage}` : ""}
                      </Typography>
                    ))}
                    {present(intent.refunds.nodes).map((f) => (
                      <Typography key={f.rowId} variant="caption" component="div" color={f.status === "failed" ? "error" : "text.secondary"}>
                        Refund {formatMoney(f.amount, f.currency)}: {humanize(f.status)}
                        {f.reason ? ` (${f.reason})` : ""}
                        {f.failureMessage ? ` — ${f.failureMessage}` : ""}
                      </Typography>
                    ))}
                  </TableCell>
                  <TableCell>
                    <StateChip status={intent.status} />
                  </TableCell>
                  <MoneyCell amount={intent.amount} currency={intent.currency} />
                  <MoneyCell amount={intent.amountCaptured} currency={intent.currency} hideOnPhone />
                  <MoneyCell amount={intent.amountRefunded} currency={intent.currency} hideOnPhone />
                  <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                    {canPay && takesPayments && (intent.status === "requires_payment" || intent.status === "failed") && (
                      <Button size="small" variant="contained" startIcon={<CreditCardIcon />} onClick={() => setPaying(intent)} data-action="take-payment">
                        Take payment
                      </Button>
                    )}
                    {canRefund && refundable(intent) > 0n && (
                      <Button size="small" startIcon={<UndoIcon />} onClick={() => setRefunding(intent)} data-action="refund">
                        Refund
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollBox>
      )}
      {paying && <TakePaymentDialog folio={folio} intent={paying} onClose={() => setPaying(null)} />}
      {refunding && <RefundDialog folio={folio} intent={refunding} onClose={() => setRefunding(null)} />}
    </>
  );
}

const currentYear = new Date().getUTCFullYear();

/**
 * A card payment at the desk: the card goes to the payment provider's card
 * form (never to Keepr), which answers with a token; `pay` starts the
 * payment with it, and the worker has the provider capture it.
 */
export function TakePaymentDialog({ folio, intent, onClose }: {
  folio: { rowId: string; reservation: { confirmationCode: string | null; guest: { fullName: string } | null } | null };
  intent: Pick<FolioIntentNode, "rowId" | "kind" | "amount" | "currency">;
  onClose: () => void;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [number, setNumber] = useState("");
  const [expiry, setExpiry] = useState("");
  const [cvc, setCvc] = useState("");
  const digits = number.replace(/[\s-]/g, "");
  const expiryMatch = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(expiry.trim());
  const expMonth = expiryMatch ? Number(expiryMatch[1]) : NaN;
  const expYear = expiryMatch ? (expiryMatch[2]!.length === 2 ? 2000 + Number(expiryMatch[2]) : Number(expiryMatch[2])) : NaN;
  const invalid = !/^\d{12,19}$/.test(digits)
    ? "Type the card number."
    : !(expMonth >= 1 && expMonth <= 12 && expYear >= currentYear)
      ? "Type the expiry as MM/YY."
      : !/^\d{3,4}$/.test(cvc.trim())
        ? "Type the security code."
        : null;
  // What identifies this action (not the card number itself).
  const input = { intentId: intent.rowId, last4: digits.slice(-4), expMonth, expYear };
  return (
    <ActionDialog
      title={`Take a card payment · ${folio.reservation?.confirmationCode ?? ""}`}
      confirmLabel={`Charge ${formatMoney(intent.amount, intent.currency)}`}
      input={input}
      invalid={invalid}
      testId="take-payment"
      errorTitle="The payment was not taken"
      onSubmit={async (_input, idempotencyKey) => {
        const paymentToken = await dataProvider.cardToken({ number: digits, expMonth, expYear, cvc: cvc.trim() });
        await dataProvider.pay({ intentId: intent.rowId, paymentToken, idempotencyKey });
        notify("Payment started: it is captured in a moment and the folio updates by itself.", { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "folio", folio.rowId] });
        await queryClient.invalidateQueries({ queryKey: ["desk"] });
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        {humanize(intent.kind)} of {formatMoney(intent.amount, intent.currency)} for {folio.reservation?.guest?.fullName ?? "the guest"}. The card goes straight
        to the payment provider; Keepr keeps only its token, which stays on file for the reservation's later payments.
      </Typography>
      <TextField
        label="Card number"
        value={number}
        onChange={(e) => setNumber(e.target.value)}
        autoComplete="cc-number"
        slotProps={{ htmlInput: { inputMode: "numeric" } }}
        size="small"
        autoFocus
        required
      />
      <Stack direction="row" spacing={2}>
        <TextField label="Expiry (MM/YY)" value={expiry} onChange={(e) => setExpiry(e.target.value)} autoComplete="cc-exp" size="small" required />
        <TextField
          label="Security code"
          value={cvc}
          onChange={(e) => setCvc(e.target.value)}
          autoComplete="cc-csc"
          slotProps={{ htmlInput: { inputMode: "numeric" } }}
          size="small"
          required
        />
      </Stack>
    </ActionDialog>
  );
}

function RefundDialog({ folio, intent, onClose }: { folio: FolioDetailNode; intent: FolioIntentNode; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const max = refundable(intent);
  const [amount, setAmount] = useState(moneyInputValue(max.toString(), intent.currency));
  const [reason, setReason] = useState("");
  const minor = parseMoney(amount, intent.currency);
  const invalid = minor === null || BigInt(minor) <= 0n
    ? "Type an amount."
    : BigInt(minor) > max
      ? `At most ${formatMoney(max.toString(), intent.currency)} can be refunded.`
      : null;
  return (
    <ActionDialog
      title={`Refund · ${folio.reservation?.confirmationCode ?? ""}`}
      confirmLabel="Refund"
      input={{ intentId: intent.rowId, amount: minor, reason: reason.trim() || null }}
      invalid={invalid}
      testId="refund"
      onSubmit={async (input, idempotencyKey) => {
        await dataProvider.refundPayment({ intentId: input.intentId, amount: input.amount!, reason: input.reason, idempotencyKey });
        notify("Refund started: the folio is credited now, the provider pays it back in a moment.", { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "folio", folio.rowId] });
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Captured {formatMoney(intent.amountCaptured, intent.currency)}, refunded {formatMoney(intent.amountRefunded, intent.currency)}; up to{" "}
        {formatMoney(max.toString(), intent.currency)} can be refunded to the card.
      </Typography>
      <MoneyField label="Amount" value={amount} onChange={setAmount} currency={intent.currency} required autoFocus />
      <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} size="small" slotProps={{ htmlInput: { maxLength: 500 } }} />
    </ActionDialog>
  );
}

function InvoicesSection({ folio, timeZone }: { folio: FolioDetailNode; timeZone: string | undefined }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const record = { propertyId: folio.propertyId };
  const canInvoice = useCanAccess({ resource: "accounting", action: "invoice", record }).canAccess;
  const canCredit = useCanAccess({ resource: "accounting", action: "credit_note", record }).canAccess;
  const [issuing, setIssuing] = useState(false);
  const [crediting, setCrediting] = useState<InvoiceRef | null>(null);
  const [viewing, setViewing] = useState<InvoiceRef | null>(null);
  const documents = present(folio.invoices.nodes);
  return (
    <>
      <SectionHeading
        title="Invoices and credit notes"
        actions={
          canInvoice && (
            <Button size="small" variant="outlined" startIcon={<ReceiptLongIcon />} onClick={() => setIssuing(true)} data-action="issue-invoice">
              Issue invoice
            </Button>
          )
        }
      />
      <BillToPanel folioId={folio.rowId} propertyId={folio.propertyId} />
      {documents.length === 0 ? (
        <Typography variant="body2">Nothing invoiced yet.</Typography>
      ) : (
        <ScrollBox label="Invoices of the folio">
          <Table size="small" aria-label="Invoices of the folio">
            <TableHead>
              <TableRow>
                <TableCell>Document</TableCell>
                <TableCell>Issued</TableCell>
                <TableCell align="right">Total</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {documents.map((d) => (
                <TableRow key={d.rowId} data-document={d.documentNumber}>
                  <TableCell>
                    {d.documentNumber}
                    <Typography variant="caption" component="div" color="text.secondary">
                      {d.kind === "credit_note" ? `Credits ${d.creditedInvoice?.documentNumber ?? "an invoice"}${d.reason ? `: ${d.reason}` : ""}` : d.creditNote ? `Credited by ${d.creditNote.documentNumber}` : "Invoice"}
                    </Typography>
                  </TableCell>
                  <TableCell>{formatTimestamp(d.issuedAt, timeZone)}</TableCell>
                  <MoneyCell amount={d.totalAmount} currency={d.currency} />
                  <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                    <Button size="small" onClick={() => setViewing(d)} data-action="view-invoice">
                      View
                    </Button>
                    {canCredit && d.kind === "invoice" && !d.creditNote && (
                      <Button size="small" color="warning" onClick={() => setCrediting(d)} data-action="credit-note">
                        Credit
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollBox>
      )}
      {issuing && (
        <ActionDialog
          title="Issue an invoice"
          confirmLabel="Issue invoice"
          input={{ folioId: folio.rowId }}
          testId="issue-invoice"
          onSubmit={async (input, idempotencyKey) => {
            const invoice = await dataProvider.issueInvoice({ folioId: input.folioId, idempotencyKey });
            notify(`Invoice ${invoice.documentNumber} issued.`, { type: "success" });
            await queryClient.invalidateQueries({ queryKey: ["backoffice", "folio", folio.rowId] });
          }}
          onClose={() => setIssuing(false)}
        >
          <Typography variant="body2">
            Invoices what this folio was charged and not yet invoiced — a line per night with its VAT, fees, city tax, extras — with the payments received and
            the amount due, to the bill-to above. An issued invoice cannot be changed: a credit note cancels it.
          </Typography>
        </ActionDialog>
      )}
      {crediting && <CreditNoteDialog folioId={folio.rowId} invoice={crediting} onClose={() => setCrediting(null)} />}
      {viewing && (
        <InvoiceViewer invoiceId={viewing.rowId} documentNumber={viewing.documentNumber} propertyId={folio.propertyId} timeZone={timeZone} onClose={() => setViewing(null)} />
      )}
    </>
  );
}

export function CreditNoteDialog({ folioId, invoice, onClose }: { folioId: string; invoice: InvoiceRef; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [reason, setReason] = useState("");
  return (
    <ActionDialog
      title={`Credit ${invoice.documentNumber}`}
      confirmLabel="Issue credit note"
      input={{ invoiceId: invoice.rowId, reason: reason.trim() }}
      invalid={reason.trim() ? null : "Give the reason for the credit note."}
      testId="credit-note"
      danger
      onSubmit={async (input, idempotencyKey) => {
        const note = await dataProvider.issueCreditNote({ invoiceId: input.invoiceId, reason: input.reason, idempotencyKey });
        notify(`Credit note ${note.documentNumber} issued.`, { type: "success" });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "folio", folioId] });
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "invoices"] });
      }}
      onClose={onClose}
    >
      <Typography variant="body2">
        Credits the whole invoice ({formatMoney(invoice.totalAmount, invoice.currency)}), once. A new invoice can then cover the current charges.
      </Typography>
      <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} size="small" required autoFocus slotProps={{ htmlInput: { maxLength: 500 } }} />
    </ActionDialog>
  );
}

/** Entries the desk posted that a correction may reverse (extras, allowances), once each. */
const correctableCauses = new Set(["folio_charge", "folio_allowance"]);

function LedgerLines({ folio, desk, timeZone, currency }: { folio: FolioDetailNode; desk: DeskFolio; timeZone: string | undefined; currency: string }) {
  const canCorrect = useCanAccess({ resource: "folios", action: "correct", record: { propertyId: folio.propertyId } }).canAccess === true;
  const [correcting, setCorrecting] = useState<CorrectableEntry | null>(null);
  const postings = present(folio.postings.nodes);
  const reversed = new Set(postings.map((p) => p.entry?.reversesEntryId).filter((id): id is string => typeof id === "string"));
  const correctable = (p: FolioPostingNode) =>
    canCorrect && folio.status === "open" && p.entry !== null && p.entry.reversesEntryId === null && !reversed.has(p.entry.rowId) && correctableCauses.has(p.entry.causeType);
  let running = 0n;
  const rows = postings.map((p) => {
    running += BigInt(p.amount);
    return { posting: p, balance: running.toString() };
  });
  return (
    <>
      <SectionHeading
        title="Ledger lines"
        subtitle={`Every posting to this folio (${folio.kind === "company" ? "the company's city ledger" : "guest receivable"}): charges are positive, payments negative.`}
      />
      {rows.length === 0 ? (
        <Alert severity="info">Nothing posted yet: charges post when the booking is confirmed.</Alert>
      ) : (
        <ScrollBox label="Ledger lines of the folio">
          <Table size="small" aria-label="Ledger lines of the folio" data-testid="folio-lines">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Entry</TableCell>
                <TableCell sx={phoneHidden}>Cause</TableCell>
                <TableCell align="right">Charge (+) / credit (−)</TableCell>
                <TableCell align="right" sx={phoneHidden}>Balance</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(({ posting, balance }) => (
                <TableRow key={posting.rowId}>
                  <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(posting.entry?.occurredAt, timeZone)}</TableCell>
                  <TableCell>{posting.entry?.description ?? "—"}</TableCell>
                  <TableCell sx={phoneHidden}>{posting.entry ? humanize(posting.entry.causeType) : "—"}</TableCell>
                  <MoneyCell amount={posting.amount} currency={posting.currency} />
                  <MoneyCell amount={balance} currency={posting.currency || currency} muted hideOnPhone />
                  <TableCell align="right">
                    {correctable(posting) && (
                      <Button
                        size="small"
                        color="warning"
                        data-action="correct"
                        onClick={() => setCorrecting({ entryId: posting.entry!.rowId, description: posting.entry!.description, amount: posting.amount, currency: posting.currency })}
                      >
                        Correct
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollBox>
      )}
      {correcting && <CorrectEntryDialog folio={desk} entry={correcting} onClose={() => setCorrecting(null)} />}
    </>
  );
}
