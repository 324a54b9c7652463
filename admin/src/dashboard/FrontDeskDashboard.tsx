// The front desk's day at the selected property: today's arrivals,
// departures and guests in house, "today" being the date in the property's
// time zone. One API call (frontDeskDay), refreshed live when a
// reservation or a unit of the property changes (useLiveRefresh), after
// every action taken here, and every 30 seconds. It is the cashiers' (who
// read reservations): housekeeping is taken to its board instead.
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import CardHeader from "@mui/material/CardHeader";
import Grid from "@mui/material/Grid";
import List from "@mui/material/List";
import ListItem from "@mui/material/ListItem";
import ListItemButton from "@mui/material/ListItemButton";
import ListItemText from "@mui/material/ListItemText";
import Skeleton from "@mui/material/Skeleton";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import FlightLandIcon from "@mui/icons-material/FlightLand";
import FlightTakeoffIcon from "@mui/icons-material/FlightTakeoff";
import HotelIcon from "@mui/icons-material/Hotel";
import { useEffect, type ReactNode } from "react";
import { Navigate } from "react-router-dom";
import { Title, useCanAccess, useCreatePath, useDataProvider, useNavigate } from "react-admin";
import { ReservationStatusChip } from "../components/StatusChip.tsx";
import { formatDate } from "../format.ts";
import { useCurrentProperty } from "../hooks/useCurrentProperty.ts";
import { useToday } from "../hooks/useToday.ts";
import { useLiveRefresh } from "../live/useLiveRefresh.ts";
import { roleAllows, roleLabels } from "../providers/access.ts";
import type { KeeprDataProvider, Reservation } from "../providers/dataProvider.ts";
import { BookingActionButton, type BookingAction } from "../resources/reservations/BookingActions.tsx";

let readyMarked = false;
/** performance mark for the first load measurement (tests/e2e/admin.test.ts). */
function markReady() {
  if (readyMarked) return;
  readyMarked = true;
  requestAnimationFrame(() => performance.mark("keepr:dashboard-ready"));
}

export function FrontDeskDashboard() {
  const { membership, isPending } = useCurrentProperty();
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const day = useToday(membership?.timeZone);
  const propertyId = membership?.propertyId;
  const createPath = useCreatePath();
  const allowed = roleAllows(membership?.role, "dashboard", "show");
  const query = useQuery({
    queryKey: ["frontDeskDay", propertyId, day],
    queryFn: ({ signal }) => dataProvider.frontDeskDay({ propertyId: propertyId!, day: day! }, { signal }),
    enabled: Boolean(propertyId && day && allowed),
    refetchInterval: 30_000,
  });
  // Guests and units appear on the board (names, unit numbers) besides the stays.
  useLiveRefresh(["reservations", "guests", "units"], [["frontDeskDay"]], { propertyId });
  useEffect(() => {
    if (query.isSuccess) markReady();
  }, [query.isSuccess]);

  if (!membership) {
    return isPending ? null : <Alert severity="warning">You are not staff at any property.</Alert>;
  }
  if (!allowed) {
    // Housekeeping reads no reservations: its day is the housekeeping board.
    return roleAllows(membership.role, "housekeeping", "list") ? (
      <Navigate to={createPath({ resource: "housekeeping", type: "list" })} replace />
    ) : (
      <Alert severity="info" sx={{ mt: 2 }}>
        Your role at {membership.propertyName} has no day board.
      </Alert>
    );
  }
  const board = query.data;
  return (
    <Box sx={{ mt: 2 }} data-testid={board ? "dashboard-ready" : "dashboard-loading"}>
      <Title title={`Today · ${membership.propertyName}`} />
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: "baseline", flexWrap: "wrap" }}>
        <Typography variant="h5" component="h1">
          {formatDate(day)}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {membership.propertyName} · {membership.timeZone} · {roleLabels[membership.role]}
        </Typography>
      </Stack>
      {query.isError && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {query.error.message}
        </Alert>
      )}
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 4 }}>
          <Board
            title="Arrivals"
            icon={<FlightLandIcon />}
            testId="arrivals"
            rows={board?.arrivals}
            summary={board ? `${board.arrivals.length} arriving, ${board.arrivals.filter((r) => r.status === "checked_in").length} checked in` : undefined}
            empty="No arrivals today."
            action="check_in"
            detail={(r) => `${r.nights} night${r.nights === 1 ? "" : "s"} · until ${formatDate(r.departure)}`}
          />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <Board
            title="Departures"
            icon={<FlightTakeoffIcon />}
            testId="departures"
            rows={board?.departures}
            summary={board ? `${board.departures.length} leaving, ${board.departures.filter((r) => r.status === "checked_out").length} checked out` : undefined}
            empty="No departures today."
            action="check_out"
            detail={(r) => `since ${formatDate(r.arrival)}`}
          />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <Board
            title="In house"
            icon={<HotelIcon />}
            testId="in-house"
            rows={board?.inHouse}
            summary={board ? `${board.inHouse.length} guest stay${board.inHouse.length === 1 ? "" : "s"}` : undefined}
            empty="Nobody is checked in."
            detail={(r) => `until ${formatDate(r.departure)}`}
          />
        </Grid>
      </Grid>
    </Box>
  );
}

function Board({ title, icon, testId, rows, summary, empty, action, detail }: {
  title: string;
  icon: ReactNode;
  testId: string;
  rows: Reservation[] | undefined;
  summary: string | undefined;
  empty: string;
  action?: BookingAction;
  detail: (r: Reservation) => string;
}) {
  const navigate = useNavigate();
  const createPath = useCreatePath();
  const { canAccess: canOpen } = useCanAccess({ resource: "reservations", action: "show" });
  return (
    <Card data-testid={testId} sx={{ height: "100%" }}>
      <CardHeader avatar={icon} title={title} subheader={summary ?? <Skeleton width={120} />} />
      <CardContent sx={{ pt: 0 }}>
        {!rows && [0, 1, 2].map((i) => <Skeleton key={i} height={48} />)}
        {rows?.length === 0 && (
          <Typography variant="body2" color="text.secondary">
            {empty}
          </Typography>
        )}
        {rows && rows.length > 0 && (
          <List dense disablePadding>
            {rows.map((r) => {
              const text = (
                <ListItemText
                  primary={
                    <Stack sx={{ alignItems: "center" }} direction="row" spacing={1} component="span">
                      <span>{r.guest?.fullName ?? "—"}</span>
                      <ReservationStatusChip status={r.status} />
                    </Stack>
                  }
                  secondary={`${r.confirmationCode ?? ""} · ${r.unit ? `unit ${r.unit.name}` : "no unit"}${r.roomType ? ` (${r.roomType.name})` : ""} · ${detail(r)}`}
                />
              );
              const button = action ? <BookingActionButton action={action} record={r} /> : null;
              return (
                <ListItem key={r.id} disablePadding data-code={r.confirmationCode} sx={{ alignItems: "center", gap: 1 }}>
                  {canOpen ? (
                    <ListItemButton onClick={() => navigate(createPath({ resource: "reservations", id: r.id, type: "show" }))} sx={{ borderRadius: 1 }}>
                      {text}
                    </ListItemButton>
                  ) : (
                    <Box sx={{ py: 0.5, px: 2, flex: 1 }}>{text}</Box>
                  )}
                  {button && <Box sx={{ flexShrink: 0 }}>{button}</Box>}
                </ListItem>
              );
            })}
          </List>
        )}
      </CardContent>
    </Card>
  );
}
