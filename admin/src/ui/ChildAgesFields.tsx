// The children's ages as the desk asks them (issue 22): one age select per
// child (0 to 17, "Under 1" for 0), shown when the party has children. A
// rate plan may price children by age (free below an age, a supplement, as
// adults from an age): its quote needs one age per child (INVALID_INPUT,
// reason CHILD_AGES). The console asks them whenever there are children and
// sends them with every quote and booking of the party (the API keeps them
// on the booking even where the plan does not price by age), as the guest
// app does (web/src/components/ChildAges.tsx).
import Box from "@mui/material/Box";
import FormHelperText from "@mui/material/FormHelperText";
import Grid from "@mui/material/Grid";
import MenuItem from "@mui/material/MenuItem";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useId } from "react";
import { childAgeText } from "./dates.ts";

/** Ages as a form holds them: null until the desk chose one. */
export type FormAges = Array<number | null>;

/** The form's ages resized to `children` (the ages chosen so far kept, new children unchosen); [] for a bad count. */
export function resizeAges(ages: FormAges, children: number): FormAges {
  if (!Number.isInteger(children) || children < 0 || children > 50) return [];
  return Array.from({ length: children }, (_, i) => ages[i] ?? null);
}

/** All chosen: the ages (what the API takes as childAges; null when there are no children); else undefined. */
export function chosenAges(ages: FormAges): number[] | null | undefined {
  if (ages.length === 0) return null;
  return ages.every((a): a is number => a !== null) ? ages : undefined;
}

/** Why the party cannot be priced yet: an age not chosen (null when all are). */
export function missingAgesReason(ages: FormAges): string | null {
  const missing = ages.findIndex((a) => a === null);
  if (missing < 0) return null;
  return ages.length === 1 ? "Choose the child's age." : `Choose the age of each child (child ${missing + 1} has none).`;
}

/** A booking's ages as the form's, when they match its children (else unchosen). */
export function formAgesOf(childAges: readonly number[] | null | undefined, children: number): FormAges {
  return childAges && childAges.length === children ? [...childAges] : resizeAges([], children);
}

export function ChildAgesFields({ ages, onChange, disabled = false, error = null, label = "Children's ages", testId = "child-ages" }: {
  ages: FormAges;
  onChange: (ages: FormAges) => void;
  disabled?: boolean;
  /** Why the ages cannot be sent (missingAgesReason, after a submit): shown under them, the unchosen marked. */
  error?: string | null;
  /** The group's legend, e.g. "Room 2: children's ages". */
  label?: string;
  testId?: string;
}) {
  const id = useId();
  if (ages.length === 0) return null;
  return (
    <Box component="fieldset" sx={{ border: 0, p: 0, m: 0, minWidth: 0 }} data-testid={testId} aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}>
      <Typography component="legend" variant="subtitle2" sx={{ p: 0 }}>
        {label}
      </Typography>
      <FormHelperText id={`${id}-hint`} sx={{ mt: 0, mb: 1 }}>
        Each child's age on the arrival day: some rates price children by age (free, a supplement, or as adults).
      </FormHelperText>
      <Grid container spacing={1.5}>
        {ages.map((age, i) => (
          <Grid key={i} size={{ xs: 6, sm: 4, md: 3 }}>
            <TextField
              select
              size="small"
              fullWidth
              label={`Age of child ${i + 1}`}
              value={age ?? ""}
              disabled={disabled}
              required
              error={Boolean(error) && age === null}
              onChange={(e) => {
                const value = e.target.value as number | "";
                onChange(ages.map((a, j) => (j === i ? (value === "" ? null : Number(value)) : a)));
              }}
              slotProps={{ select: { MenuProps: { slotProps: { paper: { sx: { maxHeight: 320 } } } } } }}
              data-testid={`${testId}-${i + 1}`}
            >
              {Array.from({ length: 18 }, (_, a) => (
                <MenuItem key={a} value={a}>
                  {childAgeText(a)}
                </MenuItem>
              ))}
            </TextField>
          </Grid>
        ))}
      </Grid>
      {error && (
        <FormHelperText id={`${id}-error`} error sx={{ mt: 0.5 }} data-testid={`${testId}-error`}>
          {error}
        </FormHelperText>
      )}
    </Box>
  );
}
