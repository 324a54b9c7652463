// "Change dates" and "Room move" on a reservation's page, beside check in,
// check out, cancel and no-show (BookingActions): both open the tape
// chart's confirm dialog (MoveStayDialog) on this stay, with the property's
// units and what holds them around the stay, read in one request.
import { useQuery } from "@tanstack/react-query";
import Button from "@mui/material/Button";
import DateRangeIcon from "@mui/icons-material/DateRange";
import MeetingRoomIcon from "@mui/icons-material/MeetingRoom";
import { useState } from "react";
import { useCanAccess, useDataProvider } from "react-admin";
import { useMembershipAt } from "../../platform/useCurrentProperty.ts";
import type { KeeprDataProvider, Reservation } from "../../platform/dataProvider.ts";
import { addDays } from "../../ui/dates.ts";
import { MoveStayDialog, type StayToMove } from "./MoveStayDialog.tsx";

type Mode = "dates" | "unit";

export function StayChangeButtons({ record, size = "medium", variant = "contained" }: {
  record: Reservation;
  size?: "small" | "medium";
  variant?: "outlined" | "contained" | "text";
}) {
  const membership = useMembershipAt(record.propertyId);
  const modify = useCanAccess({ resource: "reservations", action: "modify", record });
  const move = useCanAccess({ resource: "reservations", action: "move", record });
  const [open, setOpen] = useState<Mode | null>(null);
  if (!membership || (record.status !== "confirmed" && record.status !== "checked_in")) return null;
  return (
    <>
      {modify.canAccess && (
        <Button size={size} variant={variant} startIcon={<DateRangeIcon />} onClick={() => setOpen("dates")} data-action="change_dates">
          {record.status === "checked_in" ? "Change departure" : "Change dates"}
        </Button>
      )}
      {move.canAccess && (
        <Button size={size} variant={variant} startIcon={<MeetingRoomIcon />} onClick={() => setOpen("unit")} data-action="room_move">
          Room move
        </Button>
      )}
      {open && <StayChangeDialog record={record} onClose={() => setOpen(null)} />}
    </>
  );
}

function StayChangeDialog({ record, onClose }: { record: Reservation; onClose(): void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  // The units, and what holds them from two weeks before the stay to four weeks after (hints in the dialog).
  const firstDate = addDays(record.arrival, -14);
  const endDate = addDays(record.departure, 28);
  const around = useQuery({
    queryKey: ["tapeChart", record.propertyId, firstDate, endDate],
    queryFn: ({ signal }) => dataProvider.tapeChart({ propertyId: record.propertyId, firstDate, endDate }, { signal }),
  });
  if (!around.data) return null;
  const stay: StayToMove = {
    reservationId: record.id,
    confirmationCode: record.confirmationCode,
    status: record.status,
    guestName: record.guest?.fullName ?? record.confirmationCode ?? "the guest",
    arrival: record.arrival,
    departure: record.departure,
    unitId: record.unit?.rowId ?? null,
    roomTypeId: record.roomType?.rowId ?? "",
    totalAmount: record.totalAmount,
    currency: record.currency,
  };
  const claims = around.data.claims;
  return (
    <MoveStayDialog
      stay={stay}
      initial={{ unitId: stay.unitId, arrival: stay.arrival, departure: stay.departure }}
      units={around.data.units}
      roomTypes={around.data.roomTypes}
      takenBy={(unitId, arrival, departure) => {
        const hit = claims.find((c) => c.unitId === unitId && c.reservation?.rowId !== record.id && c.startDate < departure && c.endDate > arrival);
        return hit ? `${hit.reservation?.guest?.fullName ?? hit.kind.replace("_", " ")}, ${hit.startDate} → ${hit.endDate}` : null;
      }}
      onClose={onClose}
    />
  );
}
