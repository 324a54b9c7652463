// "Copy a period" of the rate calendar (issue 21): the prices and
// restrictions of one date range, per rate plan, onto as many dates from
// another date on. The dialog reads both ranges (rateGrid), previews every
// target date as it is now and as it will be, and applies the copy through
// setRates (copyPeriod.ts says which calls), each call with its own
// idempotency key within the one user action: a retry after a failure half
// way sends the done calls again with their keys (the API answers them
// without writing twice) and goes on with the rest. A range the API would
// refuse is said before any call, as the API's INVALID_DATES.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Checkbox from "@mui/material/Checkbox";
import FormControl from "@mui/material/FormControl";
import FormControlLabel from "@mui/material/FormControlLabel";
import FormGroup from "@mui/material/FormGroup";
import FormLabel from "@mui/material/FormLabel";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useMemo, useState } from "react";
import { useDataProvider, useNotify } from "react-admin";
import { formatMoney } from "../../ui/format.ts";
import { addDays, daysBetween, formatShortDate, plural } from "../../ui/dates.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { RateGridDayNode, RatePlanNode } from "./documents.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { ApiErrorAlert } from "../../ui/ApiErrorAlert.tsx";
import { QueryError } from "../../ui/Section.tsx";
import { copiedValues, copyCalls, copyRangeProblem, targetLast, type CopyCall, type CopyRange } from "./copyPeriod.ts";

/** How many target dates the preview lists (the summary counts them all). */
const previewRows = 62;

/** A date's price and restrictions in words, as the grid shows them. */
function describe(cell: { price: string; minStay: number; maxStay: number | null; closedToArrival: boolean; closedToDeparture: boolean; stopSell: boolean }, plan: RatePlanNode): string {
  const flags = [
    cell.minStay !== plan.minStay || cell.minStay > 1 ? `≥${cell.minStay}` : null,
    cell.maxStay !== null && cell.maxStay !== plan.maxStay ? `≤${cell.maxStay}` : null,
    cell.closedToArrival ? "CTA" : null,
    cell.closedToDeparture ? "CTD" : null,
    cell.stopSell ? "Stop" : null,
  ].filter(Boolean);
  return [formatMoney(cell.price, plan.currency), ...flags].join(" ");
}

export function CopyPeriodDialog({ propertyId, plans, typeName, today, initial, onClose }: {
  propertyId: string;
  plans: RatePlanNode[];
  typeName: Map<string, string>;
  today: string;
  initial: { from: string; to: string };
  onClose(): void;
}) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [sourceFirst, setSourceFirst] = useState(initial.from);
  const [sourceLast, setSourceLast] = useState(initial.to);
  const [targetFirst, setTargetFirst] = useState(addDays(initial.to, 1));
  const [planIds, setPlanIds] = useState<string[]>(plans.map((p) => p.rowId));
  const range: CopyRange = { sourceFirst, sourceLast, targetFirst };
  const problem = copyRangeProblem(range, today);
  const lastTarget = problem ? null : targetLast(range);

  const source = useQuery({
    queryKey: ["backoffice", "rateGrid", propertyId, sourceFirst, sourceLast],
    queryFn: ({ signal }) => dataProvider.rateGrid({ propertyId, fromDate: sourceFirst, toDate: sourceLast }, { signal }),
    enabled: problem === null,
  });
  const target = useQuery({
    queryKey: ["backoffice", "rateGrid", propertyId, targetFirst, lastTarget],
    queryFn: ({ signal }) => dataProvider.rateGrid({ propertyId, fromDate: targetFirst, toDate: lastTarget! }, { signal }),
    enabled: problem === null,
  });

  const chosen = plans.filter((p) => planIds.includes(p.rowId));
  const preview = useMemo(() => {
    if (problem || !source.data || !target.data) return null;
    const at = (grid: RateGridDayNode[]) => new Map(grid.map((c) => [`${c.ratePlanId}:${c.date}`, c]));
    const sourceCells = at(source.data);
    const targetCells = at(target.data);
    const length = daysBetween(sourceFirst, sourceLast) + 1;
    const rows: Array<{ date: string; from: string; cells: Array<{ plan: RatePlanNode; now: string; next: string; changes: boolean }> }> = [];
    const calls: CopyCall[] = [];
    let changes = 0;
    for (const plan of chosen) {
      const values = new Map<string, ReturnType<typeof copiedValues>>();
      for (let i = 0; i < length; i++) {
        const from = addDays(sourceFirst, i);
        const cell = sourceCells.get(`${plan.rowId}:${from}`);
        if (cell) values.set(addDays(targetFirst, i), copiedValues(cell, plan));
      }
      calls.push(...copyCalls(plan.rowId, values));
    }
    for (let i = 0; i < length; i++) {
      const date = addDays(targetFirst, i);
      const from = addDays(sourceFirst, i);
      const cells = chosen.flatMap((plan) => {
        const was = targetCells.get(`${plan.rowId}:${date}`);
        const src = sourceCells.get(`${plan.rowId}:${from}`);
        if (!was || !src) return [];
        const now = describe(was, plan);
        // The copy reads, once written, as its source does (the plan's values where it follows the plan).
        const next = describe(src, plan);
        if (now !== next) changes++;
        return [{ plan, now, next, changes: now !== next }];
      });
      rows.push({ date, from, cells });
    }
    return { rows, calls, changes, length };
  }, [problem, source.data, target.data, planIds, sourceFirst, sourceLast, targetFirst]);

  const invalid =
    problem ?? (planIds.length === 0 ? "Choose at least one rate plan." : !preview ? "Reading both periods…" : null);
  return (
    <ActionDialog
      title="Copy a period"
      confirmLabel={preview ? `Copy ${plural(preview.length, "date")}` : "Copy"}
      input={{ range, planIds, calls: preview?.calls ?? [] }}
      invalid={invalid}
      maxWidth="md"
      testId="copy-period"
      errorTitle="The copy stopped"
      onSubmit={async (values, _key, keyFor) => {
        let dates = 0;
        for (const call of values.calls) {
          dates += await dataProvider.setRates({ ...call, idempotencyKey: keyFor(`${call.ratePlanId}:${call.firstDate}:${call.lastDate}:${(call.daysOfWeek ?? []).join("")}`) });
        }
        notify(
          `Copied ${formatShortDate(values.range.sourceFirst)} – ${formatShortDate(values.range.sourceLast)} onto ${formatShortDate(values.range.targetFirst)} on: ${plural(dates, "date")} written.`,
          { type: "success" },
        );
        await queryClient.invalidateQueries({ queryKey: ["backoffice", "rateGrid"] });
      }}
      onClose={onClose}
    >
      <Typography variant="body2" color="text.secondary">
        Each target date gets the price and restrictions its source date has (an overridden price, or the plan's own; stay limits, closed to
        arrival or departure, stop sell). Overrides already on the target dates are replaced.
      </Typography>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        <TextField label="Copy from" type="date" size="small" value={sourceFirst} onChange={(e) => setSourceFirst(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} name="sourceFirst" fullWidth />
        <TextField label="Copy to (last date)" type="date" size="small" value={sourceLast} onChange={(e) => setSourceLast(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} name="sourceLast" fullWidth />
        <TextField
          label="Onto dates from"
          type="date"
          size="small"
          value={targetFirst}
          onChange={(e) => setTargetFirst(e.target.value)}
          slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: today } }}
          helperText={lastTarget ? `to ${formatShortDate(lastTarget)}` : " "}
          name="targetFirst"
          fullWidth
        />
      </Stack>
      <FormControl component="fieldset">
        <FormLabel component="legend">Rate plans</FormLabel>
        <FormGroup row>
          {plans.map((p) => (
            <FormControlLabel
              key={p.rowId}
              control={<Checkbox checked={planIds.includes(p.rowId)} onChange={(e) => setPlanIds(e.target.checked ? [...planIds, p.rowId] : planIds.filter((id) => id !== p.rowId))} />}
              label={`${typeName.get(p.roomTypeId) ?? ""} · ${p.name}`}
            />
          ))}
        </FormGroup>
      </FormControl>
      {problem && <ApiErrorAlert title="These dates cannot be copied" error={{ code: "INVALID_DATES", message: problem }} />}
      {!problem && (source.isFetching || target.isFetching) && <LinearProgress aria-label="Reading both periods" />}
      {source.isError && <QueryError error={source.error} title="Could not read the source dates" />}
      {target.isError && <QueryError error={target.error} title="Could not read the target dates" />}
      {preview && (
        <Box data-testid="copy-preview">
          <Alert severity="info" icon={false} sx={{ mb: 1 }} data-testid="copy-summary">
            {plural(preview.length, "date")} × {plural(chosen.length, "plan")}: <strong>{plural(preview.changes, "date")} change</strong> ({plural(preview.calls.length, "call")} to
            setRates).
          </Alert>
          <Box sx={{ overflow: "auto", maxHeight: 320, width: 0, minWidth: "100%", border: 1, borderColor: "divider", borderRadius: 1 }} tabIndex={0} role="region" aria-label="Preview of the copy">
            <Table size="small" stickyHeader>
              <TableHead>
                <TableRow>
                  <TableCell>Date</TableCell>
                  <TableCell>From</TableCell>
                  {chosen.map((p) => (
                    <TableCell key={p.rowId}>{`${typeName.get(p.roomTypeId) ?? ""} · ${p.name}`}</TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {preview.rows.slice(0, previewRows).map((row) => (
                  <TableRow key={row.date} data-date={row.date}>
                    <TableCell sx={{ whiteSpace: "nowrap" }}>{formatShortDate(row.date)}</TableCell>
                    <TableCell sx={{ whiteSpace: "nowrap", color: "text.secondary" }}>{formatShortDate(row.from)}</TableCell>
                    {row.cells.map((c) => (
                      <TableCell key={c.plan.rowId} sx={{ whiteSpace: "nowrap", fontWeight: c.changes ? 600 : undefined }} data-changes={c.changes}>
                        {c.changes ? `${c.now} → ${c.next}` : c.now}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
          {preview.rows.length > previewRows && (
            <Typography variant="caption" color="text.secondary">
              … and {plural(preview.rows.length - previewRows, "more date")}.
            </Typography>
          )}
        </Box>
      )}
    </ActionDialog>
  );
}
