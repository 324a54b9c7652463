// The channel manager of the selected property (owners and managers): per
// unit, the iCal link other channels import (with a copy button) and the
// feeds Keepr imports from them (Airbnb, Vrbo, Booking.com, other PMSs)
// with their sync state: healthy, failing with the last error, stale,
// paused, or waiting to confirm a fetch that would open most of its blocked
// nights (accept it, or let a later fetch confirm it); add, pause, remove a
// feed, sync it now. Above them, what needs a person: open conflicts (the
// nights a channel's booking and Keepr's stay or block both hold: open the
// reservation to move or cancel it, or acknowledge with a note) and the
// reconciliation report (nights Keepr has that a channel does not show as
// taken, fetches waiting to confirm, failing or stale feeds).
// One request (channelsOverview); it refreshes by itself when a feed's
// sync lands or a conflict opens or closes (useLiveRefresh).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import AlertTitle from "@mui/material/AlertTitle";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import CardHeader from "@mui/material/CardHeader";
import Chip from "@mui/material/Chip";
import CircularProgress from "@mui/material/CircularProgress";
import Dialog from "@mui/material/Dialog";
import DialogActions from "@mui/material/DialogActions";
import DialogContent from "@mui/material/DialogContent";
import DialogTitle from "@mui/material/DialogTitle";
import Divider from "@mui/material/Divider";
import IconButton from "@mui/material/IconButton";
import InputAdornment from "@mui/material/InputAdornment";
import MenuItem from "@mui/material/MenuItem";
import Skeleton from "@mui/material/Skeleton";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import Tooltip from "@mui/material/Tooltip";
import Typography from "@mui/material/Typography";
import AddLinkIcon from "@mui/icons-material/AddLink";
import ContentCopyIcon from "@mui/icons-material/ContentCopy";
import DeleteOutlinedIcon from "@mui/icons-material/DeleteOutlined";
import LockOpenIcon from "@mui/icons-material/LockOpen";
import OpenInNewIcon from "@mui/icons-material/OpenInNew";
import PauseIcon from "@mui/icons-material/Pause";
import PlayArrowIcon from "@mui/icons-material/PlayArrow";
import SyncIcon from "@mui/icons-material/Sync";
import TaskAltIcon from "@mui/icons-material/TaskAlt";
import ViewTimelineIcon from "@mui/icons-material/ViewTimeline";
import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, Title, useCanAccess, useCreatePath, useDataProvider, useNotify } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import { formatDate, formatTimeOfDay, formatTimestamp, humanize } from "../../ui/format.ts";
import { tapeChartPath } from "../frontdesk/paths.ts";
import { ApiErrorAlert, shownError, type ShownError } from "../../ui/ApiErrorAlert.tsx";
import { useCurrentProperty } from "../../platform/useCurrentProperty.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import {
  channelSources, type ChannelConflictNode, type ChannelFeedNode, type ChannelFeedPendingChange, type ChannelSource, type ChannelUnitNode,
  type ReconciliationNode,
} from "./documents.ts";
import type { ChannelsOverview } from "./data.ts";
import { listNights, nightCount, plural } from "./nights.ts";
import { PageHeading } from "../../ui/PageHeading.tsx";

/** The query key of the page; the live hook and the actions invalidate it. */
export const channelsQueryKey = "channels";

const sourceLabels: Record<ChannelSource, string> = {
  airbnb: "Airbnb",
  vrbo: "Vrbo",
  booking_com: "Booking.com",
  other: "Other",
};

/** "Airbnb (Casa Azul)", or just the name when it says the channel already ("Airbnb", "Vrbo — Loft"). */
function feedLabel(feed: { source: ChannelSource; name: string }): string {
  const label = sourceLabels[feed.source];
  return feed.name.toLowerCase().includes(label.toLowerCase()) ? feed.name.trim() : `${label} (${feed.name})`;
}

const touch = { minHeight: 44 } as const;

export function ChannelsPage() {
  const { membership } = useCurrentProperty();
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const propertyId = membership?.propertyId;
  const query = useQuery({
    queryKey: [channelsQueryKey, propertyId],
    queryFn: ({ signal }) => dataProvider.channelsOverview({ propertyId: propertyId! }, { signal }),
    enabled: Boolean(propertyId),
    // A fallback only (and for "stale", which is the passing of time): changes arrive live.
    refetchInterval: 60_000,
  });
  // Claims: the reconciliation report compares the feeds with Keepr's stays and blocks.
  useLiveRefresh(["channel_feeds", "channel_conflicts", "units", "inventory_claims"], [[channelsQueryKey]], { propertyId });

  if (!membership) return null;
  const data = query.data;
  return (
    <Box sx={{ mt: { xs: 1, sm: 2 } }} data-testid={data ? "channels-ready" : "channels-loading"}>
      <Title title={`Channels · ${membership.propertyName}`} />
      <PageHeading title="Channels" subtitle={<>iCal sync with Airbnb, Vrbo, Booking.com and other systems · {membership.propertyName}</>} error={query.isError ? query.error : null} />
      {!data && !query.isError && <Skeleton variant="rounded" height={240} />}
      {data && (
        <Stack spacing={3}>
          <Attention data={data} />
          <Typography variant="h6" component="h2">
            Units and their feeds
          </Typography>
          {data.units.length === 0 && <Typography color="text.secondary">This property has no units.</Typography>}
          {data.units.map((unit) => (
            <UnitChannels key={unit.rowId} unit={unit} feeds={data.feeds.filter((f) => f.unitId === unit.rowId)} propertyId={membership.propertyId} />
          ))}
        </Stack>
      )}
    </Box>
  );
}

function useRefreshChannels() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: [channelsQueryKey] });
}

// ---------------------------------------------------------------------------
// What needs a person: conflicts and the reconciliation report
// ---------------------------------------------------------------------------

function Attention({ data }: { data: ChannelsOverview }) {
  const unitNames = new Map(data.units.map((u) => [u.rowId, u.name]));
  // Conflicts are listed with their actions below; the report's other findings here.
  const findings = data.reconciliation.filter((r) => r.kind !== "conflict");
  if (data.conflicts.length === 0 && findings.length === 0) {
    return (
      <Alert severity="success" data-testid="channels-all-clear">
        No open conflicts, and every active feed agrees with Keepr.
      </Alert>
    );
  }
  return (
    <Stack spacing={2}>
      {data.conflicts.length > 0 && (
        <Card variant="outlined" data-testid="conflicts" sx={{ borderColor: "warning.main" }}>
          <CardHeader
            title={`${data.conflicts.length} open conflict${data.conflicts.length === 1 ? "" : "s"}`}
            subheader="A channel has sold nights that Keepr had already given to a stay or a block: those nights are sold twice. The booking's other nights are blocked in Keepr."
            slotProps={{ title: { component: "h2", variant: "h6" } }}
          />
          <CardContent sx={{ pt: 0 }}>
            <Stack divider={<Divider flexItem />} spacing={2}>
              {data.conflicts.map((conflict) => (
                <ConflictRow key={conflict.rowId} conflict={conflict} unitName={unitNames.get(conflict.unitId) ?? "?"} />
              ))}
            </Stack>
          </CardContent>
        </Card>
      )}
      {findings.length > 0 && (
        <Card variant="outlined" data-testid="reconciliation">
          <CardHeader
            title="Reconciliation"
            subheader="Each active feed's last good sync against Keepr, for future nights."
            slotProps={{ title: { component: "h2", variant: "h6" } }}
          />
          <CardContent sx={{ pt: 0 }}>
            <Stack spacing={1}>
              {findings.map((finding, i) => (
                <Finding key={`${finding.feedId}-${finding.kind}-${finding.startDate}-${i}`} finding={finding} />
              ))}
            </Stack>
          </CardContent>
        </Card>
      )}
    </Stack>
  );
}

const findingText: Record<Exclude<ReconciliationNode["kind"], null | "conflict">, { severity: "warning" | "error" | "info"; title: string }> = {
  not_blocked_on_channel: { severity: "warning", title: "Not blocked on the channel" },
  feed_waiting: { severity: "warning", title: "Waiting to confirm" },
  feed_failing: { severity: "error", title: "Feed failing" },
  feed_stale: { severity: "info", title: "Feed stale" },
};

function Finding({ finding }: { finding: ReconciliationNode }) {
  // A kind this console does not know yet (a newer API) still shows, as a note.
  const known = finding.kind && finding.kind !== "conflict" && Object.hasOwn(findingText, finding.kind) ? findingText[finding.kind] : undefined;
  const text = known ?? { severity: "info" as const, title: humanize(finding.kind ?? "note") };
  return (
    <Alert severity={text.severity} data-kind={finding.kind}>
      <AlertTitle>
        {text.title} · unit {finding.unitName} · {finding.feedName}
        {finding.startDate ? ` · ${formatDate(finding.startDate)} → ${formatDate(finding.endDate)}` : ""}
      </AlertTitle>
      {finding.detail}
    </Alert>
  );
}

/** What Keepr's side of a conflict is when it is not a reservation, as "a …" and "the …". */
const claimLabels: Record<string, { a: string; the: string }> = {
  owner_block: { a: "an owner stay", the: "the owner stay" },
  maintenance_block: { a: "a maintenance block", the: "the maintenance block" },
  ota_block: { a: "another channel's booking", the: "the other channel's booking" },
  hold: { a: "a hold (a booking being made)", the: "the hold" },
};
const someBlock = { a: "a block", the: "the block" };

/**
 * One open conflict: the channel's booking (its own dates), the nights sold
 * twice, Keepr's side, and what staff can do: move or cancel the reservation
 * (on its page; the channel's booking then gets the nights and the conflict
 * closes by itself), see a block on the tape chart, or acknowledge.
 */
function ConflictRow({ conflict, unitName }: { conflict: ChannelConflictNode; unitName: string }) {
  const { canAccess } = useCanAccess({ resource: "channels", action: "resolve" });
  const createPath = useCreatePath();
  const [acknowledging, setAcknowledging] = useState(false);
  const keepr = conflict.conflictingReservation;
  const claim = conflict.conflictingClaim;
  const channel = conflict.feed ? feedLabel(conflict.feed) : "A channel";
  const eventNights = nightCount(conflict.eventStartDate, conflict.eventEndDate);
  const sold = nightCount(conflict.startDate, conflict.endDate);
  const claimLabel = (claim && Object.hasOwn(claimLabels, claim.kind) ? claimLabels[claim.kind] : undefined) ?? someBlock;
  const keeprSide = keepr ? `reservation ${keepr.confirmationCode ?? "on hold"}` : claimLabel.the;
  const reservationPath = keepr ? createPath({ resource: "reservations", id: keepr.rowId, type: "show" }) : undefined;
  return (
    <Box data-testid="conflict" data-conflict={conflict.rowId}>
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
        Unit {unitName} · {channel}
      </Typography>
      <Typography variant="body1" data-testid="sold-twice" sx={{ fontWeight: 600, color: "warning.dark", mt: 0.5 }}>
        Sold twice: {listNights(conflict.startDate, conflict.endDate)}
      </Typography>
      <Box
        component="dl"
        sx={{ display: "grid", gridTemplateColumns: { xs: "1fr", sm: "max-content 1fr" }, columnGap: 2, rowGap: { xs: 0, sm: 0.5 }, my: 1,
          "& dt": { color: "text.secondary", typography: "body2" }, "& dd": { m: 0, mb: { xs: 1, sm: 0 }, typography: "body2", minWidth: 0, overflowWrap: "anywhere" } }}
      >
        <dt>Channel booking</dt>
        <dd data-testid="conflict-channel-booking">
          {conflict.summary ? `“${conflict.summary}”` : "A booking"} · {formatDate(conflict.eventStartDate)} → {formatDate(conflict.eventEndDate)} (
          {plural(eventNights, "night")})
          {eventNights > sold ? `; its other ${plural(eventNights - sold, "night")} ${eventNights - sold === 1 ? "is" : "are"} blocked in Keepr` : ""}
        </dd>
        <dt>In Keepr</dt>
        <dd data-testid="conflict-keepr-side">
          {keepr ? (
            <>
              reservation{" "}
              <Link to={reservationPath!}>{keepr.confirmationCode ?? "on hold"}</Link>
              {keepr.guest ? ` (${keepr.guest.fullName})` : ""}
              {keepr.arrival && keepr.departure ? ` · ${formatDate(keepr.arrival)} → ${formatDate(keepr.departure)}` : ""}
            </>
          ) : (
            <>
              {humanizeFirst(claimLabel.a)}
              {claim?.feed ? ` from ${feedLabel(claim.feed)}` : ""}
              {claim?.note ? ` “${claim.note}”` : ""}
              {claim?.startDate && claim.endDate ? ` · ${formatDate(claim.startDate)} → ${formatDate(claim.endDate)}` : ""}
            </>
          )}
        </dd>
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {keepr
          ? `Move ${keeprSide} to another unit or cancel it (on its page): that hands these nights to the channel's booking at once and closes this conflict. Or have the channel cancel its booking.`
          : claim?.kind === "ota_block"
            ? "Two channels have sold these nights: have one of them cancel its booking (the conflict closes with its next sync)."
            : `If ${claimLabel.the} can go, releasing or shortening it hands these nights to the channel's booking at once and closes this conflict. Or have the channel cancel its booking.`}{" "}
        If both stay, acknowledge it with a note.
      </Typography>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", alignItems: "center" }}>
        {reservationPath && (
          <Button component={RouterLink} to={reservationPath} variant="outlined" startIcon={<OpenInNewIcon />} sx={touch}>
            Open reservation
          </Button>
        )}
        {!keepr && (
          <Button component={RouterLink} to={`${tapeChartPath}?from=${conflict.startDate}`} variant="outlined" startIcon={<ViewTimelineIcon />} sx={touch}>
            Show on tape chart
          </Button>
        )}
        {canAccess && (
          <Button variant="contained" color="warning" startIcon={<TaskAltIcon />} onClick={() => setAcknowledging(true)} sx={touch}>
            Acknowledge…
          </Button>
        )}
        <Typography variant="caption" color="text.secondary" sx={{ ml: { sm: "auto" } }}>
          Detected {formatTimestamp(conflict.detectedAt)}
        </Typography>
      </Stack>
      {acknowledging && <AcknowledgeDialog conflict={conflict} unitName={unitName} keeprSide={keeprSide} onClose={() => setAcknowledging(false)} />}
    </Box>
  );
}

const humanizeFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function AcknowledgeDialog({ conflict, unitName, keeprSide, onClose }: { conflict: ChannelConflictNode; unitName: string; keeprSide: string; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const refresh = useRefreshChannels();
  const notify = useNotify();
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const trimmed = note.trim();
  const valid = trimmed.length >= 1 && trimmed.length <= 500;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !valid) return;
    setBusy(true);
    setError(null);
    try {
      await dataProvider.resolveChannelConflict({ conflictId: conflict.rowId, resolution: trimmed });
      notify(`Conflict on unit ${unitName} acknowledged.`, { type: "success" });
      onClose();
    } catch (caught) {
      setError(shownError(caught));
      setBusy(false);
    } finally {
      refresh();
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="sm" data-testid="resolve-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <DialogTitle>Acknowledge the conflict on unit {unitName}</DialogTitle>
        <DialogContent>
          <Stack spacing={2}>
            <Typography variant="body2">
              Nothing changes in Keepr: the channel's booking and {keeprSide} both keep {listNights(conflict.startDate, conflict.endDate)}. Say
              what was done (e.g. "Guest rebooked at our sister hotel" or "Airbnb is cancelling their booking").
            </Typography>
            <Typography variant="body2">
              It stays closed while the same two bookings keep these nights; if either changes and nights are sold twice again, a new
              conflict opens.
            </Typography>
            <TextField
              label="What was done"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              required
              multiline
              minRows={2}
              autoFocus
              fullWidth
              error={trimmed.length > 500}
              helperText={trimmed.length > 500 ? "At most 500 characters." : "Required, kept with the conflict."}
            />
            {error && <ApiErrorAlert title="Could not acknowledge the conflict" error={error} />}
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2 }}>
          <Button onClick={onClose} disabled={busy} sx={touch}>
            Back
          </Button>
          <Button type="submit" variant="contained" disabled={busy || !valid} sx={touch} startIcon={busy ? <CircularProgress size={18} color="inherit" /> : undefined}>
            Acknowledge
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

// ---------------------------------------------------------------------------
// Units: the export link and the imported feeds
// ---------------------------------------------------------------------------

function exportUrl(token: string): string {
  return `${location.origin}/ical/${token}.ics`;
}

function UnitChannels({ unit, feeds, propertyId }: { unit: ChannelUnitNode; feeds: ChannelFeedNode[]; propertyId: string }) {
  const manage = useCanAccess({ resource: "channels", action: "manage" });
  const [adding, setAdding] = useState(false);
  return (
    <Card variant="outlined" data-testid="unit-channels" data-unit={unit.name}>
      <CardHeader
        title={`Unit ${unit.name}`}
        subheader={`${unit.roomType?.name ?? ""}${unit.isActive ? "" : " · inactive (never sold)"}`}
        slotProps={{ title: { component: "h3", variant: "h6" } }}
        action={
          manage.canAccess ? (
            <Button startIcon={<AddLinkIcon />} onClick={() => setAdding(true)} sx={{ ...touch, mt: 1, mr: 1 }}>
              Add feed
            </Button>
          ) : undefined
        }
      />
      <CardContent sx={{ pt: 0 }}>
        <Stack spacing={2}>
          <ExportLink unit={unit} />
          {feeds.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              No feed imported: this unit's bookings elsewhere are not blocked in Keepr.
            </Typography>
          ) : (
            <Stack divider={<Divider flexItem />} spacing={1.5}>
              {feeds.map((feed) => (
                <FeedRow key={feed.rowId} feed={feed} />
              ))}
            </Stack>
          )}
        </Stack>
      </CardContent>
      {adding && <AddFeedDialog unit={unit} propertyId={propertyId} onClose={() => setAdding(false)} />}
    </Card>
  );
}

function ExportLink({ unit }: { unit: ChannelUnitNode }) {
  const notify = useNotify();
  const input = useRef<HTMLInputElement>(null);
  const url = exportUrl(unit.icalToken);
  const copy = async () => {
    try {
      // The Clipboard API exists in secure contexts only (https, localhost).
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      notify(`Unit ${unit.name}'s calendar link copied.`, { type: "info" });
    } catch {
      input.current?.focus();
      input.current?.select();
      notify("Select the link and copy it (Ctrl+C): this browser does not let the page copy here.", { type: "warning" });
    }
  };
  return (
    <TextField
      label="Calendar link for channels to import (keep it private)"
      value={url}
      fullWidth
      size="small"
      inputRef={input}
      onFocus={(e) => e.target.select()}
      slotProps={{
        htmlInput: { readOnly: true, "data-testid": "ical-link", spellCheck: false },
        input: {
          endAdornment: (
            <InputAdornment position="end">
              <Tooltip title="Copy link">
                <IconButton aria-label={`Copy unit ${unit.name}'s calendar link`} onClick={() => void copy()} edge="end" sx={{ width: 44, height: 44 }}>
                  <ContentCopyIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            </InputAdornment>
          ),
        },
      }}
    />
  );
}

type FeedHealth = {
  label: string;
  colour: "success" | "error" | "warning" | "default" | "info";
  state: "ok" | "failing" | "waiting" | "stale" | "never" | "paused";
};

/**
 * A feed's state as staff read it, from its own columns (the report says the
 * same per property). A fetch waiting to confirm is a warning, not an error:
 * the feed answered, and its blocks are kept; a failure after it still shows
 * as failing (the waiting change is shown beside it).
 */
export function feedHealth(feed: ChannelFeedNode, now = Date.now()): FeedHealth {
  if (!feed.isActive) return { label: "Paused", colour: "default", state: "paused" };
  if (feed.lastError) {
    return { label: `Failing${feed.consecutiveFailures > 1 ? ` (${feed.consecutiveFailures}×)` : ""}`, colour: "error", state: "failing" };
  }
  if (feed.pendingChange) return { label: "Waiting to confirm", colour: "warning", state: "waiting" };
  if (!feed.lastSuccessAt) return { label: "Not synced yet", colour: "info", state: "never" };
  if (new Date(feed.lastSuccessAt).getTime() < now - 3 * feed.pollIntervalMinutes * 60_000) return { label: "Stale", colour: "warning", state: "stale" };
  return { label: "In sync", colour: "success", state: "ok" };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid URL";
  }
}

function FeedRow({ feed }: { feed: ChannelFeedNode }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const refresh = useRefreshChannels();
  const notify = useNotify();
  const manage = useCanAccess({ resource: "channels", action: "manage" });
  const sync = useCanAccess({ resource: "channels", action: "sync" });
  const accept = useCanAccess({ resource: "channels", action: "accept" });
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState(false);
  // What the dialog confirms, kept while it is open: a refresh that finds the change gone (applied by a later fetch) must not hide its answer.
  const [accepting, setAccepting] = useState<ChannelFeedPendingChange | null>(null);
  const health = feedHealth(feed);

  const act = async (run: () => Promise<unknown>, done: string) => {
    if (busy) return;
    setBusy(true);
    try {
      await run();
      notify(done, { type: "info" });
    } catch (error) {
      const shown = shownError(error);
      notify(`${shown.message} (${shown.code})`, { type: "error" });
    } finally {
      setBusy(false);
      refresh();
    }
  };

  return (
    <Box data-testid="feed" data-feed={feed.name} data-health={health.state}>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ alignItems: { sm: "center" }, justifyContent: "space-between" }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap", minWidth: 0 }}>
          <Chip size="small" label={sourceLabels[feed.source]} variant="outlined" />
          <Typography variant="subtitle2" component="span">
            {feed.name}
          </Typography>
          <Typography variant="body2" color="text.secondary" component="span" title="The feed's URL is a secret of the channel: only its host is shown.">
            {hostOf(feed.url)}
          </Typography>
          <Chip size="small" label={health.label} color={health.colour} data-testid="feed-health" />
        </Stack>
        <Stack direction="row" spacing={0.5} sx={{ flexShrink: 0 }}>
          {sync.canAccess && feed.isActive && (
            <Button size="small" startIcon={<SyncIcon />} disabled={busy} sx={touch}
              onClick={() => void act(() => dataProvider.syncChannelFeedNow({ feedId: feed.rowId }), `${feed.name}: sync queued; the result shows here when it lands.`)}>
              Sync now
            </Button>
          )}
          {manage.canAccess && (
            <Tooltip title={feed.isActive ? "Pause: stop polling (its blocks stay)" : "Resume polling"}>
              <IconButton aria-label={`${feed.isActive ? "Pause" : "Resume"} ${feed.name}`} disabled={busy} sx={{ width: 44, height: 44 }}
                onClick={() => void act(() => dataProvider.setChannelFeedActive({ feedId: feed.rowId, isActive: !feed.isActive }), feed.isActive ? `${feed.name} paused.` : `${feed.name} resumed.`)}>
                {feed.isActive ? <PauseIcon /> : <PlayArrowIcon />}
              </IconButton>
            </Tooltip>
          )}
          {manage.canAccess && (
            <Tooltip title="Remove feed">
              <IconButton aria-label={`Remove ${feed.name}`} disabled={busy} onClick={() => setRemoving(true)} sx={{ width: 44, height: 44 }}>
                <DeleteOutlinedIcon />
              </IconButton>
            </Tooltip>
          )}
        </Stack>
      </Stack>
      <Stack direction="row" sx={{ flexWrap: "wrap", columnGap: 3, rowGap: 0.5, mt: 0.5 }}>
        <Fact label="Last success">{feed.lastSuccessAt ? formatTimestamp(feed.lastSuccessAt) : "never"}</Fact>
        <Fact label="Events seen">{feed.eventsSeen ?? "—"}</Fact>
        <Fact label="Polled every">{feed.pollIntervalMinutes} min</Fact>
        {feed.isActive && <Fact label="Next poll">{formatTimestamp(feed.nextPollAt)}</Fact>}
      </Stack>
      {feed.pendingChange && (
        <PendingChange feed={feed} pending={feed.pendingChange} canAccept={accept.canAccess === true} onAccept={() => setAccepting(feed.pendingChange)} />
      )}
      {accepting && <AcceptChangeDialog feed={feed} pending={accepting} onClose={() => setAccepting(null)} />}
      {feed.lastError && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid="feed-error">
          <AlertTitle>Last error · {formatTimestamp(feed.lastErrorAt)}</AlertTitle>
          {feed.lastError}
          <Typography variant="caption" component="div" sx={{ mt: 0.5 }}>
            The blocks this feed made are kept while it fails; polling backs off (at most every 6 hours).
          </Typography>
        </Alert>
      )}
      {removing && (
        <Dialog open onClose={() => setRemoving(false)} data-testid="remove-feed-dialog">
          <DialogTitle>Remove {feed.name}?</DialogTitle>
          <DialogContent>
            <Typography variant="body2">
              Keepr stops importing this calendar, and the blocks it made are released: those nights become sellable in Keepr again.
            </Typography>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setRemoving(false)} sx={touch}>
              Back
            </Button>
            <Button color="error" variant="contained" sx={touch} disabled={busy}
              onClick={() => {
                setRemoving(false);
                void act(() => dataProvider.deleteChannelFeed({ feedId: feed.rowId }), `${feed.name} removed.`);
              }}>
              Remove feed
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </Box>
  );
}

/**
 * A fetch kept aside because it would open most of the feed's blocked
 * nights at once: why, that the blocks are kept, when a fetch that agrees
 * applies it, and the button to accept it now.
 */
function PendingChange({ feed, pending, canAccept, onAccept }: { feed: ChannelFeedNode; pending: ChannelFeedPendingChange; canAccept: boolean; onAccept: () => void }) {
  const { membership } = useCurrentProperty();
  const timeZone = membership?.timeZone ?? "UTC";
  return (
    <Alert severity="warning" sx={{ mt: 1, "& .MuiAlert-message": { minWidth: 0 } }} data-testid="feed-pending">
      <AlertTitle>Waiting to confirm</AlertTitle>
      <Typography variant="body2" data-testid="feed-pending-reason">
        {pending.reason ?? "This fetch would open most of the nights the feed blocks."}
      </Typography>
      <Typography variant="body2" sx={{ mt: 0.5 }} data-testid="feed-pending-when">
        Blocks kept; applied if a fetch after {formatTimeOfDay(pending.confirmAfter, timeZone)} says the same.
      </Typography>
      <Typography variant="caption" component="div" sx={{ mt: 0.5 }}>
        First seen {formatTimestamp(pending.firstSeenAt, timeZone)}. If the channel's calendar is right (its bookings were cancelled), accept it
        now; if it is a glitch, check the channel's calendar link.
      </Typography>
      {canAccept && (
        <Button variant="outlined" color="inherit" startIcon={<LockOpenIcon />} onClick={onAccept} sx={{ ...touch, mt: 1 }}
          aria-label={`Accept change of ${feed.name}`}>
          Accept change
        </Button>
      )}
    </Alert>
  );
}

function AcceptChangeDialog({ feed, pending, onClose }: { feed: ChannelFeedNode; pending: ChannelFeedPendingChange; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const refresh = useRefreshChannels();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const released = pending.nightsReleased ?? 0;
  const blocked = pending.nightsBlocked ?? 0;
  const opens = plural(released, "night");
  const accept = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await dataProvider.acceptChannelFeedChange({ feedId: feed.rowId });
      notify(`${feed.name}: change applied; ${opens} opened.`, { type: "success" });
      onClose();
    } catch (caught) {
      setError(shownError(caught));
      setBusy(false);
    } finally {
      refresh();
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="sm" data-testid="accept-change-dialog">
      <DialogTitle>Accept the change from {feed.name}?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Typography variant="body2">
            It opens {released === blocked ? `all ${opens}` : `${opens} of the ${blocked}`} this feed blocks: they become sellable in Keepr at
            once, and on every channel that imports Keepr's calendar.
          </Typography>
          <Typography variant="body2">
            Accept only if the channel's calendar is right (check it on the channel). A calendar that came back empty by mistake would let those
            nights be sold twice.
          </Typography>
          {error && <ApiErrorAlert title="Could not accept the change" error={error} />}
        </Stack>
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2, flexWrap: "wrap", gap: 1 }}>
        <Button onClick={onClose} disabled={busy} sx={touch}>
          Back
        </Button>
        <Button variant="contained" color="warning" onClick={() => void accept()} disabled={busy} sx={touch}
          startIcon={busy ? <CircularProgress size={18} color="inherit" /> : <LockOpenIcon />}>
          Accept: open {opens}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Typography variant="body2" component="span">
      <Box component="span" sx={{ color: "text.secondary" }}>
        {label}:
      </Box>{" "}
      {children}
    </Typography>
  );
}

function AddFeedDialog({ unit, propertyId, onClose }: { unit: ChannelUnitNode; propertyId: string; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const refresh = useRefreshChannels();
  const notify = useNotify();
  const [source, setSource] = useState<ChannelSource>("airbnb");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [pollEvery, setPollEvery] = useState("15");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | null>(null);
  const urlOk = /^https?:\/\/\S+$/.test(url.trim()) && url.trim().length <= 2000;
  const minutes = Number(pollEvery);
  const intervalOk = Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440;
  const finalName = name.trim() || sourceLabels[source];
  const valid = urlOk && intervalOk && finalName.length <= 100;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !valid) return;
    setBusy(true);
    setError(null);
    try {
      const feed = await dataProvider.createChannelFeed({ propertyId, unitId: unit.rowId, source, name: finalName, url: url.trim(), pollIntervalMinutes: minutes });
      // A new feed is due at once; ask for it now so staff see the result without waiting for the poller.
      await dataProvider.syncChannelFeedNow({ feedId: feed.rowId }).catch(() => undefined);
      notify(`${finalName} added to unit ${unit.name}; it is being read now.`, { type: "success" });
      onClose();
    } catch (caught) {
      const shown = shownError(caught);
      setError(shown.code === "CONFLICT" ? { ...shown, message: "This unit already imports a feed with this URL." } : shown);
      setBusy(false);
    } finally {
      refresh();
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="sm" data-testid="add-feed-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <DialogTitle>Import a calendar into unit {unit.name}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <Typography variant="body2">
              Paste the iCal export link the channel gives for this listing (Airbnb: Availability → Connect calendars; Vrbo and
              Booking.com: calendar sync / export). Its bookings become blocks on this unit.
            </Typography>
            <TextField select label="Channel" value={source} onChange={(e) => setSource(e.target.value as ChannelSource)} fullWidth>
              {channelSources.map((s) => (
                <MenuItem key={s} value={s}>
                  {sourceLabels[s]}
                </MenuItem>
              ))}
            </TextField>
            <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} placeholder={sourceLabels[source]} fullWidth
              helperText="How staff see it, e.g. “Airbnb — Sea view loft”." slotProps={{ htmlInput: { maxLength: 100 } }} />
            <TextField label="Calendar URL" value={url} onChange={(e) => setUrl(e.target.value)} required fullWidth type="url"
              error={url !== "" && !urlOk} helperText={url !== "" && !urlOk ? "An http(s) link, up to 2000 characters." : "Starts with https://"} />
            <TextField label="Poll every (minutes)" value={pollEvery} onChange={(e) => setPollEvery(e.target.value)} type="number" fullWidth
              error={!intervalOk} helperText={intervalOk ? "15 is usual; channels refresh their exports every few minutes to hours." : "1 to 1440 minutes."}
              slotProps={{ htmlInput: { min: 1, max: 1440 } }} />
            {error && <ApiErrorAlert title="Could not add the feed" error={error} />}
          </Stack>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2 }}>
          <Button onClick={onClose} disabled={busy} sx={touch}>
            Back
          </Button>
          <Button type="submit" variant="contained" disabled={busy || !valid} sx={touch} startIcon={busy ? <CircularProgress size={18} color="inherit" /> : undefined}>
            Add feed
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
