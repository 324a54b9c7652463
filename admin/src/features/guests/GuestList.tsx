// The Guests list (issue 21): the selected property's guest profiles by
// name, searched in the database (searchGuests: any part of the name, email
// or phone, a booking's contact details, or a booking's exact confirmation
// code), a page at a time. A row opens the profile. Three columns, the
// contact details under the name, so a phone needs no sideways scroll.
// Refreshed live when a guest or a reservation of the property changes.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Chip from "@mui/material/Chip";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useDeferredValue, useState } from "react";
import { Title, useCanAccess, useDataProvider } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import Link from "@mui/material/Link";
import { Pager, usePage } from "../../ui/Pager.tsx";
import { QueryError, SectionHeading, WithProperty } from "../../ui/Section.tsx";
import { formatTimestamp } from "../../ui/format.ts";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { guestPath } from "./paths.ts";

export function GuestList() {
  const { canAccess, isPending } = useCanAccess({ resource: "guests", action: "list" });
  return (
    <Card sx={{ mt: 1, minWidth: 0 }}>
      <Title title="Guests" />
      <CardContent>
        {isPending ? null : !canAccess ? (
          <Alert severity="warning">Guests are for the front desk, managers and owners of the property.</Alert>
        ) : (
          <WithProperty>{(membership) => <GuestSearch membership={membership} />}</WithProperty>
        )}
      </CardContent>
    </Card>
  );
}

function GuestSearch({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const [search, setSearch] = useState("");
  // Typing renders at once; the query follows the deferred value (no request per keystroke while React is busy).
  const deferred = useDeferredValue(search);
  const [page, setPage] = usePage(25);
  const propertyId = membership.propertyId;
  const query = useQuery({
    queryKey: ["guests", "search", propertyId, deferred.trim(), page],
    queryFn: ({ signal }) => dataProvider.searchGuests({ propertyId, search: deferred, ...page }, { signal }),
    placeholderData: keepPreviousData,
  });
  useLiveRefresh(["guests", "reservations"], [["guests"]]);
  return (
    <>
      <SectionHeading
        title={`Guests · ${membership.propertyName}`}
        subtitle="Every guest profile of the property. Search any part of a name, email or phone number, or a booking's confirmation code."
      />
      <TextField
        label="Name, email, phone or code"
        type="search"
        value={search}
        onChange={(e) => {
          setSearch(e.target.value);
          setPage({ ...page, page: 1 });
        }}
        size="small"
        fullWidth
        sx={{ mb: 2, maxWidth: 480 }}
        slotProps={{ htmlInput: { maxLength: 200, "data-testid": "guest-search" } }}
      />
      {query.isError && <QueryError error={query.error} title="Could not search the guests" />}
      <Table size="small" aria-label="Guests" data-testid="guests">
        <TableHead>
          <TableRow>
            <TableCell>Guest</TableCell>
            <TableCell align="right">Stays</TableCell>
            <TableCell sx={{ display: { xs: "none", sm: "table-cell" } }}>Last changed</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {query.isPending && (
            <TableRow>
              <TableCell colSpan={3}>Loading…</TableCell>
            </TableRow>
          )}
          {query.data?.data.length === 0 && (
            <TableRow>
              <TableCell colSpan={3}>{deferred.trim() === "" ? "No guests yet." : `No guest matches “${deferred.trim()}”.`}</TableCell>
            </TableRow>
          )}
          {query.data?.data.map((g) => (
            <TableRow key={g.rowId} hover data-testid="guest-row">
              <TableCell sx={{ minWidth: 0, wordBreak: "break-word" }}>
                <Link component={RouterLink} to={guestPath(g.rowId)} underline="hover" sx={{ fontWeight: 500 }}>
                  {g.fullName}
                </Link>
                {g.isVip && <Chip label="VIP" size="small" color="secondary" sx={{ ml: 1 }} />}
                <Typography variant="body2" color="text.secondary" sx={{ wordBreak: "break-all" }}>
                  {g.email}
                  {g.phone ? ` · ${g.phone}` : ""}
                </Typography>
              </TableCell>
              <TableCell align="right">{g.staysCount}</TableCell>
              <TableCell sx={{ display: { xs: "none", sm: "table-cell" } }}>{formatTimestamp(g.updatedAt, membership.timeZone)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Pager total={query.data?.total ?? 0} page={page} onChange={setPage} label="Guests" />
    </>
  );
}
