// The check-out dialog's settlement: the stay's open balance per folio, and
// the desk's ways to settle it before checking out (take a payment, refund a
// credit, transfer the balance to a company's city ledger). The API refuses
// a check-out while a folio of the stay is not at zero (FOLIO_UNSETTLED).
import Alert from "@mui/material/Alert";
import Stack from "@mui/material/Stack";
import { useEffect } from "react";
import { formatMoney } from "../../ui/format.ts";
import { useMembershipAt } from "../../platform/useCurrentProperty.ts";
import { StayFolios, useStayFolios, type StayRef } from "./StayFolios.tsx";

export function CheckOutSettlement({ record, onSettled }: {
  record: StayRef;
  /** Called once every folio is at zero (e.g. to clear an earlier FOLIO_UNSETTLED refusal). */
  onSettled?: () => void;
}) {
  const timeZone = useMembershipAt(record.propertyId)?.timeZone;
  const folios = useStayFolios(record);
  // Per folio: a debt on one and a credit on another do not settle each other.
  const open = (folios.data ?? []).flatMap((f) =>
    f.balances.nodes.filter((b) => b !== null && b.balance !== "0").map((b) => ({ label: f.label, currency: b!.currency, balance: BigInt(b!.balance) })),
  );
  const settled = folios.isSuccess && open.length === 0;
  useEffect(() => {
    if (settled) onSettled?.();
  }, [settled, onSettled]);
  return (
    <Stack spacing={1.5} data-testid="check-out-settlement" data-settled={folios.isSuccess ? String(open.length === 0) : undefined}>
      {folios.isSuccess &&
        (open.length === 0 ? (
          <Alert severity="success">The folio is settled: nothing is owed.</Alert>
        ) : (
          <Alert severity="warning">
            {open.map((b) => `${b.label}: ${b.balance > 0n ? `${formatMoney(b.balance, b.currency)} owed` : `${formatMoney(-b.balance, b.currency)} in credit`}`).join("; ")}.
            Settle before checking out: take the payment, refund the credit, or transfer the balance to a company's account.
          </Alert>
        ))}
      <StayFolios stay={record} timeZone={timeZone} compact />
    </Stack>
  );
}
