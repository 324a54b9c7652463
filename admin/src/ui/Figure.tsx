// A figure of a page's summary: a caption over a value (the guest's stays
// and spend, a group's rooms, total and balance), in a grid of two per row on
// a phone and four on wider screens.
import Grid from "@mui/material/Grid";
import Typography from "@mui/material/Typography";

export function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Grid size={{ xs: 6, sm: 3 }}>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="h6" component="div" data-testid={testId}>
        {value}
      </Typography>
    </Grid>
  );
}
