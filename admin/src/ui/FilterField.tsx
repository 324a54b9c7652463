// A list filter input: a plain MUI TextField bound to react-admin's filter
// form with useInput. (react-admin 5.15's TextInput and DateInput still pass
// MUI's removed InputProps/InputLabelProps, which MUI 9 hands to the DOM.)
import TextField from "@mui/material/TextField";
import { useInput } from "react-admin";

export interface FilterFieldProps {
  source: string;
  label: string;
  type?: "text" | "date";
  /** Read by react-admin's filter form: the filter is always shown. */
  alwaysOn?: boolean;
}

export function FilterField({ source, label, type = "text" }: FilterFieldProps) {
  const { field, id } = useInput<string | undefined>({
    source,
    format: (value) => value ?? "",
    // An emptied field is "" (react-admin's filter form drops empty values): undefined would leave the
    // last value in the URL, so clearing a search would not clear it.
    parse: (value: string) => (value.trim() === "" ? "" : value),
  });
  return (
    <TextField
      {...field}
      id={id}
      label={label}
      type={type}
      size="small"
      variant="filled"
      slotProps={{ inputLabel: { shrink: type === "date" ? true : undefined } }}
    />
  );
}
