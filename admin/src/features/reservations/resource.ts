// The reservations resource: list and page (create, edit and delete are not
// forms: bookings go through quote, hold and confirm).
import BookOnlineIcon from "@mui/icons-material/BookOnline";
import type { ResourceProps } from "react-admin";
import type { Reservation } from "../../platform/dataProvider.ts";
import { ReservationList } from "./ReservationList.tsx";
import { ReservationShow } from "./ReservationShow.tsx";

export const reservationsResource = {
  name: "reservations",
  list: ReservationList,
  show: ReservationShow,
  icon: BookOnlineIcon,
  options: { label: "Reservations" },
  recordRepresentation: (record: Reservation) => record.confirmationCode ?? "Reservation",
} satisfies ResourceProps;
