// react-admin's default light theme in Keepr's colours.
import { defaultLightTheme, type RaThemeOptions } from "react-admin";

export const theme: RaThemeOptions = {
  ...defaultLightTheme,
  palette: {
    ...defaultLightTheme.palette,
    primary: { main: "#1d5c87" },
    secondary: { main: "#264653" },
    // MUI's orange fails WCAG AA contrast with white text (3.1:1); this one passes (5:1).
    warning: { main: "#b45309" },
  },
  components: {
    ...defaultLightTheme.components,
    // A progress bar or spinner needs an accessible name (axe: aria-progressbar-name). Those that
    // say what they wait for pass their own aria-label; every other one is named "Loading".
    MuiLinearProgress: { defaultProps: { "aria-label": "Loading" } },
    MuiCircularProgress: { defaultProps: { "aria-label": "Loading" } },
  },
};
