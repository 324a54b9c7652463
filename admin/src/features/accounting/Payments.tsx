// Card payments and refunds of the property, newest first, with their
// state at the provider and the booking they belong to (the folio, where a
// payment is taken or refunded).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Box from "@mui/material/Box";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import { useDataProvider } from "react-admin";
import { Link } from "react-router-dom";
import { StateChip } from "../../ui/StatusChip.tsx";
import { formatTimestamp, humanize } from "../../ui/format.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { PaymentReservationRef } from "./documents.ts";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { Pager, usePage } from "../../ui/Pager.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { folioPath } from "./paths.ts";
import { ListTable } from "../../ui/ListTable.tsx";

function Booking({ folioId, reservation }: { folioId: string | undefined; reservation: PaymentReservationRef | null | undefined }) {
  if (!reservation || !folioId) return <>—</>;
  return (
    <>
      <Link to={folioPath(folioId)}>{reservation.confirmationCode ?? "Folio"}</Link>
      <Typography variant="caption" component="div" color="text.secondary">
        {reservation.guest?.fullName ?? ""}
      </Typography>
    </>
  );
}

export function PaymentsTab({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const propertyId = membership.propertyId;
  const [attemptsPage, setAttemptsPage] = usePage();
  const [refundsPage, setRefundsPage] = usePage(10);
  const query = useQuery({
    queryKey: ["backoffice", "payments", propertyId, attemptsPage, refundsPage],
    queryFn: ({ signal }) => dataProvider.payments({ propertyId, attempts: attemptsPage, refunds: refundsPage }, { signal }),
    placeholderData: keepPreviousData,
  });
  useLiveRefresh(["payment_attempts", "refunds"], [["backoffice", "payments"]]);
  const tz = membership.timeZone;
  return (
    <>
      <SectionHeading title="Card payments" subtitle="Each attempt to charge a card: authorized and captured by the provider, or failed with its reason." />
      {query.isError && <QueryError error={query.error} title="Could not load the payments" />}
      <ListTable
        label="Card payments"
        testId="payments"
        columns={[{ label: "Started" }, { label: "Booking" }, { label: "For" }, { label: "Status" }, { label: "Captured" }, { label: "Amount", align: "right" }]}
        rows={query.data?.attempts.data}
        empty="No card payments yet."
      >
        {(a) => (
          <TableRow key={a.rowId} data-attempt={a.rowId} data-status={a.status}>
            <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(a.createdAt, tz)}</TableCell>
            <TableCell>
              <Booking folioId={a.intent?.folioId} reservation={a.intent?.reservation} />
            </TableCell>
            <TableCell>{a.intent ? humanize(a.intent.kind) : "—"}</TableCell>
            <TableCell>
              <StateChip status={a.status} />
              {a.failureMessage && (
                <Typography variant="caption" component="div" color="error">
                  {a.failureMessage} ({a.failureCode})
                </Typography>
              )}
            </TableCell>
            <TableCell sx={{ whiteSpace: "nowrap" }}>{a.capturedAt ? formatTimestamp(a.capturedAt, tz) : "—"}</TableCell>
            <MoneyCell amount={a.amount} currency={a.currency} />
          </TableRow>
        )}
      </ListTable>
      <Pager total={query.data?.attempts.total ?? 0} page={attemptsPage} onChange={setAttemptsPage} label="Payments" />
      <Box sx={{ mt: 3 }}>
        <SectionHeading title="Refunds" subtitle="Requested by staff, or made by Keepr for a cancellation or an overpayment; paid back by the provider." />
        <ListTable
          label="Refunds"
          testId="refunds"
          columns={[{ label: "Requested" }, { label: "Booking" }, { label: "Reason" }, { label: "Status" }, { label: "Paid back" }, { label: "Amount", align: "right" }]}
          rows={query.data?.refunds.data}
          empty="No refunds yet."
        >
          {(f) => (
            <TableRow key={f.rowId} data-refund={f.rowId}>
              <TableCell sx={{ whiteSpace: "nowrap" }}>
                {formatTimestamp(f.createdAt, tz)}
                <Typography variant="caption" component="div" color="text.secondary">
                  {f.userByCreatedBy ? `by ${f.userByCreatedBy.displayName}` : "by Keepr"}
                </Typography>
              </TableCell>
              <TableCell>
                <Booking folioId={f.intent?.folioId} reservation={f.intent?.reservation} />
              </TableCell>
              <TableCell>{f.reason ?? "—"}</TableCell>
              <TableCell>
                <StateChip status={f.status} />
                {f.failureMessage && (
                  <Typography variant="caption" component="div" color="error">
                    {f.failureMessage}
                  </Typography>
                )}
              </TableCell>
              <TableCell sx={{ whiteSpace: "nowrap" }}>{f.refundedAt ? formatTimestamp(f.refundedAt, tz) : "—"}</TableCell>
              <MoneyCell amount={f.amount} currency={f.currency} />
            </TableRow>
          )}
        </ListTable>
        <Pager total={query.data?.refunds.total ?? 0} page={refundsPage} onChange={setRefundsPage} label="Refunds" />
      </Box>
    </>
  );
}
