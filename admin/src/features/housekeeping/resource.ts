// The housekeeping board as a react-admin resource: its list route
// (/admin/housekeeping) and menu entry, shown to the roles access.ts
// allows (owner, manager, front desk, housekeeping).
import CleaningServicesIcon from "@mui/icons-material/CleaningServices";
import type { ResourceProps } from "react-admin";
import { HousekeepingBoard } from "./HousekeepingBoard.tsx";

export const housekeepingResource = {
  name: "housekeeping",
  list: HousekeepingBoard,
  icon: CleaningServicesIcon,
  options: { label: "Housekeeping" },
} satisfies ResourceProps;
