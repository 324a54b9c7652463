// The property the console works on, in the app bar: a menu when the user
// is staff at several properties, the property's name otherwise. On a phone
// only its icon shows (the name is the button's accessible name and is in
// the page's title), so the app bar's title keeps its width (issue 21).
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import ListItemText from "@mui/material/ListItemText";
import Menu from "@mui/material/Menu";
import MenuItem from "@mui/material/MenuItem";
import Typography from "@mui/material/Typography";
import ApartmentIcon from "@mui/icons-material/Apartment";
import ArrowDropDownIcon from "@mui/icons-material/ArrowDropDown";
import { useState } from "react";
import { useRedirect } from "react-admin";
import { useCurrentProperty } from "../platform/useCurrentProperty.ts";
import { roleLabels } from "../platform/access.ts";

export function PropertySwitcher() {
  const { membership, memberships, select } = useCurrentProperty();
  const redirect = useRedirect();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  if (!membership) return null;
  if (memberships.length === 1) {
    return (
      <Typography variant="body2" sx={{ mx: 1, display: "flex", alignItems: "center", gap: 0.5, flexShrink: 0 }} data-testid="property-name" title={membership.propertyName}>
        <ApartmentIcon fontSize="small" />
        <Box component="span" sx={{ display: { xs: "none", sm: "inline" } }}>{membership.propertyName}</Box>
      </Typography>
    );
  }
  return (
    <>
      <Button
        color="inherit"
        startIcon={<ApartmentIcon />}
        endIcon={<ArrowDropDownIcon />}
        onClick={(e) => setAnchor(e.currentTarget)}
        aria-haspopup="menu"
        aria-label={`Property: ${membership.propertyName}. Switch property`}
        data-testid="property-switcher"
        sx={{ textTransform: "none", flexShrink: 0, minWidth: 0, "& .MuiButton-startIcon": { mr: { xs: 0, sm: 1 } } }}
      >
        <Box component="span" sx={{ display: { xs: "none", sm: "inline" } }}>{membership.propertyName}</Box>
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {memberships.map((m) => (
          <MenuItem
            key={m.propertyId}
            selected={m.propertyId === membership.propertyId}
            onClick={() => {
              setAnchor(null);
              if (m.propertyId !== membership.propertyId) {
                select(m.propertyId);
                redirect("/");
              }
            }}
          >
            <ListItemText primary={m.propertyName} secondary={`${roleLabels[m.role]} · ${m.timeZone}`} />
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
