// System: how the service is doing, for owners and managers. The SLOs
// (docs/observability-slos.md) computed from the Keepr process's metrics —
// the last hour, or since the process started — with Keepr's internal
// targets beside them; latency per operation; the job queue and the failing
// jobs of the user's properties; channel feeds that need attention;
// realtime and the database pools. Refreshed every 30 seconds.
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Chip, { type ChipProps } from "@mui/material/Chip";
import Grid from "@mui/material/Grid";
import LinearProgress from "@mui/material/LinearProgress";
import Paper from "@mui/material/Paper";
import Stack from "@mui/material/Stack";
import TableCell from "@mui/material/TableCell";
import TableRow from "@mui/material/TableRow";
import ToggleButton from "@mui/material/ToggleButton";
import ToggleButtonGroup from "@mui/material/ToggleButtonGroup";
import Typography from "@mui/material/Typography";
import { useState, type ReactNode } from "react";
import { Title, useCanAccess } from "react-admin";
import type { Figure, SystemFeedState, SystemReport, SystemSlo, SystemWindow } from "../../../../shared/system.ts";
import { ListTable } from "../../ui/ListTable.tsx";
import { QueryError, SectionHeading } from "../../ui/Section.tsx";
import { formatTimestamp, humanize } from "../../ui/format.ts";
import { fetchSystemReport } from "./data.ts";

export function SystemPage() {
  const { canAccess, isPending } = useCanAccess({ resource: "system", action: "show" });
  return (
    <Box sx={{ mt: 1 }}>
      <Title title="System" />
      {isPending ? null : !canAccess ? (
        <Alert severity="warning">The system's status is for owners and managers of the property.</Alert>
      ) : (
        <System />
      )}
    </Box>
  );
}

// ---------------------------------------------------------------------------
// How figures read
// ---------------------------------------------------------------------------

const ms = (seconds: Figure | undefined) => (seconds === null || seconds === undefined ? "—" : `${Math.round(seconds * 1000)} ms`);
/** A share as a percentage with the digits its target needs (99.95 %). */
const percent = (share: Figure, digits = 2) => (share === null ? "—" : `${(share * 100).toFixed(digits)} %`);
const count = (n: number) => new Intl.NumberFormat().format(n);
const duration = (seconds: number) =>
  seconds < 60 ? `${Math.round(seconds)} s` : seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(2)} GiB`);

function windowLabel(period: SystemWindow): string {
  return period.kind === "last_hour" ? "the last hour" : `the ${duration(period.seconds)} since Keepr started`;
}

function StateChip({ state, label }: { state: "met" | "missed" | "no_data"; label?: string }) {
  const colour: ChipProps["color"] = state === "met" ? "success" : state === "missed" ? "error" : "default";
  return <Chip size="small" color={colour} variant={state === "no_data" ? "outlined" : "filled"} label={label ?? (state === "met" ? "Met" : state === "missed" ? "Missed" : "No data")} />;
}

/** A table's box, scrolled sideways on a narrow screen (as wide as its column, never wider; focusable to scroll by keyboard). */
function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box role="region" aria-label={label} tabIndex={0} sx={{ overflowX: "auto", width: 0, minWidth: "100%" }}>
      {children}
    </Box>
  );
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

function System() {
  const query = useQuery({ queryKey: ["system"], queryFn: ({ signal }) => fetchSystemReport({ signal }), refetchInterval: 30_000 });
  const [which, setWhich] = useState<"recent" | "sinceStart">("recent");
  if (query.isPending) return <LinearProgress sx={{ m: 2 }} />;
  if (query.error) return <QueryError error={query.error} title="Could not read the system's status" />;
  const report = query.data;
  const period = report[which];
  return (
    <Grid container spacing={2} data-testid="system-ready">
      <Grid size={12} sx={{ minWidth: 0 }}>
        <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ alignItems: { sm: "baseline" }, justifyContent: "space-between" }}>
          <Box>
            <Typography variant="h5" component="h1">
              System
            </Typography>
            <Typography variant="body2" color="text.secondary">
              Keepr's promises and how it keeps them, measured over {windowLabel(period)}. Updated {formatTimestamp(report.generatedAt)}.
            </Typography>
          </Box>
          <ToggleButtonGroup size="small" exclusive value={which} onChange={(_e, value) => value && setWhich(value)} aria-label="Period">
            <ToggleButton value="recent">{report.recent.kind === "last_hour" ? "Last hour" : "Recent"}</ToggleButton>
            <ToggleButton value="sinceStart">Since start</ToggleButton>
          </ToggleButtonGroup>
        </Stack>
      </Grid>
      <Grid size={12} sx={{ minWidth: 0 }}>
        <SloSection period={period} />
      </Grid>
      <Grid size={12} sx={{ minWidth: 0 }}>
        <Operations period={period} />
      </Grid>
      <Grid size={12} sx={{ minWidth: 0 }}>
        <Jobs report={report} />
      </Grid>
      <Grid size={{ xs: 12, md: 6 }} sx={{ minWidth: 0 }}>
        <Feeds report={report} />
      </Grid>
      <Grid size={{ xs: 12, md: 6 }} sx={{ minWidth: 0 }}>
        <Realtime report={report} />
      </Grid>
    </Grid>
  );
}

function SloSection({ period }: { period: SystemWindow }) {
  return (
    <Card>
      <CardContent>
        <SectionHeading title="Service level objectives" subtitle="Each promise over 30 days, as Prometheus alerts on it; Keepr's own, tighter target beside it." />
        <Grid container spacing={1.5} data-testid="system-slos">
          {period.slos.map((slo) => (
            <Grid key={slo.id} size={{ xs: 12, sm: 6, lg: 4 }}>
              <SloCard slo={slo} />
            </Grid>
          ))}
        </Grid>
      </CardContent>
    </Card>
  );
}

function SloCard({ slo }: { slo: SystemSlo }) {
  const latency = slo.kind === "latency";
  const digits = slo.objective >= 0.999 ? 3 : 2;
  const value = slo.state === "no_data" ? "—" : latency ? ms(slo.p95 ?? null) : percent(slo.id === "job_failures" ? (slo.sli === null ? null : 1 - slo.sli) : slo.sli, digits);
  const what = latency ? "p95" : slo.id === "job_failures" ? "failed" : "succeeded";
  return (
    <Paper variant="outlined" sx={{ p: 1.5, height: "100%" }} data-testid={`slo-${slo.id}`} data-state={slo.state}>
      <Stack direction="row" spacing={1} sx={{ justifyContent: "space-between", alignItems: "flex-start" }}>
        <Typography variant="subtitle2" component="h3">
          {slo.title}
        </Typography>
        <StateChip state={slo.state} />
      </Stack>
      <Typography variant="h5" component="div" sx={{ mt: 0.5 }}>
        {value}{" "}
        <Typography component="span" variant="body2" color="text.secondary">
          {slo.state === "no_data" ? "nothing measured yet" : what}
        </Typography>
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Promise: {slo.promise}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Keepr's target: {slo.internal}
        {slo.internalMet !== null && <> — {slo.internalMet ? "met" : "missed"}</>}
      </Typography>
      {slo.state !== "no_data" && (
        <Typography variant="body2" color="text.secondary">
          {count(slo.events)} {latency ? "operations" : slo.id === "availability" ? "requests" : slo.id === "job_failures" ? "runs" : "payment tries"}, {count(slo.bad)}{" "}
          {latency ? "too slow" : "failed"}; error budget used {percent(slo.budgetSpent, 0)}
        </Typography>
      )}
    </Paper>
  );
}

function Operations({ period }: { period: SystemWindow }) {
  return (
    <Card>
      <CardContent>
        <SectionHeading title="Latency by operation" subtitle="Guest search and quote, and reservation changes, as this Keepr answered them." />
        <ScrollBox label="Latency by operation">
          <ListTable
            label="Latency by operation"
            testId="system-operations"
            columns={[{ label: "Operation" }, { label: "Answered", align: "right" }, { label: "p50", align: "right" }, { label: "p95", align: "right" }, { label: "Target p95", align: "right" }]}
            rows={period.operations}
            empty="No guest search or reservation change answered in this period."
          >
            {(op) => (
              <TableRow key={op.operation}>
                <TableCell>{op.operation}</TableCell>
                <TableCell align="right">{count(op.count)}</TableCell>
                <TableCell align="right">{ms(op.p50)}</TableCell>
                <TableCell align="right" sx={op.p95 !== null && op.p95 > op.threshold ? { color: "error.main", fontWeight: 600 } : undefined}>
                  {ms(op.p95)}
                </TableCell>
                <TableCell align="right">≤ {ms(op.threshold)}</TableCell>
              </TableRow>
            )}
          </ListTable>
        </ScrollBox>
      </CardContent>
    </Card>
  );
}

function Jobs({ report }: { report: SystemReport }) {
  const { jobs } = report;
  const elsewhere = jobs.failingElsewhere.reduce((n, j) => n + j.count, 0);
  return (
    <Card>
      <CardContent>
        <SectionHeading
          title="Background jobs"
          subtitle={jobs.workerHere ? "The queue of the whole service; runs and failures since Keepr started." : "The queue of the whole service. The worker runs in another process: its runs are counted there."}
        />
        <ScrollBox label="Job queue">
          <ListTable
            label="Job queue"
            testId="system-job-queue"
            columns={[
              { label: "Task" }, { label: "Waiting", align: "right" }, { label: "Running", align: "right" }, { label: "Scheduled", align: "right" },
              { label: "Failed for good", align: "right" }, { label: "Oldest wait", align: "right" }, ...(jobs.workerHere ? [{ label: "Runs (failed)", align: "right" as const }] : []),
            ]}
            rows={jobs.tasks}
            empty="No job in the queue."
          >
            {(t) => (
              <TableRow key={t.task}>
                <TableCell>{humanize(t.task)}</TableCell>
                <TableCell align="right">{count(t.runnable)}</TableCell>
                <TableCell align="right">{count(t.locked)}</TableCell>
                <TableCell align="right">{count(t.scheduled)}</TableCell>
                <TableCell align="right" sx={t.failedPermanently > 0 ? { color: "error.main", fontWeight: 600 } : undefined}>
                  {count(t.failedPermanently)}
                </TableCell>
                <TableCell align="right" sx={t.oldestRunnableSeconds > 300 ? { color: "error.main", fontWeight: 600 } : undefined}>
                  {t.runnable > 0 ? duration(t.oldestRunnableSeconds) : "—"}
                </TableCell>
                {jobs.workerHere && (
                  <TableCell align="right">
                    {count(t.runs ?? 0)} ({count(t.failures ?? 0)})
                  </TableCell>
                )}
              </TableRow>
            )}
          </ListTable>
        </ScrollBox>
        <Typography variant="subtitle1" component="h3" sx={{ mt: 2, mb: 1 }}>
          Failing jobs of your properties
        </Typography>
        <ScrollBox label="Failing jobs">
          <ListTable
            label="Failing jobs"
            testId="system-failing-jobs"
            columns={[{ label: "Task" }, { label: "Property" }, { label: "State" }, { label: "Attempts", align: "right" }, { label: "Error" }, { label: "Next try" }]}
            rows={jobs.failing}
            empty="No failing job."
          >
            {(j) => (
              <TableRow key={`${j.task}-${j.updatedAt}-${j.nextRunAt}`}>
                <TableCell>{humanize(j.task)}</TableCell>
                <TableCell>{j.propertyName}</TableCell>
                <TableCell>
                  <Chip size="small" variant="outlined" color={j.state === "failed" ? "error" : "warning"} label={j.state === "failed" ? "Gave up" : "Retrying"} />
                </TableCell>
                <TableCell align="right">
                  {j.attempts} of {j.maxAttempts}
                </TableCell>
                <TableCell sx={{ minWidth: 200 }}>
                  {j.errorCode && (
                    <Typography component="span" variant="body2" sx={{ fontFamily: "monospace", mr: 1 }}>
                      {j.errorCode}
                    </Typography>
                  )}
                  {j.error}
                </TableCell>
                <TableCell>{j.state === "failed" ? "—" : formatTimestamp(j.nextRunAt)}</TableCell>
              </TableRow>
            )}
          </ListTable>
        </ScrollBox>
        {elsewhere > 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }} data-testid="system-failing-elsewhere">
            Elsewhere in the service (other properties, or the service's own jobs): {jobs.failingElsewhere.map((j) => `${j.count} ${humanize(j.task).toLowerCase()}`).join(", ")}.
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

const feedStates: SystemFeedState[] = ["ok", "failing", "stale", "waiting_to_confirm", "paused"];
const feedColour: Record<SystemFeedState, ChipProps["color"]> = { ok: "success", failing: "error", stale: "warning", waiting_to_confirm: "info", paused: "default" };

function Feeds({ report }: { report: SystemReport }) {
  const { feeds } = report;
  return (
    <Card sx={{ height: "100%" }}>
      <CardContent>
        <SectionHeading title="Channel feeds" subtitle="Every feed of the service by state; yours that need attention below." />
        <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", mb: 2 }} data-testid="system-feed-counts">
          {feedStates.map((state) => (
            <Chip key={state} size="small" variant={state === "ok" || feeds.counts[state] === 0 ? "outlined" : "filled"} color={feeds.counts[state] ? feedColour[state] : "default"} label={`${humanize(state)}: ${count(feeds.counts[state])}`} />
          ))}
        </Stack>
        <ScrollBox label="Feeds that need attention">
          <ListTable
            label="Feeds that need attention"
            testId="system-feeds"
            columns={[{ label: "Feed" }, { label: "State" }, { label: "Last good sync" }, { label: "Error" }]}
            rows={feeds.attention}
            empty="Every feed of your properties is in order."
          >
            {(f) => (
              <TableRow key={`${f.propertyName}-${f.unitName}-${f.feedName}`}>
                <TableCell>
                  {f.feedName}
                  <Typography variant="body2" color="text.secondary">
                    {f.propertyName}, unit {f.unitName} ({humanize(f.source)})
                  </Typography>
                </TableCell>
                <TableCell>
                  <Chip size="small" variant="outlined" color={feedColour[f.state]} label={humanize(f.state)} />
                </TableCell>
                <TableCell>{f.lastSuccessAt ? formatTimestamp(f.lastSuccessAt) : "Never"}</TableCell>
                <TableCell sx={{ minWidth: 160 }}>
                  {f.lastError ?? "—"}
                  {f.consecutiveFailures > 0 && (
                    <Typography variant="body2" color="text.secondary">
                      {f.consecutiveFailures} failed polls in a row
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            )}
          </ListTable>
        </ScrollBox>
      </CardContent>
    </Card>
  );
}

function FigureCard({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Paper variant="outlined" sx={{ p: 1.5, height: "100%" }} data-testid={testId}>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="h6" component="div">
        {value}
      </Typography>
    </Paper>
  );
}

function Realtime({ report }: { report: SystemReport }) {
  const { realtime, pools } = report;
  const figure = (n: Figure) => (n === null ? "—" : count(n));
  return (
    <Card sx={{ height: "100%" }}>
      <CardContent>
        <SectionHeading
          title="Realtime and database"
          subtitle="Live updates of the staff screens, from Postgres to the browsers (the realtime service of this Keepr process), and the database."
        />
        <Grid container spacing={1.5} sx={{ mb: 2 }}>
          <Grid size={{ xs: 6, sm: 3, md: 6, lg: 3 }}>
            <FigureCard label="Connections" value={figure(realtime.sockets)} testId="system-sockets" />
          </Grid>
          <Grid size={{ xs: 6, sm: 3, md: 6, lg: 3 }}>
            <FigureCard label="Channels" value={figure(realtime.channels)} testId="system-channels" />
          </Grid>
          <Grid size={{ xs: 6, sm: 3, md: 6, lg: 3 }}>
            <FigureCard label="Lag p95 (commit to send)" value={ms(realtime.lagP95)} testId="system-lag" />
          </Grid>
          <Grid size={{ xs: 6, sm: 3, md: 6, lg: 3 }}>
            <FigureCard label="Changes sent" value={count(realtime.changesSent)} testId="system-changes" />
          </Grid>
        </Grid>
        <ScrollBox label="Replication slots">
          <ListTable label="Replication slots" testId="system-slots" columns={[{ label: "Replication slot" }, { label: "WAL held", align: "right" }]} rows={realtime.slots} empty="No replication slot.">
            {(s) => (
              <TableRow key={s.slot}>
                <TableCell sx={{ wordBreak: "break-all" }}>{s.slot}</TableCell>
                <TableCell align="right">{bytes(s.lagBytes)}</TableCell>
              </TableRow>
            )}
          </ListTable>
        </ScrollBox>
        <ScrollBox label="Database pools">
          <ListTable
            label="Database pools"
            testId="system-pools"
            columns={[{ label: "Connection pool" }, { label: "In use", align: "right" }, { label: "Idle", align: "right" }, { label: "Waiting", align: "right" }]}
            rows={pools}
            empty="No pool measured in this process."
          >
            {(p) => (
              <TableRow key={p.pool}>
                <TableCell>{humanize(p.pool)}</TableCell>
                <TableCell align="right">{count(p.inUse)}</TableCell>
                <TableCell align="right">{count(p.idle)}</TableCell>
                <TableCell align="right" sx={p.waiting > 0 ? { color: "error.main", fontWeight: 600 } : undefined}>
                  {count(p.waiting)}
                </TableCell>
              </TableRow>
            )}
          </ListTable>
        </ScrollBox>
      </CardContent>
    </Card>
  );
}
