// A stay's unit on its reservation page: whether it is pinned (the
// allocator never moves a pinned stay to make room for another booking),
// the front office's button to pin or unpin it (pinReservationUnit), and
// the allocator's moves of the stay: the latest beside the unit, all of
// them in the History tab (AllocationMovesTable).
import { useQueryClient } from "@tanstack/react-query";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import CircularProgress from "@mui/material/CircularProgress";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import PushPinIcon from "@mui/icons-material/PushPin";
import PushPinOutlinedIcon from "@mui/icons-material/PushPinOutlined";
import SwapHorizIcon from "@mui/icons-material/SwapHoriz";
import { useRef, useState } from "react";
import { Link, useCanAccess, useDataProvider, useNotify } from "react-admin";
import { formatTimestamp } from "../../ui/format.ts";
import { useMembershipAt } from "../../platform/useCurrentProperty.ts";
import type { KeeprDataProvider, ReservationDetail } from "../../platform/dataProvider.ts";
import type { ReservationMoveNode } from "../../platform/documents.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { formatShortDate } from "../../ui/dates.ts";

/** The allocator's moves of the stay, oldest first (none for staff outside the front office). */
export function allocationMovesOf(record: ReservationDetail): ReservationMoveNode[] {
  return (record.allocationMoves?.nodes ?? []).filter((m): m is ReservationMoveNode => m !== null);
}

/** "ABC123 (Grace Hopper)": the booking a move made room for. */
function CausedBy({ move }: { move: ReservationMoveNode }) {
  const c = move.causedBy;
  if (!c) return <>another booking</>;
  const name = `${c.confirmationCode ?? "a booking on hold"}${c.guest ? ` (${c.guest.fullName})` : ""}`;
  return <Link to={`/reservations/${c.rowId}/show`}>{name}</Link>;
}

/** What may happen to the stay's unit, and why. */
function pinState(record: ReservationDetail, kind: "hotel" | "vacation_rental" | undefined): { canChange: boolean; explanation: string } {
  if (kind === "vacation_rental") return { canChange: false, explanation: "Vacation-rental units are sold as themselves: Keepr never moves this stay." };
  if (record.status === "checked_in") return { canChange: false, explanation: "The guest is in house: Keepr never moves a checked-in stay." };
  if (record.status !== "held" && record.status !== "confirmed") return { canChange: false, explanation: "The stay is over: nothing moves it." };
  return {
    canChange: true,
    explanation: record.unitPinned
      ? "Pinned stays are never moved to make room for other bookings."
      : `Keepr may move this stay to another ${record.roomType ? `${record.roomType.name} ` : ""}unit to make room for other bookings; pinned stays are never moved.`,
  };
}

export function UnitPinPanel({ record }: { record: ReservationDetail }) {
  const membership = useMembershipAt(record.propertyId);
  const { canAccess } = useCanAccess({ resource: "reservations", action: "pin", record });
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const inFlight = useRef(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const timeZone = record.propertyByPropertyId?.timeZone;
  const moves = allocationMovesOf(record);
  const latest = moves[moves.length - 1];
  const { canChange, explanation } = pinState(record, membership?.kind);
  const pinned = record.unitPinned;
  const unit = record.unit?.name ?? "—";

  async function setPinned(next: boolean) {
    if (inFlight.current) return; // a second click while the first runs
    inFlight.current = true;
    setPending(true);
    setError(null);
    try {
      await dataProvider.pinReservationUnit({ reservationId: record.id, pinned: next });
      // The page shows the new state once it is read back.
      await queryClient.invalidateQueries({ queryKey: ["reservations"] });
      void queryClient.invalidateQueries({ queryKey: ["tapeChart"] });
      void queryClient.invalidateQueries({ queryKey: ["roomChanges"] });
      void queryClient.invalidateQueries({ queryKey: ["reservationHistory", record.id] });
      notify(next ? `Kept in unit ${unit}: Keepr will not move this stay.` : "Keepr may now move this stay to another unit of its type.", { type: "success" });
    } catch (caught) {
      setError(shownError(caught));
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  }

  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="unit-pin" data-pinned={pinned ? "true" : "false"}>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={1.5} sx={{ alignItems: { sm: "center" }, justifyContent: "space-between" }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }} useFlexGap>
          <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
            Unit {unit}
          </Typography>
          {pinned ? (
            <Chip size="small" color="primary" icon={<PushPinIcon sx={{ transform: "rotate(45deg)" }} />} label="Pinned: kept in this unit" data-testid="pin-state" />
          ) : (
            <Chip size="small" variant="outlined" icon={<SwapHorizIcon />} label={canChange ? "Keepr may move it" : "Not moved"} data-testid="pin-state" />
          )}
        </Stack>
        {canAccess && canChange && (
          <Button
            variant={pinned ? "outlined" : "contained"}
            size="small"
            disabled={pending}
            startIcon={pending ? <CircularProgress size={16} color="inherit" /> : pinned ? <PushPinOutlinedIcon /> : <PushPinIcon sx={{ transform: "rotate(45deg)" }} />}
            onClick={() => void setPinned(!pinned)}
            data-action={pinned ? "unpin_unit" : "pin_unit"}
            sx={{ alignSelf: { xs: "flex-start", sm: "center" }, flexShrink: 0 }}
          >
            {pinned ? "Let Keepr move it" : "Keep in this unit"}
          </Button>
        )}
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }} data-testid="pin-explanation">
        {explanation}
      </Typography>
      {latest && (
        <Typography variant="body2" sx={{ mt: 1 }} data-testid="latest-move">
          <SwapHorizIcon aria-hidden fontSize="small" sx={{ verticalAlign: "text-bottom", mr: 0.5, color: "text.secondary" }} />
          Keepr moved this stay from unit <strong>{latest.fromUnit?.name ?? "?"}</strong> to <strong>{latest.toUnit?.name ?? "?"}</strong> on{" "}
          {formatTimestamp(latest.movedAt, timeZone)} to make room for <CausedBy move={latest} />
          {moves.length > 1 ? ` (${moves.length} moves in all, see History)` : ""}.
        </Typography>
      )}
      {error && (
        <Box sx={{ mt: 1.5 }}>
          <ApiErrorAlert title={pinned ? "Unpinning failed" : "Pinning failed"} error={error} />
        </Box>
      )}
    </Paper>
  );
}

/** Every move of the stay by the allocator: from which unit to which, when, and the booking that caused it. */
export function AllocationMovesTable({ record }: { record: ReservationDetail }) {
  const moves = allocationMovesOf(record);
  const timeZone = record.propertyByPropertyId?.timeZone;
  if (moves.length === 0) return null;
  return (
    <Box sx={{ mb: 3 }} data-testid="allocation-moves">
      <Typography variant="overline" component="h3">
        Room moves by Keepr
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Keepr moved this stay to another unit of its room type to make room for another booking; dates, price and guest stay the same.
      </Typography>
      <Table size="small" aria-label="Room moves by Keepr">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>Unit</TableCell>
            <TableCell>Nights</TableCell>
            <TableCell>To make room for</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {moves
            .slice()
            .reverse()
            .map((move) => (
              <TableRow key={move.rowId} data-move={move.rowId}>
                <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(move.movedAt, timeZone)}</TableCell>
                <TableCell sx={{ whiteSpace: "nowrap" }} data-testid="move-units">
                  {move.fromUnit?.name ?? "?"} → {move.toUnit?.name ?? "?"}
                </TableCell>
                <TableCell sx={{ whiteSpace: "nowrap" }}>
                  {formatShortDate(move.arrival)} → {formatShortDate(move.departure)}
                </TableCell>
                <TableCell>
                  <CausedBy move={move} />
                </TableCell>
              </TableRow>
            ))}
        </TableBody>
      </Table>
    </Box>
  );
}
