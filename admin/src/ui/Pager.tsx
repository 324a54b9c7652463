// Paged tables: the page state and the pager under a table.
import TablePagination from "@mui/material/TablePagination";
import { useState } from "react";

export interface PageState {
  page: number;
  perPage: number;
}

export function usePage(perPage = 25): [PageState, (page: PageState) => void] {
  const [state, setState] = useState<PageState>({ page: 1, perPage });
  return [state, setState];
}

export function Pager({ total, page, onChange, label }: { total: number; page: PageState; onChange: (page: PageState) => void; label: string }) {
  return (
    <TablePagination
      component="div"
      count={total}
      page={Math.max(0, page.page - 1)}
      rowsPerPage={page.perPage}
      rowsPerPageOptions={[10, 25, 50, 100]}
      onPageChange={(_e, next) => onChange({ ...page, page: next + 1 })}
      onRowsPerPageChange={(e) => onChange({ page: 1, perPage: Number(e.target.value) })}
      labelRowsPerPage={`${label} per page`}
    />
  );
}
