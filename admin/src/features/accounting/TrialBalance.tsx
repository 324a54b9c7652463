// The trial balance: every account of the chart with its balance per
// currency in the debit or credit column, and per currency the totals,
// which are equal (the difference is zero) because every entry balances.
// The summary above the table shows the same totals as the table's footer
// (the sums of the balances); the server's difference says whether the
// ledger balances. (It used to show the sum of every debit posting ever
// made, the turnover, which no column of the table adds up to.)
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import AlertTitle from "@mui/material/AlertTitle";
import Chip from "@mui/material/Chip";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableFooter from "@mui/material/TableFooter";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import { useDataProvider } from "react-admin";
import { formatMoney, humanize } from "../../ui/format.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { AccountKind } from "./documents.ts";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";

const kindOrder: AccountKind[] = ["asset", "liability", "equity", "revenue", "expense"];

export function TrialBalanceTab({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const propertyId = membership.propertyId;
  const query = useQuery({
    queryKey: ["backoffice", "trialBalance", propertyId],
    queryFn: ({ signal }) => dataProvider.trialBalance({ propertyId }, { signal }),
  });
  useLiveRefresh(["folio_balances", "payment_attempts", "refunds"], [["backoffice", "trialBalance"]]);
  if (query.isError) return <QueryError error={query.error} title="Could not load the trial balance" />;
  if (!query.data) return null;
  const { accounts, balances, totals } = query.data;
  // Accounts without postings show too (zero), in their chart order.
  const rows = accounts
    .flatMap((account) => {
      const own = balances.filter((b) => b.accountId === account.rowId);
      return own.length > 0 ? own.map((b) => ({ account, currency: b.currency, balance: BigInt(b.balance) })) : [{ account, currency: membership.currency, balance: 0n }];
    })
    .sort((a, b) => kindOrder.indexOf(a.account.kind) - kindOrder.indexOf(b.account.kind) || a.account.code.localeCompare(b.account.code) || a.currency.localeCompare(b.currency));
  const balanced = totals.every((t) => t.difference === "0");
  // The columns' sums per currency: equal when the ledger balances.
  const columnTotals = [...new Set(rows.map((r) => r.currency))].sort().map((currency) => {
    const own = rows.filter((r) => r.currency === currency);
    return {
      currency,
      debit: own.reduce((sum, r) => (r.balance > 0n ? sum + r.balance : sum), 0n),
      credit: own.reduce((sum, r) => (r.balance < 0n ? sum - r.balance : sum), 0n),
      difference: totals.find((t) => t.currency === currency)?.difference ?? "0",
    };
  });
  const posted = columnTotals.filter((t) => totals.some((x) => x.currency === t.currency));
  return (
    <>
      <SectionHeading title="Trial balance" subtitle="Each account's balance from every posting so far: debits equal credits in every currency." />
      <Stack spacing={1} sx={{ mb: 2 }} data-testid="trial-balance-totals">
        {totals.length === 0 && <Alert severity="info">Nothing has been posted yet: the trial balance is empty (and zero).</Alert>}
        {posted.map((t) => (
          <Alert key={t.currency} severity={t.difference === "0" ? "success" : "error"} data-currency={t.currency} data-difference={t.difference}>
            <AlertTitle>
              {t.currency}: {t.difference === "0" ? "balanced" : "out of balance"}
            </AlertTitle>
            Debit balances <strong data-testid={`trial-balance-debit-${t.currency}`}>{formatMoney(t.debit.toString(), t.currency)}</strong> · credit balances{" "}
            <strong data-testid={`trial-balance-credit-${t.currency}`}>{formatMoney(t.credit.toString(), t.currency)}</strong> · difference{" "}
            <strong data-testid={`trial-balance-difference-${t.currency}`}>{formatMoney(t.difference, t.currency)}</strong>
          </Alert>
        ))}
      </Stack>
      <Table size="small" aria-label="Trial balance" data-testid="trial-balance" data-balanced={balanced}>
        <TableHead>
          <TableRow>
            <TableCell>Code</TableCell>
            <TableCell>Account</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell align="right">Debit</TableCell>
            <TableCell align="right">Credit</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(({ account, currency, balance }) => (
            <TableRow key={`${account.rowId}:${currency}`}>
              <TableCell sx={{ fontFamily: "monospace" }}>{account.code}</TableCell>
              <TableCell>
                {account.name}
                {account.purpose === null && <Chip size="small" variant="outlined" label="custom" sx={{ ml: 1 }} />}
              </TableCell>
              <TableCell>{humanize(account.kind)}</TableCell>
              <MoneyCell amount={balance > 0n ? balance.toString() : balance === 0n ? "0" : null} currency={currency} muted={balance === 0n} />
              <MoneyCell amount={balance < 0n ? (-balance).toString() : null} currency={currency} />
            </TableRow>
          ))}
        </TableBody>
        <TableFooter>
          {columnTotals.map((t) => (
            <TableRow key={t.currency} data-testid={`trial-balance-columns-${t.currency}`}>
              <TableCell colSpan={3}>
                <strong>Total ({t.currency})</strong>
              </TableCell>
              <MoneyCell amount={t.debit.toString()} currency={t.currency} strong />
              <MoneyCell amount={t.credit.toString()} currency={t.currency} strong />
            </TableRow>
          ))}
        </TableFooter>
      </Table>
    </>
  );
}
