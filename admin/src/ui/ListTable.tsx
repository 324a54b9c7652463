// A list as the console's screens show it: a small table with its column
// headings, one row saying so when the list is empty, then a row per item.
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import type { SxProps, Theme } from "@mui/material/styles";
import type { ReactNode } from "react";

export interface Column {
  label?: ReactNode;
  align?: "right";
  sx?: SxProps<Theme>;
}

export function ListTable<T>({ label, testId, columns, rows, empty, children }: {
  /** The table's accessible name. */
  label: string;
  testId?: string;
  columns: readonly Column[];
  /** undefined while loading: neither the empty row nor any item. */
  rows: readonly T[] | undefined;
  empty: ReactNode;
  children: (row: T) => ReactNode;
}) {
  return (
    <Table size="small" aria-label={label} data-testid={testId}>
      <TableHead>
        <TableRow>
          {columns.map((column, i) => (
            <TableCell key={i} align={column.align} sx={column.sx}>
              {column.label}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows?.length === 0 && (
          <TableRow>
            <TableCell colSpan={columns.length}>{empty}</TableCell>
          </TableRow>
        )}
        {rows?.map(children)}
      </TableBody>
    </Table>
  );
}
