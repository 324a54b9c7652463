// Companies (the city ledger): the firms and travel agents a stay may be
// billed to, each with its own account (a company folio) that the desk
// transfers open balances to and that the company pays on its terms; and
// the AR aging report: what each company owes, by how long it is overdue.
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Button from "@mui/material/Button";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Chip from "@mui/material/Chip";
import FormControlLabel from "@mui/material/FormControlLabel";
import IconButton from "@mui/material/IconButton";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import Switch from "@mui/material/Switch";
import Tab from "@mui/material/Tab";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableContainer from "@mui/material/TableContainer";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Tabs from "@mui/material/Tabs";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import AddBusinessIcon from "@mui/icons-material/AddBusiness";
import EditIcon from "@mui/icons-material/Edit";
import { useState } from "react";
import { Title, useCanAccess, useDataProvider, useNotify, useRefresh } from "react-admin";
import { Link, Navigate, useParams } from "react-router-dom";
import { folioPath } from "../accounting/paths.ts";
import { ActionDialog } from "../../ui/ActionDialog.tsx";
import { MoneyCell } from "../../ui/MoneyField.tsx";
import { QueryError, SectionHeading, WithProperty } from "../../ui/Section.tsx";
import { todayIn } from "../../ui/format.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import type { ArAgingNode, CompanyNode, CompanyValues } from "./documents.ts";

export const companiesTabs = ["list", "ar-aging"] as const;
export type CompaniesTab = (typeof companiesTabs)[number];
export const companiesPath = (tab: CompaniesTab = "list") => `/companies/${tab}`;

export function CompaniesPage() {
  const { tab } = useParams();
  const list = useCanAccess({ resource: "companies", action: "list" });
  const aging = useCanAccess({ resource: "companies", action: "ar_aging" });
  if (!tab || !(companiesTabs as readonly string[]).includes(tab)) return <Navigate to={companiesPath("list")} replace />;
  const current = tab as CompaniesTab;
  return (
    <Card sx={{ mt: 1, minWidth: 0 }}>
      <Title title={current === "list" ? "Companies" : "Companies · AR aging"} />
      <Tabs value={current} variant="scrollable" scrollButtons="auto" aria-label="Companies">
        <Tab value="list" label="Companies" component={Link} to={companiesPath("list")} />
        {aging.canAccess && <Tab value="ar-aging" label="AR aging" component={Link} to={companiesPath("ar-aging")} />}
      </Tabs>
      <CardContent>
        {list.isPending || aging.isPending ? null : !list.canAccess || (current === "ar-aging" && !aging.canAccess) ? (
          <Alert severity="warning">
            {current === "ar-aging" ? "AR aging is for owners, managers and accountants of the property." : "Companies are for the front desk and the back office of the property."}
          </Alert>
        ) : (
          <WithProperty>
            {(membership) => (current === "list" ? <CompanyList key={membership.propertyId} membership={membership} /> : <ArAging key={membership.propertyId} membership={membership} />)}
          </WithProperty>
        )}
      </CardContent>
    </Card>
  );
}

const blank: CompanyValues = {
  name: "", legalName: null, addressLine1: null, addressLine2: null, postalCode: null, city: null, country: null, taxId: null, email: null,
  paymentTermsDays: 30, isActive: true,
};

function CompanyList({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const canEdit = useCanAccess({ resource: "companies", action: "edit", record: { propertyId: membership.propertyId } }).canAccess === true;
  const companies = useQuery({
    queryKey: ["desk", "companies", membership.propertyId],
    queryFn: ({ signal }) => dataProvider.companies({ propertyId: membership.propertyId }, { signal }),
  });
  const [editing, setEditing] = useState<CompanyNode | "new" | null>(null);
  return (
    <>
      <SectionHeading
        title="Companies"
        subtitle="Firms and travel agents stays are billed to. Each has an account (city ledger) that open balances are transferred to."
        actions={
          canEdit && (
            <Button variant="contained" startIcon={<AddBusinessIcon />} onClick={() => setEditing("new")} data-action="add-company">
              Add company
            </Button>
          )
        }
      />
      {companies.isPending && <LinearProgress />}
      {companies.isError && <QueryError error={companies.error} title="Could not load the companies" />}
      {companies.isSuccess &&
        (companies.data.length === 0 ? (
          <Typography variant="body2">No companies yet.</Typography>
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Companies" data-testid="companies">
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>Tax id</TableCell>
                  <TableCell>City</TableCell>
                  <TableCell align="right">Terms</TableCell>
                  <TableCell align="right">Owes</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {companies.data.map((c) => (
                  <TableRow key={c.rowId} data-company={c.name}>
                    <TableCell>
                      {c.name} {!c.isActive && <Chip size="small" label="Inactive" />}
                      {c.legalName && c.legalName !== c.name && (
                        <Typography variant="caption" component="div" color="text.secondary">
                          {c.legalName}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell>{c.taxId ?? "—"}</TableCell>
                    <TableCell>{[c.city, c.country].filter(Boolean).join(", ") || "—"}</TableCell>
                    <TableCell align="right">{c.paymentTermsDays} days</TableCell>
                    {(() => {
                      const b = c.folio?.balances.nodes.find((n) => n !== null) ?? null;
                      return <MoneyCell amount={b?.balance ?? "0"} currency={b?.currency ?? membership.currency} muted={!b || b.balance === "0"} />;
                    })()}
                    <TableCell align="right" sx={{ whiteSpace: "nowrap" }}>
                      {c.folio && (
                        <Button size="small" component={Link} to={folioPath(c.folio.rowId)} aria-label={`Account of ${c.name}`}>
                          Account
                        </Button>
                      )}
                      {canEdit && (
                        <IconButton size="small" aria-label={`Edit company ${c.name}`} onClick={() => setEditing(c)}>
                          <EditIcon fontSize="small" />
                        </IconButton>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        ))}
      {editing && <CompanyDialog membership={membership} company={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function CompanyDialog({ membership, company, onClose }: { membership: Membership; company: CompanyNode | null; onClose: () => void }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [values, setValues] = useState<CompanyValues>(() => {
    if (!company) return blank;
    const { rowId: _id, propertyId: _p, folio: _f, ...rest } = company;
    return rest;
  });
  const [terms, setTerms] = useState(String(company?.paymentTermsDays ?? 30));
  const text = (key: keyof CompanyValues, label: string, options: { required?: boolean; max?: number; type?: string } = {}) => (
    <TextField
      label={label}
      value={(values[key] as string | null) ?? ""}
      onChange={(e) => setValues({ ...values, [key]: e.target.value })}
      size="small"
      fullWidth
      required={options.required}
      type={options.type}
      slotProps={{ htmlInput: { maxLength: options.max ?? 200 } }}
    />
  );
  const days = /^\d{1,3}$/.test(terms.trim()) ? Number(terms.trim()) : NaN;
  const trimmed: CompanyValues = {
    ...values,
    name: values.name.trim(),
    ...Object.fromEntries(
      (["legalName", "addressLine1", "addressLine2", "postalCode", "city", "country", "taxId", "email"] as const).map((k) => [k, values[k]?.trim() || null]),
    ),
    country: values.country?.trim().toUpperCase() || null,
    paymentTermsDays: days,
  };
  const invalid = !trimmed.name
    ? "Name the company."
    : !(days >= 0 && days <= 365)
      ? "Payment terms: 0 to 365 days."
      : trimmed.country && !/^[A-Z]{2}$/.test(trimmed.country)
        ? "Country: the two-letter code (PT, DE, …)."
        : trimmed.email && !/^[^\s@]+@[^\s@]+$/.test(trimmed.email)
          ? "The email address is not valid."
          : null;
  return (
    <ActionDialog
      title={company ? `Edit ${company.name}` : "Add a company"}
      confirmLabel={company ? "Save" : "Add company"}
      input={trimmed}
      invalid={invalid}
      testId="company"
      onSubmit={async (input) => {
        const saved = await dataProvider.saveCompany({ propertyId: membership.propertyId, id: company?.rowId ?? null, values: input });
        notify(`${saved.name} saved.`, { type: "success" });
        refresh();
      }}
      onClose={onClose}
    >
      {text("name", "Name", { required: true })}
      {text("legalName", "Legal name (on invoices)")}
      {text("taxId", "Tax id (VAT number)", { max: 50 })}
      {text("email", "Billing email", { type: "email" })}
      {text("addressLine1", "Address")}
      {text("addressLine2", "Address, second line")}
      <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
        {text("postalCode", "Postal code", { max: 20 })}
        {text("city", "City", { max: 100 })}
        {text("country", "Country (2 letters)", { max: 2 })}
      </Stack>
      <TextField
        label="Payment terms (days)"
        value={terms}
        onChange={(e) => setTerms(e.target.value)}
        size="small"
        required
        slotProps={{ htmlInput: { inputMode: "numeric" } }}
      />
      <FormControlLabel control={<Switch checked={values.isActive} onChange={(e) => setValues({ ...values, isActive: e.target.checked })} />} label="Active (can be billed)" />
    </ActionDialog>
  );
}

const buckets = [
  ["current", "Not yet due"],
  ["days1To30", "1–30 days"],
  ["days31To60", "31–60 days"],
  ["days61To90", "61–90 days"],
  ["over90", "Over 90 days"],
  ["total", "Total"],
] as const satisfies ReadonlyArray<readonly [keyof ArAgingNode, string]>;

function ArAging({ membership }: { membership: Membership }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const [asOf, setAsOf] = useState(todayIn(membership.timeZone));
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(asOf);
  const aging = useQuery({
    queryKey: ["desk", "arAging", membership.propertyId, asOf],
    queryFn: ({ signal }) => dataProvider.arAging({ propertyId: membership.propertyId, asOf }, { signal }),
    enabled: valid,
  });
  // Each company's account (its city-ledger folio), to open from its row.
  const companies = useQuery({
    queryKey: ["desk", "companies", membership.propertyId],
    queryFn: ({ signal }) => dataProvider.companies({ propertyId: membership.propertyId }, { signal }),
  });
  const accountOf = (companyId: string) => companies.data?.find((c) => c.rowId === companyId)?.folio?.rowId ?? null;
  const rows = aging.data ?? [];
  const currencies = [...new Set(rows.map((r) => r.currency))];
  return (
    <>
      <SectionHeading
        title="Accounts receivable aging"
        subtitle="What each company owes on its city-ledger account, by how long past its payment terms; payments settle the oldest items first."
        actions={
          <TextField
            label="As of"
            type="date"
            size="small"
            value={asOf}
            onChange={(e) => setAsOf(e.target.value)}
            slotProps={{ inputLabel: { shrink: true } }}
            error={!valid}
          />
        }
      />
      {aging.isPending && valid && <LinearProgress />}
      {aging.isError && <QueryError error={aging.error} title="Could not compute the aging" />}
      {aging.isSuccess &&
        (rows.length === 0 ? (
          <Typography variant="body2">No company owes anything as of this date.</Typography>
        ) : (
          <TableContainer>
            <Table size="small" aria-label="AR aging" data-testid="ar-aging">
              <TableHead>
                <TableRow>
                  <TableCell>Company</TableCell>
                  {buckets.map(([key, label]) => (
                    <TableCell key={key} align="right">
                      {label}
                    </TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={`${r.companyId}-${r.currency}`} data-company={r.companyName} data-total={r.total}>
                    <TableCell>
                      {accountOf(r.companyId) ? <Link to={folioPath(accountOf(r.companyId)!)}>{r.companyName}</Link> : r.companyName}
                    </TableCell>
                    {buckets.map(([key]) => (
                      <MoneyCell key={key} amount={r[key]} currency={r.currency} strong={key === "total"} muted={r[key] === "0"} />
                    ))}
                  </TableRow>
                ))}
                {currencies.map((currency) => (
                  <TableRow key={`total-${currency}`} data-testid={`ar-aging-total-${currency}`}>
                    <TableCell>
                      <strong>All companies ({currency})</strong>
                    </TableCell>
                    {buckets.map(([key]) => (
                      <MoneyCell
                        key={key}
                        amount={rows.filter((r) => r.currency === currency).reduce((sum, r) => sum + BigInt(r[key]), 0n).toString()}
                        currency={currency}
                        strong
                      />
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        ))}
    </>
  );
}
