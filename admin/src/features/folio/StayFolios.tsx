// The folios of a stay where the desk works: on the reservation page (its
// Folio tab) and in the check-out dialog. Each folio with its balance and
// state (Settled / Guest owes / Credit), a link to the full folio page and
// the desk's actions (FolioActions). Stays current by itself (live).
import { useQuery } from "@tanstack/react-query";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import LinearProgress from "@mui/material/LinearProgress";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import OpenInNewIcon from "@mui/icons-material/OpenInNew";
import { useState } from "react";
import { useDataProvider } from "react-admin";
import { Link } from "react-router-dom";
import { folioPath } from "../accounting/paths.ts";
import { TakePaymentDialog } from "../accounting/FolioPage.tsx";
import { QueryError } from "../../ui/Section.tsx";
import { formatMoney, humanize } from "../../ui/format.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { StayFolioNode } from "./documents.ts";
import { balanceState, deskFolioOf, dueIntentsOf, FolioActions, type DueIntent } from "./FolioDialogs.tsx";

export interface StayRef {
  id: string;
  propertyId: string;
  confirmationCode: string | null;
  currency: string;
  guest: { fullName: string } | null;
  paymentIntents?: { nodes: Array<DueIntent | null> };
  /** The card on file as people name it ("Visa •• 4242"), when the page loaded it. */
  cardOnFile?: string | null;
}

export const stayFoliosKey = (reservationId: string) => ["desk", "stayFolios", reservationId] as const;

/** The folios of a stay, live. */
export function useStayFolios(stay: StayRef) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const query = useQuery({
    queryKey: stayFoliosKey(stay.id),
    queryFn: ({ signal }) => dataProvider.stayFolios({ reservationId: stay.id }, { signal }),
  });
  useLiveRefresh(["folios", "folio_balances"], [stayFoliosKey(stay.id)], { propertyId: stay.propertyId, enabled: query.isSuccess });
  return query;
}

const titleOf = (stay: StayRef, folio: StayFolioNode) => `${folio.label} · ${stay.confirmationCode ?? ""}`;

export function StayFolios({ stay, timeZone, compact = false, takePayment = false }: {
  stay: StayRef;
  timeZone: string | undefined;
  /** Only unsettled folios and the settling actions: the check-out dialog. */
  compact?: boolean;
  /** Open the payment dialog of the primary folio at once (after a booking by phone). */
  takePayment?: boolean;
}) {
  const folios = useStayFolios(stay);
  const [card, setCard] = useState<DueIntent | null>(null);
  if (folios.isPending) return <LinearProgress />;
  if (folios.isError) return <QueryError error={folios.error} title="Could not load the folios" />;
  const all = folios.data;
  if (all.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No folio yet: it opens when the booking is confirmed.
      </Typography>
    );
  }
  const due = dueIntentsOf(stay.paymentIntents?.nodes ?? []);
  const siblings = all.map((f) => ({
    rowId: f.rowId,
    label: f.label,
    company: f.company?.name ?? null,
    status: f.status,
    currency: f.balances.nodes.find((b) => b !== null)?.currency ?? stay.currency,
  }));
  const shown = compact ? all.filter((f) => f.balances.nodes.some((b) => b !== null && b.balance !== "0")) : all;
  return (
    <Stack spacing={1.5} data-testid="stay-folios">
      {shown.map((f) => {
        const folio = deskFolioOf(f, stay.currency, titleOf(stay, f));
        const state = balanceState(folio.balance, f.company || f.kind === "company" ? "company" : "guest");
        return (
          <Paper key={f.rowId} variant="outlined" sx={{ p: 1.5 }} data-folio={f.rowId} data-label={f.label} data-balance={folio.balance} data-status={f.status}>
            <Stack direction={{ xs: "column", sm: "row" }} spacing={1.5} sx={{ alignItems: { sm: "center" }, justifyContent: "space-between" }}>
              <Box sx={{ minWidth: 0 }}>
                <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
                  <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
                    {f.label}
                  </Typography>
                  {f.company && <Chip size="small" variant="outlined" label={`Billed to ${f.company.name}`} />}
                  <Chip size="small" variant="outlined" label={humanize(f.status)} color={f.status === "open" ? "primary" : "default"} />
                </Stack>
                <Stack direction="row" spacing={1} sx={{ alignItems: "center", mt: 0.5 }}>
                  <Typography variant="h6" component="div" data-testid="stay-folio-balance">
                    {formatMoney(folio.balance, folio.currency)}
                  </Typography>
                  <Chip size="small" color={state.color} label={state.label} />
                </Stack>
              </Box>
              {!compact && (
                <Button component={Link} to={folioPath(f.rowId)} size="small" endIcon={<OpenInNewIcon />} sx={{ alignSelf: { xs: "flex-start", sm: "center" } }}>
                  Open folio
                </Button>
              )}
            </Stack>
            <Box sx={{ mt: 1 }}>
              <FolioActions
                folio={folio}
                siblings={siblings}
                dueIntents={f.isPrimary ? due : []}
                onCard={f.isPrimary ? setCard : undefined}
                cardOnFile={f.isPrimary ? (stay.cardOnFile ?? null) : null}
                timeZone={timeZone}
                compact={compact}
                autoPay={takePayment && f.isPrimary}
              />
            </Box>
          </Paper>
        );
      })}
      {card && (
        <TakePaymentDialog
          folio={{ rowId: all.find((f) => f.isPrimary)?.rowId ?? all[0]!.rowId, reservation: { confirmationCode: stay.confirmationCode, guest: stay.guest } }}
          intent={card}
          onClose={() => setCard(null)}
        />
      )}
    </Stack>
  );
}
