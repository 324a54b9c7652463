// Reservations of the selected property, newest arrivals first, searchable
// by exact confirmation code and by arrival date (the API's conditions).
// Refreshed live when a reservation or a guest of the property changes.
import { DataTable, List } from "react-admin";
import { FilterField } from "../../ui/FilterField.tsx";
import { ReservationStatusChip } from "../../ui/StatusChip.tsx";
import { PaymentDueChip } from "../guarantee/PaymentDue.tsx";
import { formatDate, formatMoney } from "../../ui/format.ts";
import { useCurrentProperty } from "../../platform/useCurrentProperty.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Reservation } from "../../platform/dataProvider.ts";

const filters = [
  <FilterField key="code" source="confirmationCode" label="Confirmation code" alwaysOn />,
  <FilterField key="arrival" source="arrival" label="Arriving on" type="date" alwaysOn />,
];

const Column = DataTable.Col<Reservation>;
const NumberColumn = DataTable.NumberCol<Reservation>;

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
        <Column source="guest.fullName" label="Guest" disableSort />
        <Column source="status" label="Status" disableSort render={(r) => <><ReservationStatusChip status={r.status} /> <PaymentDueChip record={r} /></>} />
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
