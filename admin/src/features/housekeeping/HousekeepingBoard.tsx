// The housekeeping board of the selected property, made for a phone in a
// corridor as much as for a desk: every unit with its status (dirty, clean,
// inspected, out of order), whether a guest is in it, leaves or arrives
// today, and its tasks; big buttons to mark it clean or inspected, put it
// out of order (with the reason the API requires) or back in service; and
// the day's task list (take a task, finish it; managers may cancel one).
// One request (housekeepingBoard) feeds both tabs; it refreshes by itself
// when anything changes (useLiveRefresh) and after every action here.
// Every role sees the same state of each unit: occupied or vacant as the
// unit says (isOccupied), and from the day's stays (housekeepingStays)
// checked in today, until when, leaving, left, arriving with the number of
// guests; the roles that read reservations see the guests' names too,
// housekeeping never.
// Issue 21: housekeeping supervisors, owners and managers assign rooms (a
// unit's open tasks) to the property's housekeepers, one room ("Assign") or
// a selection (the cards' checkboxes, "Assign N rooms"), filter the board
// by attendant, set a task's priority and inspect clean units; whoever has
// rooms assigned sees "My rooms" first.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardActions from "@mui/material/CardActions";
import CardContent from "@mui/material/CardContent";
import Checkbox from "@mui/material/Checkbox";
import Chip from "@mui/material/Chip";
import CircularProgress from "@mui/material/CircularProgress";
import Dialog from "@mui/material/Dialog";
import FormControlLabel from "@mui/material/FormControlLabel";
import FormGroup from "@mui/material/FormGroup";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import Grid from "@mui/material/Grid";
import IconButton from "@mui/material/IconButton";
import ListItemIcon from "@mui/material/ListItemIcon";
import ListItemText from "@mui/material/ListItemText";
import Menu from "@mui/material/Menu";
import MenuItem from "@mui/material/MenuItem";
import Skeleton from "@mui/material/Skeleton";
import Stack from "@mui/material/Stack";
import Tab from "@mui/material/Tab";
import Tabs from "@mui/material/Tabs";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import BlockIcon from "@mui/icons-material/Block";
import BuildIcon from "@mui/icons-material/Build";
import CheckCircleIcon from "@mui/icons-material/CheckCircle";
import CleaningServicesIcon from "@mui/icons-material/CleaningServices";
import AddTaskIcon from "@mui/icons-material/AddTask";
import AssignmentIndIcon from "@mui/icons-material/AssignmentInd";
import DoneAllIcon from "@mui/icons-material/DoneAll";
import DoNotDisturbOnIcon from "@mui/icons-material/DoNotDisturbOn";
import PriorityHighIcon from "@mui/icons-material/PriorityHigh";
import MoreVertIcon from "@mui/icons-material/MoreVert";
import PlayArrowIcon from "@mui/icons-material/PlayArrow";
import UndoIcon from "@mui/icons-material/Undo";
import VerifiedIcon from "@mui/icons-material/Verified";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { Title, useCanAccess, useDataProvider, useNotify } from "react-admin";
import { HousekeepingChip } from "../../ui/StatusChip.tsx";
import { formatDate, humanize } from "../../ui/format.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { useCurrentProperty } from "../../platform/useCurrentProperty.ts";
import { useToday } from "../../ui/useToday.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import { roleAllows } from "../../platform/access.ts";
import { byPriority, type BoardUnit, type HousekeepingBoard as Board } from "./board.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { HousekeepingStatus } from "../../platform/documents.ts";
import {
  housekeepingPriorities, type HousekeepingPriority, type HousekeepingTaskKind, type HousekeepingTaskNode, type HousekeepingTaskStatus, type NewTaskKind,
} from "./documents.ts";
import { PageHeading } from "../../ui/PageHeading.tsx";
import { StayoverPolicy } from "../property/StayoverPolicy.tsx";

/** The query key of the board; the live hook and the actions invalidate it. */
export const housekeepingQueryKey = "housekeeping";

const taskLabels: Record<HousekeepingTaskKind, string> = {
  checkout_clean: "Check-out clean",
  stayover_clean: "Stay-over clean",
  inspection: "Inspection",
  maintenance: "Maintenance",
};

const statusLabels: Record<HousekeepingStatus, string> = {
  dirty: "Dirty",
  clean: "Clean",
  inspected: "Inspected",
  out_of_order: "Out of order",
};

type UnitFilter = "all" | HousekeepingStatus | "arrivals";

const priorityLabels: Record<HousekeepingPriority, string> = { urgent: "Urgent", high: "High priority", normal: "Normal" };

/** Touch targets: 48 px at least (WCAG 2.5.5's 44, Material's 48); sentence case keeps two buttons on one phone row. */
const touch = { minHeight: 48, textTransform: "none", fontSize: 16, whiteSpace: "nowrap" } as const;

const isPending = (t: HousekeepingTaskNode) => t.status === "open" || t.status === "in_progress";

function useBoardActions() {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: [housekeepingQueryKey] });
    // The desk's board shows the units' state too.
    void queryClient.invalidateQueries({ queryKey: ["frontDeskDay"] });
  };
  return {
    async setStatus(unit: BoardUnit, status: HousekeepingStatus, note: string | null) {
      try {
        await dataProvider.setUnitStatus({ unitId: unit.rowId, status, note });
      } finally {
        refresh();
      }
    },
    async updateTask(task: HousekeepingTaskNode, status: HousekeepingTaskStatus, notes: string | null) {
      try {
        await dataProvider.updateHousekeepingTask({ taskId: task.rowId, status, notes });
      } finally {
        refresh();
      }
    },
    async assignTask(task: HousekeepingTaskNode, assignee: string | null) {
      try {
        await dataProvider.assignHousekeepingTask({ taskId: task.rowId, assignee });
      } finally {
        refresh();
      }
    },
    /** Back in service: the open maintenance tasks are done (the unit becomes clean), or it is marked clean. */
    async backInService(unit: BoardUnit, note: string | null) {
      try {
        const maintenance = unit.tasks.filter((t) => t.kind === "maintenance" && isPending(t));
        for (const task of maintenance) await dataProvider.updateHousekeepingTask({ taskId: task.rowId, status: "done", notes: note });
        // Done maintenance makes the unit clean; without any (or if it was changed meanwhile), say so directly.
        if (maintenance.length === 0) await dataProvider.setUnitStatus({ unitId: unit.rowId, status: "clean", note });
      } finally {
        refresh();
      }
    },
  };
}

export function HousekeepingBoard() {
  const { membership, permissions } = useCurrentProperty();
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const day = useToday(membership?.timeZone);
  const me = permissions?.userId ?? null;
  const propertyId = membership?.propertyId;
  const [tab, setTab] = useState<"units" | "tasks">("units");
  const [filter, setFilter] = useState<UnitFilter>("all");
  // The same stays for everyone; who may read reservations gets the guests' names as well.
  const withNames = roleAllows(membership?.role, "reservations", "list");
  const query = useQuery({
    queryKey: [housekeepingQueryKey, propertyId, day, withNames],
    queryFn: ({ signal }) => dataProvider.housekeepingBoard({ propertyId: propertyId!, day: day!, withNames }, { signal }),
    enabled: Boolean(propertyId && day),
    // A fallback only: changes arrive live.
    refetchInterval: 120_000,
  });
  // Housekeeping receives no reservation's changes (it may not read them):
  // bookings, cancellations, moves and early departures reach it as claims;
  // check-ins, check-outs and room moves of guests in house as the units'
  // isOccupied (migration 000022), wherever they were made; check-outs also
  // as the unit turning dirty and its cleaning task.
  useLiveRefresh(["units", "housekeeping_tasks", "reservations", "inventory_claims"], [[housekeepingQueryKey]], { propertyId });

  if (!membership) return null;
  const board = query.data;
  const openTasks = board?.tasks.filter(isPending).length;
  return (
    <Box sx={{ mt: { xs: 1, sm: 2 }, maxWidth: "100%", overflowX: "hidden" }} data-testid={board ? "housekeeping-ready" : "housekeeping-loading"}>
      <Title title={`Housekeeping · ${membership.propertyName}`} />
      <PageHeading title="Housekeeping" subtitle={<>{formatDate(day)} · {membership.propertyName}</>} error={query.isError ? query.error : null} mb={1} />
      <Tabs value={tab} onChange={(_e, value: "units" | "tasks") => setTab(value)} variant="fullWidth" sx={{ mb: 2, maxWidth: 480 }}>
        <Tab value="units" label={`Units${board ? ` (${board.units.length})` : ""}`} sx={touch} />
        <Tab value="tasks" label={`Tasks${openTasks !== undefined ? ` (${openTasks} to do)` : ""}`} sx={touch} />
      </Tabs>
      <StayoverPolicy propertyId={membership.propertyId} />
      {!board && !query.isError && <BoardSkeleton />}
      {board && tab === "units" && <UnitsTab board={board} filter={filter} onFilter={setFilter} me={me} />}
      {board && tab === "tasks" && <TasksTab board={board} me={me} />}
    </Box>
  );
}

function BoardSkeleton() {
  return (
    <Grid container spacing={2}>
      {[0, 1, 2].map((i) => (
        <Grid key={i} size={{ xs: 12, sm: 6, lg: 4 }}>
          <Skeleton variant="rounded" height={180} />
        </Grid>
      ))}
    </Grid>
  );
}

// ---------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------

function UnitsTab({ board, filter, onFilter, me }: { board: Board; filter: UnitFilter; onFilter: (f: UnitFilter) => void; me: string | null }) {
  const canAssign = useCanAccess({ resource: "housekeeping", action: "assign_task" }).canAccess ?? false;
  const staff = useBoardStaff(canAssign);
  const [attendant, setAttendant] = useState<AttendantFilter>("all");
  const [selected, setSelected] = useState<string[]>([]);
  const [assigning, setAssigning] = useState<BoardUnit[] | null>(null);
  const count = (f: UnitFilter) => board.units.filter((u) => matches(u, f)).length;
  const filters: Array<{ value: UnitFilter; label: string }> = [
    { value: "all", label: "All" },
    { value: "dirty", label: "Dirty" },
    { value: "clean", label: "Clean" },
    { value: "inspected", label: "Inspected" },
    { value: "out_of_order", label: "Out of order" },
    { value: "arrivals", label: "Arriving today" },
  ];
  const shown = board.units.filter((u) => matches(u, filter) && assignedMatches(u, attendant));
  // "My rooms": the units with an open task given to the signed-in user, first.
  const mine = me ? shown.filter((u) => u.tasks.some((t) => isPending(t) && t.assignedTo === me)) : [];
  const others = shown.filter((u) => !mine.includes(u));
  const chosen = board.units.filter((u) => selected.includes(u.rowId) && u.tasks.some(isPending));
  const toggle = (unit: BoardUnit, on: boolean) => setSelected(on ? [...selected, unit.rowId] : selected.filter((id) => id !== unit.rowId));
  const grid = (units: BoardUnit[]) => (
    <Grid container spacing={2}>
      {units.map((unit) => (
        <Grid key={unit.rowId} size={{ xs: 12, sm: 6, lg: 4 }}>
          <UnitCard
            unit={unit}
            day={board.day}
            selection={canAssign && unit.tasks.some(isPending) ? { selected: selected.includes(unit.rowId), onChange: (on) => toggle(unit, on) } : null}
            onAssign={canAssign ? () => setAssigning([unit]) : null}
          />
        </Grid>
      ))}
    </Grid>
  );
  return (
    <>
      <Stack direction="row" sx={{ flexWrap: "wrap", gap: 1, mb: 2 }} role="group" aria-label="Show units">
        {filters.map((f) => (
          <Chip
            key={f.value}
            label={`${f.label} ${count(f.value)}`}
            color={filter === f.value ? "primary" : "default"}
            variant={filter === f.value ? "filled" : "outlined"}
            onClick={() => onFilter(f.value)}
            aria-pressed={filter === f.value}
            sx={{ height: 40, fontSize: 15 }}
          />
        ))}
      </Stack>
      {canAssign && (
        <Stack direction="row" sx={{ flexWrap: "wrap", gap: 1, mb: 2, alignItems: "center" }}>
          <TextField select label="Attendant" value={attendant} onChange={(e) => setAttendant(e.target.value)} sx={{ width: { xs: "100%", sm: 260 } }}
            data-testid="attendant-filter">
            <MenuItem value="all" sx={touch}>Everyone</MenuItem>
            <MenuItem value="unassigned" sx={touch}>Not assigned yet</MenuItem>
            {(staff.data ?? []).map((o) => (
              <MenuItem key={o.userId} value={o.userId} sx={touch}>
                {o.name}{o.role !== "housekeeping" ? ` (${humanize(o.role)})` : ""}
              </MenuItem>
            ))}
          </TextField>
          {chosen.length > 0 && (
            <>
              <Button variant="contained" size="large" startIcon={<AssignmentIndIcon />} onClick={() => setAssigning(chosen)} sx={touch} data-action="assign-rooms">
                Assign {chosen.length} room{chosen.length === 1 ? "" : "s"}
              </Button>
              <Button size="large" onClick={() => setSelected([])} sx={touch}>
                Clear selection
              </Button>
            </>
          )}
        </Stack>
      )}
      {shown.length === 0 && (
        <Typography color="text.secondary">{board.units.length === 0 ? "This property has no units." : "No unit matches."}</Typography>
      )}
      {mine.length > 0 ? (
        <Stack spacing={1}>
          <Typography variant="overline" component="h2" data-testid="my-rooms">
            My rooms ({mine.length})
          </Typography>
          {grid(mine)}
          {others.length > 0 && (
            <>
              <Typography variant="overline" component="h2" sx={{ pt: 2 }}>
                Other rooms ({others.length})
              </Typography>
              {grid(others)}
            </>
          )}
        </Stack>
      ) : (
        grid(others)
      )}
      {assigning && (
        <AssignDialog
          title={assigning.length === 1 ? `Assign unit ${assigning[0]!.name}` : `Assign ${assigning.length} rooms`}
          testId="assign-rooms-dialog"
          taskIds={assigning.flatMap((u) => u.tasks.filter(isPending).map((t) => t.rowId))}
          onAssigned={() => setSelected([])}
          onClose={() => setAssigning(null)}
        >
          <Typography variant="body2">
            {assigning.map((u) => `Unit ${u.name}`).join(", ")}: {pluralTasks(assigning.reduce((n, u) => n + u.tasks.filter(isPending).length, 0))} to do.
          </Typography>
        </AssignDialog>
      )}
    </>
  );
}

/** The attendant filter: everyone, units with an open task nobody has, or one housekeeper's units. */
type AttendantFilter = "all" | "unassigned" | string;

function assignedMatches(unit: BoardUnit, attendant: AttendantFilter): boolean {
  if (attendant === "all") return true;
  const pending = unit.tasks.filter(isPending);
  return attendant === "unassigned" ? pending.some((t) => t.assignedTo === null) : pending.some((t) => t.assignedTo === attendant);
}

const pluralTasks = (n: number) => `${n} task${n === 1 ? "" : "s"}`;

function matches(unit: BoardUnit, filter: UnitFilter): boolean {
  if (filter === "all") return true;
  if (filter === "arrivals") return unit.arrival !== null;
  return unit.housekeepingStatus === filter;
}

type Dialogs = "out_of_order" | "back_in_service" | null;

function UnitCard({ unit, day, selection, onAssign }: {
  unit: BoardUnit;
  day: string;
  /** A supervisor's checkbox to assign several rooms at once (null: none). */
  selection: { selected: boolean; onChange: (on: boolean) => void } | null;
  /** A supervisor's "Assign" of this room's open tasks (null: not theirs to do). */
  onAssign: (() => void) | null;
}) {
  const actions = useBoardActions();
  const notify = useNotify();
  const { canAccess } = useCanAccess({ resource: "housekeeping", action: "set_status" });
  const canInspect = useCanAccess({ resource: "housekeeping", action: "inspect" }).canAccess ?? false;
  const supervises = useCanAccess({ resource: "housekeeping", action: "assign_task" }).canAccess ?? false;
  const me = useCurrentProperty().permissions?.userId;
  // A room whose cleaning is given to someone else is theirs to mark clean (set_unit_status: ASSIGNED), but for supervisors.
  const someoneElses = supervises ? undefined
    : unit.tasks.find((t) => isPending(t) && (t.kind === "checkout_clean" || t.kind === "stayover_clean") && t.assignedTo !== null && t.assignedTo !== me);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [menuAnchor, setMenuAnchor] = useState<HTMLElement | null>(null);
  const headingId = useId();
  const status = unit.housekeepingStatus;

  const mark = async (next: HousekeepingStatus) => {
    if (busy) return;
    setBusy(true);
    setMenuAnchor(null);
    try {
      await actions.setStatus(unit, next, null);
      notify(`Unit ${unit.name} is ${statusLabels[next].toLowerCase()}.`, { type: "success" });
    } catch (error) {
      const shown = shownError(error);
      notify(`Unit ${unit.name}: ${shown.message} (${shown.code})`, { type: "error" });
    } finally {
      setBusy(false);
    }
  };

  // dirty -> clean -> inspected: only a clean unit is inspected, by a supervisor, owner or manager.
  const primary: ReactNode = !canAccess ? null : someoneElses && (status === "dirty" || status === "clean") ? (
    <Typography variant="body2" color="text.secondary" sx={{ flex: 1, display: "flex", alignItems: "center", minHeight: 48 }}>
      {someoneElses.userByAssignedTo?.displayName ?? "Someone else"}&apos;s room
    </Typography>
  ) : status === "dirty" ? (
    <Button variant="contained" size="large" startIcon={<CleaningServicesIcon />} onClick={() => void mark("clean")} disabled={busy} sx={{ ...touch, flex: 1 }}>
      Mark clean
    </Button>
  ) : status === "clean" ? (
    canInspect ? (
      <Button variant="contained" size="large" startIcon={<VerifiedIcon />} onClick={() => void mark("inspected")} disabled={busy} sx={{ ...touch, flex: 1 }}>
        Inspect
      </Button>
    ) : (
      <Typography variant="body2" color="text.secondary" sx={{ flex: 1, display: "flex", alignItems: "center", minHeight: 48 }}>
        Waiting for inspection
      </Typography>
    )
  ) : status === "out_of_order" ? (
    <Button variant="contained" size="large" startIcon={<BuildIcon />} onClick={() => setDialog("back_in_service")} disabled={busy} sx={{ ...touch, flex: 1 }}>
      Back in service
    </Button>
  ) : (
    <Typography variant="body2" color="success.main" sx={{ flex: 1, display: "flex", alignItems: "center", gap: 1, minHeight: 48 }}>
      <CheckCircleIcon fontSize="small" /> Ready for guests
    </Typography>
  );

  const pending = unit.tasks.filter(isPending);
  return (
    <Card
      variant="outlined"
      data-testid="unit-card"
      data-unit={unit.name}
      data-status={status}
      data-priority={unit.priority ? "true" : undefined}
      data-early={unit.earlyCheckIn ?? undefined}
      aria-labelledby={headingId}
      sx={{ height: "100%", display: "flex", flexDirection: "column", borderLeft: 6, borderLeftColor: statusColour(status) }}
    >
      <CardContent sx={{ pb: 1, flex: 1 }}>
        <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between", gap: 1 }}>
          {selection && (
            <Checkbox
              checked={selection.selected}
              onChange={(e) => selection.onChange(e.target.checked)}
              slotProps={{ input: { "aria-label": `Select unit ${unit.name}` } }}
              sx={{ width: 48, height: 48, ml: -1.5 }}
              data-testid="select-unit"
            />
          )}
          <Box sx={{ minWidth: 0, flex: 1 }}>
            <Typography variant="h6" component="h2" id={headingId} sx={{ lineHeight: 1.2 }}>
              Unit {unit.name}
            </Typography>
            {unit.roomType && (
              <Typography variant="caption" color="text.secondary">
                {unit.roomType.name}
              </Typography>
            )}
          </Box>
          <HousekeepingChip status={status} />
        </Stack>
        <Stack spacing={0.5} sx={{ mt: 1 }}>
          <Typography variant="body2" data-testid="occupancy" data-occupancy={unit.occupancy}>
            <Occupancy unit={unit} />
          </Typography>
          {(unit.priority || unit.occupant?.doNotDisturb || (unit.taskPriority !== null && unit.taskPriority !== "normal")) && (
            <Stack direction="row" sx={{ flexWrap: "wrap", gap: 1 }}>
              {unit.taskPriority !== null && unit.taskPriority !== "normal" && (
                <Chip size="small" color={unit.taskPriority === "urgent" ? "error" : "warning"} variant="outlined" label={priorityLabels[unit.taskPriority]}
                  data-testid="task-priority" />
              )}
              {unit.priority && (
                <Chip
                  size="small"
                  color="error"
                  icon={<PriorityHighIcon />}
                  label={unit.earlyCheckIn !== null ? `Early check-in ${unit.earlyCheckIn}` : "Priority: guest arriving today"}
                  data-testid="priority"
                  data-early={unit.earlyCheckIn ?? undefined}
                />
              )}
              {unit.occupant?.doNotDisturb && (
                <Chip size="small" color="warning" icon={<DoNotDisturbOnIcon />} label="Do not disturb today" data-testid="do-not-disturb" />
              )}
            </Stack>
          )}
          {unit.arrival && (
            <Typography variant="body2" data-testid="arrival">
              <strong>Arriving today</strong>
              {unit.arrival.guestName ? ` · ${unit.arrival.guestName} (${party(unit.arrival)})` : ` · ${party(unit.arrival)}`}
            </Typography>
          )}
          {pending.map((task) => (
            <Typography key={task.rowId} variant="body2" color="text.secondary">
              {taskLabels[task.kind]} · {humanize(task.status)}
              {task.userByAssignedTo ? ` · ${task.userByAssignedTo.displayName}` : " · unassigned"}
              {task.dueDate < day ? ` · since ${formatDate(task.dueDate)}` : ""}
              {task.kind === "maintenance" && task.notes ? ` · ${task.notes}` : ""}
            </Typography>
          ))}
        </Stack>
      </CardContent>
      {canAccess && (
        <CardActions sx={{ px: 2, pb: 2, pt: 0, gap: 1, flexWrap: "wrap" }}>
          {primary}
          {onAssign && pending.length > 0 && (
            <Button variant="outlined" size="large" startIcon={<AssignmentIndIcon />} onClick={onAssign} disabled={busy} sx={touch}
              aria-label={`Assign unit ${unit.name}`} data-action="assign-room">
              Assign
            </Button>
          )}
          <IconButton
            aria-label={`More actions for unit ${unit.name}`}
            onClick={(e) => setMenuAnchor(e.currentTarget)}
            disabled={busy}
            sx={{ width: 48, height: 48 }}
          >
            {busy ? <CircularProgress size={20} /> : <MoreVertIcon />}
          </IconButton>
          <Menu anchorEl={menuAnchor} open={menuAnchor !== null} onClose={() => setMenuAnchor(null)}>
            {status !== "out_of_order" && (
              <MenuItem onClick={() => { setMenuAnchor(null); setDialog("out_of_order"); }} sx={touch}>
                <ListItemIcon><BlockIcon fontSize="small" /></ListItemIcon>
                <ListItemText>Out of order…</ListItemText>
              </MenuItem>
            )}
            {(status === "clean" || status === "inspected") && (
              <MenuItem onClick={() => void mark("dirty")} sx={touch}>
                <ListItemIcon><UndoIcon fontSize="small" /></ListItemIcon>
                <ListItemText>Mark dirty</ListItemText>
              </MenuItem>
            )}
            {status === "inspected" && (
              <MenuItem onClick={() => void mark("clean")} sx={touch}>
                <ListItemIcon><CleaningServicesIcon fontSize="small" /></ListItemIcon>
                <ListItemText>Mark clean (not inspected)</ListItemText>
              </MenuItem>
            )}
            {status === "out_of_order" && (
              <MenuItem onClick={() => void mark("dirty")} sx={touch}>
                <ListItemIcon><UndoIcon fontSize="small" /></ListItemIcon>
                <ListItemText>Back, but needs cleaning (dirty)</ListItemText>
              </MenuItem>
            )}
          </Menu>
        </CardActions>
      )}
      {dialog === "out_of_order" && <OutOfOrderDialog unit={unit} onClose={() => setDialog(null)} />}
      {dialog === "back_in_service" && <BackInServiceDialog unit={unit} onClose={() => setDialog(null)} />}
    </Card>
  );
}

function statusColour(status: HousekeepingStatus): string {
  switch (status) {
    case "dirty":
      return "warning.main";
    case "out_of_order":
      return "error.main";
    default:
      return "success.main";
  }
}

function party({ adults, children }: { adults: number; children: number }): string {
  return `${adults} adult${adults === 1 ? "" : "s"}${children > 0 ? `, ${children} child${children === 1 ? "" : "ren"}` : ""}`;
}

/**
 * Who is in the unit, as the unit says (isOccupied): "Occupied · [name ·]
 * checked in today · until …", "Occupied · [name ·] leaves today",
 * "Occupied · [name ·] until …", "Vacant · [name] left today[, needs
 * cleaning]" or "Vacant". Names only for the roles that read reservations
 * (guestName is null for housekeeping).
 */
function Occupancy({ unit }: { unit: BoardUnit }) {
  const { occupant, occupancy } = unit;
  const name = (stay: { guestName: string | null } | null) => (stay?.guestName ? ` · ${stay.guestName}` : "");
  switch (occupancy) {
    case "checked_in_today":
    case "leaving_today":
    case "occupied":
      return (
        <>
          <strong>Occupied</strong>
          {name(occupant)}
          {occupancy === "checked_in_today" ? " · checked in today" : ""}
          {unit.departsToday ? " · leaves today" : occupant ? ` · until ${formatDate(occupant.departure)}` : ""}
        </>
      );
    case "left_today":
      return (
        <>
          <strong>Vacant</strong>
          {unit.departed?.guestName ? ` · ${unit.departed.guestName} left today` : " · left today"}
          {unit.housekeepingStatus === "dirty" ? ", needs cleaning" : ""}
        </>
      );
    case "vacant":
      return <strong>Vacant</strong>;
  }
}

/** A dialog with one text field whose submit calls the API; the API's refusal stays in the dialog. */
function NoteDialog({ title, intro, label, required, confirm, submit, onClose, testId }: {
  title: string;
  intro: ReactNode;
  label: string;
  required: boolean;
  confirm: string;
  submit: (note: string | null) => Promise<void>;
  onClose: () => void;
  testId: string;
}) {
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const trimmed = note.trim();
  const tooLong = trimmed.length > 500;
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || (required && trimmed === "") || tooLong) return;
    setBusy(true);
    setError(null);
    try {
      await submit(trimmed === "" ? null : trimmed);
      onClose();
    } catch (caught) {
      setError(shownError(caught));
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="xs" data-testid={testId}>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <DialogTitle>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2}>
            <Typography variant="body2">{intro}</Typography>
            <TextField
              label={label}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              required={required}
              multiline
              minRows={2}
              autoFocus
              fullWidth
              error={tooLong}
              helperText={tooLong ? "At most 500 characters." : required ? "Required: the maintenance task says why." : "Optional."}
              slotProps={{ htmlInput: { maxLength: 600 } }}
            />
            {error && <ApiErrorAlert title={`${title}: refused`} error={error} />}
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2, gap: 1, flexWrap: "wrap" }}>
          <Button onClick={onClose} disabled={busy} size="large" sx={touch}>
            Back
          </Button>
          <Button type="submit" variant="contained" size="large" disabled={busy || (required && trimmed === "") || tooLong} sx={touch}
            startIcon={busy ? <CircularProgress size={18} color="inherit" /> : undefined}>
            {confirm}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function OutOfOrderDialog({ unit, onClose }: { unit: BoardUnit; onClose: () => void }) {
  const actions = useBoardActions();
  const notify = useNotify();
  return (
    <NoteDialog
      testId="out-of-order-dialog"
      title={`Unit ${unit.name} out of order`}
      intro={
        unit.occupant
          ? `${unit.occupant.guestName ?? "A guest"} is in this unit: the desk must move them first.`
          : "Nobody can be checked in to it until it is back in service. A maintenance task is opened with the reason."
      }
      label="Why (e.g. leaking tap)"
      required
      confirm="Put out of order"
      submit={async (note) => {
        await actions.setStatus(unit, "out_of_order", note);
        notify(`Unit ${unit.name} is out of order.`, { type: "info" });
      }}
      onClose={onClose}
    />
  );
}

function BackInServiceDialog({ unit, onClose }: { unit: BoardUnit; onClose: () => void }) {
  const actions = useBoardActions();
  const notify = useNotify();
  const maintenance = unit.tasks.filter((t) => t.kind === "maintenance" && isPending(t));
  return (
    <NoteDialog
      testId="back-in-service-dialog"
      title={`Unit ${unit.name} back in service`}
      intro={
        maintenance.length > 0
          ? `Its maintenance task${maintenance.length === 1 ? "" : "s"} (${maintenance.map((t) => t.notes ?? "no reason given").join("; ")}) will be done and the unit clean, ready for guests.`
          : "The unit will be clean, ready for guests."
      }
      label="What was done"
      required={false}
      confirm="Back in service"
      submit={async (note) => {
        await actions.backInService(unit, note);
        notify(`Unit ${unit.name} is back in service.`, { type: "success" });
      }}
      onClose={onClose}
    />
  );
}

// ---------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------

function TasksTab({ board, me }: { board: Board; me: string | null }) {
  const unitNames = new Map(board.units.map((u) => [u.rowId, u.name]));
  // Mine first, then the most urgent (each group in the board's order).
  const isMine = (t: HousekeepingTaskNode) => me !== null && t.assignedTo === me;
  const pending = [...byPriority(board.tasks.filter(isPending))].sort((a, b) => Number(isMine(b)) - Number(isMine(a)));
  const finished = board.tasks.filter((t) => !isPending(t));
  const create = useCanAccess({ resource: "housekeeping", action: "create_task" });
  const assign = useCanAccess({ resource: "housekeeping", action: "assign_task" });
  const [adding, setAdding] = useState(false);
  const [giving, setGiving] = useState(false);
  return (
    <Stack spacing={2}>
      {((create.canAccess && board.units.length > 0) || (assign.canAccess && pending.length > 1)) && (
        <Stack direction="row" sx={{ flexWrap: "wrap", gap: 1 }}>
          {create.canAccess && board.units.length > 0 && (
            <Button variant="outlined" size="large" startIcon={<AddTaskIcon />} onClick={() => setAdding(true)} sx={touch}>
              New task
            </Button>
          )}
          {assign.canAccess && pending.length > 1 && (
            <Button variant="outlined" size="large" startIcon={<AssignmentIndIcon />} onClick={() => setGiving(true)} sx={touch} data-action="assign-several">
              Give several
            </Button>
          )}
        </Stack>
      )}
      {adding && <NewTaskDialog board={board} onClose={() => setAdding(false)} />}
      {giving && <AssignSeveralDialog tasks={pending} unitNames={unitNames} onClose={() => setGiving(false)} />}
      {pending.length === 0 && <Typography color="text.secondary">Nothing left to do today.</Typography>}
      {pending.map((task) => (
        <TaskCard key={task.rowId} task={task} unitName={unitNames.get(task.unitId) ?? "?"} day={board.day} />
      ))}
      {finished.length > 0 && (
        <>
          <Typography variant="overline" component="h2">
            Finished today
          </Typography>
          {finished.map((task) => (
            <TaskCard key={task.rowId} task={task} unitName={unitNames.get(task.unitId) ?? "?"} day={board.day} />
          ))}
        </>
      )}
    </Stack>
  );
}

/**
 * A supervisor gives tasks to one of the property's housekeepers
 * (assignHousekeepingTasks, issue 21): all or none; a refusal (a task
 * finished meanwhile, someone no longer on the staff) assigns nothing and
 * is shown in the dialog. What is given (a room's tasks, a selection of
 * rooms, ticked tasks) is the caller's: `taskIds`, shown as `children`.
 */
function AssignDialog({ title, testId, taskIds, children, onAssigned, onClose }: {
  title: string;
  testId: string;
  taskIds: string[];
  children: ReactNode;
  onAssigned?: () => void;
  onClose: () => void;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const staff = useBoardStaff(true);
  const titleId = useId();
  const [assignee, setAssignee] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const options = staff.data ?? [];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || taskIds.length === 0 || assignee === "") return;
    setBusy(true);
    setError(null);
    try {
      const given = await dataProvider.assignHousekeepingTasks({ taskIds, assignee });
      const who = options.find((o) => o.userId === assignee)?.name ?? "them";
      notify(`${pluralTasks(given.length)} given to ${who}.`, { type: "success" });
      onAssigned?.();
      onClose();
    } catch (caught) {
      setError(shownError(caught));
      setBusy(false);
    } finally {
      void queryClient.invalidateQueries({ queryKey: [housekeepingQueryKey] });
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="xs" data-testid={testId} aria-labelledby={titleId}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <DialogTitle id={titleId}>{title}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {children}
            <TextField select label="Give them to" value={assignee} onChange={(e) => setAssignee(e.target.value)} disabled={staff.isPending} fullWidth
              data-testid="assign-to" helperText="The property's housekeepers: attendants and housekeeping supervisors.">
              {options.map((o) => (
                <MenuItem key={o.userId} value={o.userId} sx={touch}>
                  {o.name}{o.role !== "housekeeping" ? ` (${humanize(o.role)})` : ""}
                </MenuItem>
              ))}
            </TextField>
            {error && <ApiErrorAlert title="No task was given" error={error} />}
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2, gap: 1 }}>
          <Button onClick={onClose} disabled={busy} size="large" sx={touch}>
            Back
          </Button>
          <Button type="submit" variant="contained" size="large" disabled={busy || taskIds.length === 0 || assignee === ""} sx={touch}
            startIcon={busy ? <CircularProgress size={18} color="inherit" /> : undefined} data-confirm={testId.replace(/-dialog$/, "")}>
            {taskIds.length > 0 ? `Give ${pluralTasks(taskIds.length)}` : "Give tasks"}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** A supervisor ticks several open tasks and gives them to one housekeeper. */
function AssignSeveralDialog({ tasks, unitNames, onClose }: { tasks: HousekeepingTaskNode[]; unitNames: Map<string, string>; onClose: () => void }) {
  const [chosen, setChosen] = useState<string[]>([]);
  return (
    <AssignDialog title="Give several tasks" testId="assign-several-dialog" taskIds={chosen} onClose={onClose}>
      <FormGroup aria-label="Tasks to give">
        {tasks.map((task) => (
          <FormControlLabel
            key={task.rowId}
            sx={touch}
            control={
              <Checkbox
                checked={chosen.includes(task.rowId)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, task.rowId] : chosen.filter((id) => id !== task.rowId))}
              />
            }
            label={`Unit ${unitNames.get(task.unitId) ?? "?"} · ${taskLabels[task.kind]}${task.userByAssignedTo ? ` (now ${task.userByAssignedTo.displayName})` : ""}`}
          />
        ))}
      </FormGroup>
    </AssignDialog>
  );
}

function NewTaskDialog({ board, onClose }: { board: Board; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const { membership } = useCurrentProperty();
  const [unitId, setUnitId] = useState(board.units[0]?.rowId ?? "");
  const [kind, setKind] = useState<NewTaskKind>("inspection");
  const [dueDate, setDueDate] = useState(board.day);
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const trimmed = notes.trim();
  const valid = unitId !== "" && /^\d{4}-\d{2}-\d{2}$/.test(dueDate) && dueDate >= board.day && trimmed.length <= 1000 && (kind !== "maintenance" || trimmed !== "");
  const unitName = board.units.find((u) => u.rowId === unitId)?.name ?? "";
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !valid || !membership) return;
    setBusy(true);
    setError(null);
    try {
      await dataProvider.createHousekeepingTask({ propertyId: membership.propertyId, unitId, kind, dueDate, notes: trimmed === "" ? null : trimmed });
      notify(`${taskLabels[kind]} added for unit ${unitName}.`, { type: "success" });
      onClose();
    } catch (caught) {
      const shown = shownError(caught);
      setError(shown.code === "CONFLICT" ? { ...shown, message: `Unit ${unitName} already has ${kind === "inspection" ? "an inspection" : "a maintenance task"} on that day.` } : shown);
      setBusy(false);
    } finally {
      void queryClient.invalidateQueries({ queryKey: [housekeepingQueryKey] });
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="xs" data-testid="new-task-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <DialogTitle>New task</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField select label="Unit" value={unitId} onChange={(e) => setUnitId(e.target.value)} fullWidth>
              {board.units.map((u) => (
                <MenuItem key={u.rowId} value={u.rowId} sx={touch}>
                  Unit {u.name}
                </MenuItem>
              ))}
            </TextField>
            <TextField select label="Kind" value={kind} onChange={(e) => setKind(e.target.value as NewTaskKind)} fullWidth
              helperText="Cleaning tasks come by themselves: after each check-out, and during stays by the property's rule.">
              <MenuItem value="inspection" sx={touch}>Inspection</MenuItem>
              <MenuItem value="maintenance" sx={touch}>Maintenance</MenuItem>
            </TextField>
            <TextField label="Due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} fullWidth
              error={dueDate < board.day} helperText={dueDate < board.day ? "Today or later." : undefined}
              slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: board.day } }} />
            <TextField label={kind === "maintenance" ? "What needs doing" : "Notes"} value={notes} onChange={(e) => setNotes(e.target.value)}
              required={kind === "maintenance"} multiline minRows={2} fullWidth
              helperText={kind === "maintenance" ? "Required for maintenance. The unit's status does not change: put it out of order if it cannot be sold." : "Optional."} />
            {error && <ApiErrorAlert title="Could not add the task" error={error} />}
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2, gap: 1 }}>
          <Button onClick={onClose} disabled={busy} size="large" sx={touch}>
            Back
          </Button>
          <Button type="submit" variant="contained" size="large" disabled={busy || !valid} sx={touch}
            startIcon={busy ? <CircularProgress size={18} color="inherit" /> : undefined}>
            Add task
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

const taskStatusColours: Record<HousekeepingTaskStatus, "default" | "info" | "success" | "warning"> = {
  open: "warning",
  in_progress: "info",
  done: "success",
  cancelled: "default",
};

/** Who a supervisor can give tasks to (one request for every card: the same query key). */
function useBoardStaff(enabled: boolean) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const { membership } = useCurrentProperty();
  const propertyId = membership?.propertyId;
  return useQuery({
    queryKey: [housekeepingQueryKey, "staff", propertyId],
    queryFn: ({ signal }) => dataProvider.boardStaff({ propertyId: propertyId! }, { signal }),
    enabled: enabled && !!propertyId,
    staleTime: 60_000,
  });
}

/** A supervisor's choice of who does the task (assign_housekeeping_task): one of the property's housekeepers, or nobody. */
function AssignTask({ task, unitName }: { task: HousekeepingTaskNode; unitName: string }) {
  const actions = useBoardActions();
  const notify = useNotify();
  const staff = useBoardStaff(true);
  const [busy, setBusy] = useState(false);
  const options = staff.data ?? [];
  // Someone the task was given to who is no longer on the list still shows by name.
  const current = task.assignedTo && !options.some((o) => o.userId === task.assignedTo)
    ? [{ userId: task.assignedTo, name: task.userByAssignedTo?.displayName ?? "Someone", role: "" }] : [];
  const change = async (assignee: string | null) => {
    if (busy) return;
    setBusy(true);
    try {
      await actions.assignTask(task, assignee);
      const who = [...options, ...current].find((o) => o.userId === assignee)?.name;
      notify(who ? `Unit ${unitName}'s ${taskLabels[task.kind].toLowerCase()} given to ${who}.` : `Unit ${unitName}'s ${taskLabels[task.kind].toLowerCase()} is unassigned.`, { type: "success" });
    } catch (error) {
      const shown = shownError(error);
      notify(`${shown.message} (${shown.code})`, { type: "error" });
    } finally {
      setBusy(false);
    }
  };
  return (
    <TextField select size="small" label="Given to" value={task.assignedTo ?? ""} disabled={busy || staff.isPending}
      onChange={(e) => void change(e.target.value === "" ? null : e.target.value)}
      sx={{ mt: 1.5, width: { xs: "100%", sm: 280 } }} data-testid="assign-task">
      <MenuItem value="" sx={touch}><em>Nobody yet</em></MenuItem>
      {[...options, ...current].map((o) => (
        <MenuItem key={o.userId} value={o.userId} sx={touch}>
          {o.name}{o.role && o.role !== "housekeeping" ? ` (${humanize(o.role)})` : ""}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** A supervisor's priority of a task (setHousekeepingTaskPriority): urgent, high or normal. */
function TaskPriority({ task, unitName }: { task: HousekeepingTaskNode; unitName: string }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const change = async (priority: HousekeepingPriority) => {
    if (busy || priority === task.priority) return;
    setBusy(true);
    try {
      await dataProvider.setHousekeepingTaskPriority({ taskId: task.rowId, priority });
      notify(`Unit ${unitName}'s ${taskLabels[task.kind].toLowerCase()}: ${priorityLabels[priority].toLowerCase()}.`, { type: "success" });
    } catch (error) {
      const shown = shownError(error);
      notify(`${shown.message} (${shown.code})`, { type: "error" });
    } finally {
      setBusy(false);
      void queryClient.invalidateQueries({ queryKey: [housekeepingQueryKey] });
    }
  };
  return (
    <TextField select size="small" label="Priority" value={task.priority} disabled={busy}
      onChange={(e) => void change(e.target.value as HousekeepingPriority)}
      sx={{ mt: 1.5, width: { xs: "100%", sm: 180 } }} data-testid="task-priority-select">
      {housekeepingPriorities.map((p) => (
        <MenuItem key={p} value={p} sx={touch}>{priorityLabels[p]}</MenuItem>
      ))}
    </TextField>
  );
}

function TaskCard({ task, unitName, day }: { task: HousekeepingTaskNode; unitName: string; day: string }) {
  const actions = useBoardActions();
  const notify = useNotify();
  const { permissions } = useCurrentProperty();
  const update = useCanAccess({ resource: "housekeeping", action: "update_task" });
  const cancel = useCanAccess({ resource: "housekeeping", action: "cancel_task" });
  const assign = useCanAccess({ resource: "housekeeping", action: "assign_task" });
  const prioritise = useCanAccess({ resource: "housekeeping", action: "set_priority" });
  const inspect = useCanAccess({ resource: "housekeeping", action: "inspect" });
  const [busy, setBusy] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const pending = isPending(task);
  const mine = task.assignedTo !== null && task.assignedTo === permissions?.userId;
  // Someone else's task is theirs: only a supervisor takes it over (update_housekeeping_task, ASSIGNED);
  // an inspection is signed off by a supervisor (INSPECTION).
  const workable = update.canAccess && (task.assignedTo === null || mine || assign.canAccess === true);
  const canFinish = task.kind !== "inspection" || inspect.canAccess === true;

  const run = async (status: HousekeepingTaskStatus, notes: string | null, done: string) => {
    if (busy) return;
    setBusy(true);
    try {
      await actions.updateTask(task, status, notes);
      notify(done, { type: "success" });
    } catch (error) {
      const shown = shownError(error);
      notify(`${shown.message} (${shown.code})`, { type: "error" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card variant="outlined" data-testid="task-card" data-unit={unitName} data-kind={task.kind} data-status={task.status} data-priority={task.priority} sx={pending ? undefined : { bgcolor: "grey.50" }}>
      <CardContent sx={{ pb: pending ? 1 : 2 }}>
        <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between", gap: 1, flexWrap: "wrap" }}>
          <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
            Unit {unitName} · {taskLabels[task.kind]}
          </Typography>
          <Stack direction="row" sx={{ gap: 1 }}>
            {pending && task.priority !== "normal" && (
              <Chip size="small" label={priorityLabels[task.priority]} color={task.priority === "urgent" ? "error" : "warning"} variant="outlined" data-testid="task-priority" />
            )}
            <Chip size="small" label={humanize(task.status)} color={taskStatusColours[task.status]} variant={pending ? "filled" : "outlined"} />
          </Stack>
        </Stack>
        <Typography variant="body2" color="text.secondary">
          {task.dueDate < day ? <Box component="span" sx={{ color: "error.main", fontWeight: 600 }}>Due {formatDate(task.dueDate)}</Box> : "Due today"}
          {pending && ` · ${task.userByAssignedTo ? `${task.status === "in_progress" ? "taken by" : "given to"} ${mine ? "you" : task.userByAssignedTo.displayName}` : "unassigned"}`}
          {!pending && task.userByCompletedBy ? ` · ${task.status === "done" ? "done" : "cancelled"} by ${task.userByCompletedBy.displayName}` : ""}
        </Typography>
        {task.notes && (
          <Typography variant="body2" sx={{ mt: 0.5 }}>
            {task.notes}
          </Typography>
        )}
        {pending && (assign.canAccess || prioritise.canAccess) && (
          <Stack direction="row" sx={{ flexWrap: "wrap", columnGap: 1.5 }}>
            {assign.canAccess && <AssignTask task={task} unitName={unitName} />}
            {prioritise.canAccess && <TaskPriority task={task} unitName={unitName} />}
          </Stack>
        )}
      </CardContent>
      {pending && workable && (
        <CardActions sx={{ px: 2, pb: 2, pt: 0, gap: 1, flexWrap: "wrap" }}>
          {task.status === "open" && (
            <Button variant="outlined" size="large" startIcon={<PlayArrowIcon />} disabled={busy} sx={{ ...touch, flex: 1 }}
              onClick={() => void run("in_progress", null, `You took unit ${unitName}'s ${taskLabels[task.kind].toLowerCase()}.`)}>
              Start
            </Button>
          )}
          {canFinish && (
            <Button variant="contained" size="large" startIcon={<DoneAllIcon />} disabled={busy} sx={{ ...touch, flex: 1 }}
              onClick={() => void run("done", null, `Unit ${unitName}: ${taskLabels[task.kind].toLowerCase()} done.`)}>
              Done
            </Button>
          )}
          {cancel.canAccess && (
            <Button color="inherit" size="large" disabled={busy} sx={touch} onClick={() => setConfirmCancel(true)}>
              Cancel task
            </Button>
          )}
        </CardActions>
      )}
      {confirmCancel && (
        <NoteDialog
          testId="cancel-task-dialog"
          title={`Cancel unit ${unitName}'s ${taskLabels[task.kind].toLowerCase()}`}
          intro="The task is closed without being done; the unit's status does not change."
          label="Why"
          required={false}
          confirm="Cancel task"
          submit={async (notes) => {
            await actions.updateTask(task, "cancelled", notes);
            notify("Task cancelled.", { type: "info" });
          }}
          onClose={() => setConfirmCancel(false)}
        />
      )}
    </Card>
  );
}
