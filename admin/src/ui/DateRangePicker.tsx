// A range of dates a report or list covers, with presets.
import Button from "@mui/material/Button";
import Stack from "@mui/material/Stack";
import TextField from "@mui/material/TextField";
import { useState } from "react";
import { isIsoDate } from "./dates.ts";

export interface DateRange {
  from: string;
  to: string;
}

/** From/to date pickers (native date inputs) with quick ranges; `max` days at most. */
export function DateRangePicker({ value, onChange, presets = [], maxDays, idPrefix }: {
  value: DateRange;
  onChange: (range: DateRange) => void;
  presets?: Array<{ label: string; range: DateRange }>;
  maxDays?: number;
  idPrefix: string;
}) {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen.from !== value.from || seen.to !== value.to) {
    setSeen(value);
    setDraft(value);
  }
  const valid = isIsoDate(draft.from) && isIsoDate(draft.to) && draft.from <= draft.to;
  const tooLong = valid && maxDays !== undefined && (Date.parse(draft.to) - Date.parse(draft.from)) / 86_400_000 + 1 > maxDays;
  const commit = (next: DateRange) => {
    setDraft(next);
    const ok = isIsoDate(next.from) && isIsoDate(next.to) && next.from <= next.to &&
      (maxDays === undefined || (Date.parse(next.to) - Date.parse(next.from)) / 86_400_000 + 1 <= maxDays);
    if (ok) onChange(next);
  };
  return (
    // useFlexGap: a gap, not a left margin, so a field that wraps to the next line (a phone) starts at its edge.
    <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }} data-testid={`${idPrefix}-range`}>
      <TextField
        id={`${idPrefix}-from`}
        label="From"
        type="date"
        size="small"
        fullWidth={false}
        sx={{ width: 175 }}
        value={draft.from}
        onChange={(e) => commit({ ...draft, from: e.target.value })}
        slotProps={{ inputLabel: { shrink: true } }}
        error={!valid || tooLong}
      />
      <TextField
        id={`${idPrefix}-to`}
        label="To"
        type="date"
        size="small"
        fullWidth={false}
        sx={{ width: 175 }}
        value={draft.to}
        onChange={(e) => commit({ ...draft, to: e.target.value })}
        slotProps={{ inputLabel: { shrink: true } }}
        error={!valid || tooLong}
        helperText={!valid ? "The end is before the start." : tooLong ? `At most ${maxDays} days.` : undefined}
      />
      {presets.map((preset) => (
        <Button key={preset.label} size="small" onClick={() => commit(preset.range)} variant={preset.range.from === value.from && preset.range.to === value.to ? "contained" : "text"}>
          {preset.label}
        </Button>
      ))}
    </Stack>
  );
}
