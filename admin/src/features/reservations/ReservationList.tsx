// Reservations of the selected property, newest arrivals first. Searched in
// the database (the API's searchReservations, trigram-indexed): any part of
// the guest's name, email or phone, or the exact confirmation code; and by
// arrival date. Bookings and live holds by default; expired holds (abandoned
// checkouts) and released holds only with the switch, labelled as such.
// Refreshed live when a reservation or a guest of the property changes.
// A room of a group booking shows its group's code (a link to the group's
// page) and its place in the rooming list; searching a group code lists
// the group's rooms.
import Link from "@mui/material/Link";
import { DataTable, List } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import { groupPath } from "../groups/paths.ts";
import { FilterField } from "../../ui/FilterField.tsx";
import { FilterSwitch } from "../../ui/FilterSwitch.tsx";
import { ReservationStatusChip } from "../../ui/StatusChip.tsx";
import { PaymentDueChip } from "../guarantee/PaymentDue.tsx";
import { formatDate, formatMoney } from "../../ui/format.ts";
import { useCurrentProperty } from "../../platform/useCurrentProperty.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Reservation } from "../../platform/dataProvider.ts";

const filters = [
  <FilterField key="q" source="q" label="Guest, email, phone or code" alwaysOn />,
  <FilterField key="arrival" source="arrival" label="Arriving on" type="date" alwaysOn />,
  <FilterSwitch key="includeHolds" source="includeHolds" label="Show expired and released holds" alwaysOn />,
];

const Column = DataTable.Col<Reservation>;
const NumberColumn = DataTable.NumberCol<Reservation>;

/** The guest's name (a group's room: who sleeps there, when the rooming list says); a hold has none yet (its details come with the confirmation). */
function guestName(r: Reservation): string {
  if (r.guestName) return r.guestName;
  if (r.guest) return r.guest.fullName;
  if (r.holdState === "expired") return "Abandoned checkout (no guest)";
  if (r.holdState === "released") return "Released hold (no guest)";
  if (r.holdState === "active") return "On hold (no guest yet)";
  return "—";
}

/** The group's code and the room's place in it, linked to the group's page; empty for a booking on its own. */
function groupCell(r: Reservation) {
  if (!r.group) return null;
  return (
    <Link
      component={RouterLink}
      to={groupPath(r.group.rowId)}
      onClick={(e) => e.stopPropagation()}
      data-testid="group-link"
      aria-label={`${r.group.groupCode}${r.roomNo !== null ? ` · ${r.roomNo}` : ""}: group${r.group.name ? ` ${r.group.name}` : ""}${r.roomNo !== null ? `, room ${r.roomNo}` : ""}`}
    >
      {r.group.groupCode}
      {r.roomNo !== null ? ` · ${r.roomNo}` : ""}
    </Link>
  );
}

export function ReservationList() {
  const { membership } = useCurrentProperty();
  // react-admin's reservation queries all start with the resource name.
  useLiveRefresh(["reservations", "guests"], [["reservations"]]);
  if (!membership) return null;
  return (
    <List<Reservation>
      resource="reservations"
      title={`Reservations · ${membership.propertyName}`}
      filter={{ propertyId: membership.propertyId }}
      filters={filters}
      sort={{ field: "arrival", order: "DESC" }}
      perPage={25}
      exporter={false}
      empty={false}
      storeKey={`reservations.${membership.propertyId}`}
    >
      <DataTable<Reservation> rowClick="show" bulkActionButtons={false}>
        <Column source="confirmationCode" label="Code" />
        <Column source="guest.fullName" label="Guest" disableSort render={guestName} />
        <Column source="group.groupCode" label="Group" disableSort render={groupCell} />
        <Column source="status" label="Status" disableSort render={(r) => <><ReservationStatusChip status={r.status} holdState={r.holdState} /> <PaymentDueChip record={r} /></>} />
        <Column source="arrival" label="Arrival" render={(r) => formatDate(r.arrival)} />
        <Column source="departure" label="Departure" render={(r) => formatDate(r.departure)} />
        <NumberColumn source="nights" label="Nights" disableSort />
        <Column source="unit.name" label="Unit" disableSort />
        <Column source="roomType.name" label="Room type" disableSort />
        <Column source="totalAmount" label="Total" align="right" disableSort render={(r) => formatMoney(r.totalAmount, r.currency)} />
      </DataTable>
    </List>
  );
}
