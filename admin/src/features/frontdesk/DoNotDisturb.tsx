// Do-not-disturb for today on a guest in house (issue 21, housekeeping):
// the desk marks it when the guest asks or hangs the sign; today's
// unstarted stay-over cleaning is cancelled and none is made today
// (setDoNotDisturb; the database checks who may: the housekeeping board's
// staff). Set, not toggled: a second click sends the same wish.
import Button from "@mui/material/Button";
import Chip from "@mui/material/Chip";
import DoNotDisturbOnIcon from "@mui/icons-material/DoNotDisturbOn";
import { useState } from "react";
import { useCanAccess, useDataProvider, useNotify, useRefresh } from "react-admin";
import type { KeeprDataProvider, ReservationDetail } from "../../platform/dataProvider.ts";
import { shownError } from "../../ui/ApiErrorAlert.tsx";
import { todayIn } from "../../ui/format.ts";

export function DoNotDisturbButton({ record }: { record: ReservationDetail }) {
  const { canAccess } = useCanAccess({ resource: "reservations", action: "do_not_disturb", record });
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [pending, setPending] = useState(false);
  if (!canAccess || record.status !== "checked_in") return null;
  const today = todayIn(record.propertyByPropertyId?.timeZone ?? "UTC");
  const on = record.doNotDisturbOn === today;
  async function set(doNotDisturb: boolean) {
    if (pending) return;
    setPending(true);
    try {
      await dataProvider.setDoNotDisturb({ reservationId: record.id, doNotDisturb });
      notify(doNotDisturb ? "Do not disturb today: no stay-over cleaning." : "Do-not-disturb removed.", { type: "info" });
      refresh();
    } catch (caught) {
      notify(shownError(caught).message, { type: "error" });
    } finally {
      setPending(false);
    }
  }
  return on ? (
    <Chip
      icon={<DoNotDisturbOnIcon />}
      color="warning"
      label="Do not disturb today"
      onDelete={pending ? undefined : () => void set(false)}
      data-testid="do-not-disturb-on"
    />
  ) : (
    <Button variant="outlined" startIcon={<DoNotDisturbOnIcon />} disabled={pending} onClick={() => void set(true)} data-testid="do-not-disturb">
      Do not disturb
    </Button>
  );
}
