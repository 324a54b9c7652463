// A screen's heading: its name (the page's h1), a line of context beside it
// (the property, the day), and the error its data failed to load with.
import Alert from "@mui/material/Alert";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import type { ReactNode } from "react";

export function PageHeading({ title, subtitle, error, mb = 2 }: { title: ReactNode; subtitle: ReactNode; error: Error | null; mb?: number }) {
  return (
    <>
      <Stack direction="row" sx={{ alignItems: "baseline", flexWrap: "wrap", columnGap: 2, mb }}>
        <Typography variant="h5" component="h1">
          {title}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {subtitle}
        </Typography>
      </Stack>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error.message}
        </Alert>
      )}
    </>
  );
}
