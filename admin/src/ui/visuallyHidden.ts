// Text for screen readers only: in the accessible name, not on screen (the
// clip pattern of MUI's own visuallyHidden). Absolutely positioned: give its
// parent a position, or inside a scrolling box it widens the page.
export const visuallyHidden = { position: "absolute", width: "1px", height: "1px", margin: "-1px", padding: 0, border: 0, overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap" } as const;
