// The journal: entries dated in a range of the property's calendar, newest
// first, each with its postings (account, debit, credit), optionally only
// those touching one account. Every entry balances; the screen shows it.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Box from "@mui/material/Box";
import Chip from "@mui/material/Chip";
import FormControl from "@mui/material/FormControl";
import InputLabel from "@mui/material/InputLabel";
import MenuItem from "@mui/material/MenuItem";
import Select from "@mui/material/Select";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { Fragment, useState } from "react";
import { useDataProvider } from "react-admin";
import { formatMoney, formatTimestamp, humanize, todayIn } from "../../ui/format.ts";
import { addDays } from "../../ui/dates.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { JournalEntryNode } from "./documents.ts";
import { DateRangePicker, type DateRange } from "../../ui/DateRangePicker.tsx";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { Pager, usePage } from "../../ui/Pager.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { present } from "../../platform/results.ts";
import { ListTable } from "../../ui/ListTable.tsx";

/** Debits and credits of an entry per currency (they are equal: entries balance). */
function totals(entry: JournalEntryNode): Array<{ currency: string; debits: bigint; credits: bigint }> {
  const byCurrency = new Map<string, { currency: string; debits: bigint; credits: bigint }>();
  for (const p of present(entry.postings.nodes)) {
    const t = byCurrency.get(p.currency) ?? { currency: p.currency, debits: 0n, credits: 0n };
    const amount = BigInt(p.amount);
    if (amount > 0n) t.debits += amount;
    else t.credits -= amount;
    byCurrency.set(p.currency, t);
  }
  return [...byCurrency.values()];
}

export function JournalTab({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const today = todayIn(membership.timeZone);
  const [range, setRange] = useState<DateRange>({ from: addDays(today, -30), to: today });
  const [accountId, setAccountId] = useState<string>("");
  const [page, setPage] = usePage();
  const propertyId = membership.propertyId;
  const accounts = useQuery({
    queryKey: ["backoffice", "trialBalance", propertyId],
    queryFn: ({ signal }) => dataProvider.trialBalance({ propertyId }, { signal }),
  });
  const query = useQuery({
    queryKey: ["backoffice", "journal", propertyId, range, accountId, page],
    queryFn: ({ signal }) =>
      dataProvider.journal({ propertyId, fromDate: range.from, toDate: range.to, accountId: accountId || null, ...page }, { signal }),
    placeholderData: keepPreviousData,
  });
  // Entries are written with postings to folios and payments: their changes bring new entries.
  useLiveRefresh(["folio_balances", "payment_attempts", "refunds"], [["backoffice", "journal"], ["backoffice", "trialBalance"]]);
  return (
    <>
      <SectionHeading
        title="Journal"
        subtitle={`Balanced, append-only entries dated in the property's calendar (${membership.timeZone}); debits positive, credits negative.`}
        actions={
          <FormControl size="small" fullWidth={false} sx={{ width: 280 }}>
            <InputLabel id="journal-account-label">Account</InputLabel>
            <Select labelId="journal-account-label" label="Account" value={accountId} onChange={(e) => {
              setAccountId(e.target.value);
              setPage({ ...page, page: 1 });
            }}>
              <MenuItem value="">All accounts</MenuItem>
              {(accounts.data?.accounts ?? []).map((a) => (
                <MenuItem key={a.rowId} value={a.rowId}>
                  {a.code} · {a.name}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        }
      />
      <Box sx={{ mb: 2 }}>
        <DateRangePicker
          idPrefix="journal"
          value={range}
          onChange={(next) => {
            setRange(next);
            setPage({ ...page, page: 1 });
          }}
          presets={[
            { label: "Today", range: { from: today, to: today } },
            { label: "Last 7 days", range: { from: addDays(today, -6), to: today } },
            { label: "Last 30 days", range: { from: addDays(today, -30), to: today } },
            { label: "This month", range: { from: `${today.slice(0, 8)}01`, to: today } },
          ]}
        />
      </Box>
      {query.isError && <QueryError error={query.error} title="Could not load the journal" />}
      <ListTable
        label="Journal entries"
        testId="journal"
        columns={[{ label: "When" }, { label: "Account" }, { label: "Debit", align: "right" }, { label: "Credit", align: "right" }]}
        rows={query.data?.data}
        empty="No entries in this range."
      >
        {(entry) => (
          <Fragment key={entry.rowId}>
            <TableRow sx={{ "& td": { borderBottom: 0, pt: 1.5 } }} data-entry={entry.rowId}>
              <TableCell sx={{ whiteSpace: "nowrap", verticalAlign: "top" }}>{formatTimestamp(entry.occurredAt, membership.timeZone)}</TableCell>
              <TableCell colSpan={3}>
                <strong>{entry.description}</strong> <Chip size="small" variant="outlined" label={humanize(entry.causeType)} />
                {entry.reversesEntryId && <Chip size="small" color="warning" variant="outlined" label="Reversal" sx={{ ml: 0.5 }} />}
                {entry.userByCreatedBy && (
                  <Typography variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                    by {entry.userByCreatedBy.displayName}
                  </Typography>
                )}
              </TableCell>
            </TableRow>
            {present(entry.postings.nodes).map((p) => {
              const amount = BigInt(p.amount);
              return (
                <TableRow key={p.rowId} sx={{ "& td": { borderBottom: 0, py: 0.25 } }}>
                  <TableCell />
                  <TableCell sx={{ pl: amount < 0n ? 5 : 2 }}>
                    {p.account ? `${p.account.code} · ${p.account.name}` : "—"}
                    {p.folioId && (
                      <Typography variant="caption" color="text.secondary">
                        {" "}
                        (folio)
                      </Typography>
                    )}
                  </TableCell>
                  <MoneyCell amount={amount > 0n ? p.amount : null} currency={p.currency} />
                  <MoneyCell amount={amount < 0n ? (-amount).toString() : null} currency={p.currency} />
                </TableRow>
              );
            })}
            <TableRow>
              <TableCell />
              <TableCell>
                <Typography variant="caption" color="text.secondary">
                  Total
                </Typography>
              </TableCell>
              {totals(entry).map((t) => (
                <Fragment key={t.currency}>
                  <TableCell align="right">
                    <Typography variant="caption" color="text.secondary">
                      {formatMoney(t.debits.toString(), t.currency)}
                    </Typography>
                  </TableCell>
                  <TableCell align="right">
                    <Typography variant="caption" color="text.secondary">
                      {formatMoney(t.credits.toString(), t.currency)}
                    </Typography>
                  </TableCell>
                </Fragment>
              ))}
            </TableRow>
          </Fragment>
        )}
      </ListTable>
      <Pager total={query.data?.total ?? 0} page={page} onChange={setPage} label="Entries" />
    </>
  );
}
