// Accounting: one page with a tab per book (folios, journal, trial
// balance, invoices, payments, owners and payouts, reconciliation) and the
// legal details invoices show, each at
// its own path so a tab can be linked to and survives a reload.
import Alert from "@mui/material/Alert";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import Tab from "@mui/material/Tab";
import Tabs from "@mui/material/Tabs";
import { Title, useCanAccess } from "react-admin";
import { Link, Navigate, useParams } from "react-router-dom";
import { WithProperty } from "../../ui/Section.tsx";
import { FoliosTab } from "./Folios.tsx";
import { InvoicesTab } from "./Invoices.tsx";
import { JournalTab } from "./Journal.tsx";
import { LegalDetailsTab } from "../invoicing/LegalDetails.tsx";
import { OwnersTab } from "./Owners.tsx";
import { accountingPath, accountingTabs, type AccountingTab } from "./paths.ts";
import { PaymentsTab } from "./Payments.tsx";
import { ReconciliationTab } from "./Reconciliation.tsx";
import { TrialBalanceTab } from "./TrialBalance.tsx";

const labels: Record<AccountingTab, string> = {
  folios: "Folios",
  journal: "Journal",
  "trial-balance": "Trial balance",
  invoices: "Invoices",
  payments: "Payments",
  owners: "Owners & payouts",
  reconciliation: "Reconciliation",
  "legal-details": "Legal details",
};

export function AccountingPage() {
  const { tab } = useParams();
  const { canAccess, isPending } = useCanAccess({ resource: "accounting", action: "show" });
  if (!tab || !(accountingTabs as readonly string[]).includes(tab)) return <Navigate to={accountingPath("folios")} replace />;
  const current = tab as AccountingTab;
  return (
    <Card sx={{ mt: 1, minWidth: 0 }}>
      <Title title={`Accounting · ${labels[current]}`} />
      {/* width 0 / min-width 100 %: the tabs scroll in the card instead of widening the page on a phone. */}
      <Tabs value={current} variant="scrollable" scrollButtons="auto" allowScrollButtonsMobile aria-label="Accounting" sx={{ width: 0, minWidth: "100%" }}>
        {accountingTabs.map((t) => (
          <Tab key={t} value={t} label={labels[t]} component={Link} to={accountingPath(t)} />
        ))}
      </Tabs>
      <CardContent>
        {isPending ? null : !canAccess ? (
          <Alert severity="warning">Accounting is for owners, managers and accountants of the property.</Alert>
        ) : (
          <WithProperty>
            {(membership) => {
              switch (current) {
                case "folios":
                  return <FoliosTab membership={membership} />;
                case "journal":
                  return <JournalTab membership={membership} />;
                case "trial-balance":
                  return <TrialBalanceTab membership={membership} />;
                case "invoices":
                  return <InvoicesTab membership={membership} />;
                case "payments":
                  return <PaymentsTab membership={membership} />;
                case "owners":
                  return <OwnersTab membership={membership} />;
                case "reconciliation":
                  return <ReconciliationTab membership={membership} />;
                case "legal-details":
                  return <LegalDetailsTab membership={membership} />;
              }
            }}
          </WithProperty>
        )}
      </CardContent>
    </Card>
  );
}
