// The frame of a back-office screen: the property it works on, its section
// headings, and what a failed query shows.
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import Typography from "@mui/material/Typography";
import type { ReactNode } from "react";
import { ApiErrorAlert, shownError } from "./ApiErrorAlert.tsx";
import { useCurrentProperty } from "../platform/useCurrentProperty.ts";
import type { Membership } from "../platform/authProvider.ts";

/** The selected property, or a notice while it loads / for a user with none. */
export function WithProperty({ children }: { children: (membership: Membership) => ReactNode }) {
  const { membership, isPending } = useCurrentProperty();
  if (isPending) return <LinearProgress sx={{ m: 2 }} />;
  if (!membership) return <Alert severity="info">You are not staff at any property.</Alert>;
  return <>{children(membership)}</>;
}

export function SectionHeading({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ alignItems: { sm: "center" }, justifyContent: "space-between", mb: 1.5 }}>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Typography variant="h6" component="h2">
          {title}
        </Typography>
        {subtitle && (
          <Typography variant="body2" color="text.secondary" component="div">
            {subtitle}
          </Typography>
        )}
      </Box>
      {actions && (
        <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap", alignItems: "center", flexShrink: 0, rowGap: 1 }}>
          {actions}
        </Stack>
      )}
    </Stack>
  );
}

/** What a failed query shows: the API's message and code. */
export function QueryError({ error, title = "Could not load this" }: { error: unknown; title?: string }) {
  return <ApiErrorAlert title={title} error={shownError(error)} />;
}
