// A list filter that is on or off (e.g. "Show expired and released holds"):
// a MUI Switch bound to react-admin's filter form with useInput. Off is
// false, not undefined: react-admin's filter form would keep the last value
// of a filter set to undefined.
import FormControlLabel from "@mui/material/FormControlLabel";
import Switch from "@mui/material/Switch";
import { useInput } from "react-admin";

export interface FilterSwitchProps {
  source: string;
  label: string;
  /** Read by react-admin's filter form: the filter is always shown. */
  alwaysOn?: boolean;
}

export function FilterSwitch({ source, label }: FilterSwitchProps) {
  const { field, id } = useInput<boolean | undefined>({ source });
  return (
    <FormControlLabel
      sx={{ ml: 0, mb: 1 }}
      control={<Switch id={id} checked={field.value === true} onChange={(e) => field.onChange(e.target.checked)} />}
      label={label}
    />
  );
}
