// The property the console works on, in the app bar: a menu when the user
// is staff at several properties, the property's name otherwise.
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
      <Typography variant="body2" sx={{ mx: 1, display: "flex", alignItems: "center", gap: 0.5 }} data-testid="property-name">
        <ApartmentIcon fontSize="small" /> {membership.propertyName}
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
        sx={{ textTransform: "none" }}
      >
        {membership.propertyName}
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
