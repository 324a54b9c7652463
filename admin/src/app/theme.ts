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
};
