// A box a wide table scrolls sideways in, so the page itself keeps to the
// screen's width on a phone. `width: 0; min-width: 100%` and
// `contain: inline-size` keep the table's own width out of the page's
// layout (react-admin's content, flex and grid items, would otherwise grow
// to it); the box is focusable and named, so a keyboard can scroll it
// (axe: scrollable-region-focusable).
import Box from "@mui/material/Box";
import type { SxProps, Theme } from "@mui/material/styles";
import type { ReactNode } from "react";

export function ScrollBox({ label, testId, sx, children }: { label: string; testId?: string; sx?: SxProps<Theme>; children: ReactNode }) {
  return (
    <Box
      sx={[{ overflowX: "auto", width: 0, minWidth: "100%", contain: "inline-size" }, ...(Array.isArray(sx) ? sx : sx ? [sx] : [])]}
      tabIndex={0}
      role="region"
      aria-label={label}
      data-testid={testId}
    >
      {children}
    </Box>
  );
}
