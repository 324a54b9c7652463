// Revenue: the rate calendar and what the property sells (room types and
// units, rate plans, fees and taxes, extras, promo codes), a tab each at its own path.
import { useQuery } from "@tanstack/react-query";
import Alert from "@mui/material/Alert";
import Card from "@mui/material/Card";
import CardContent from "@mui/material/CardContent";
import LinearProgress from "@mui/material/LinearProgress";
import Stack from "@mui/material/Stack";
import Tab from "@mui/material/Tab";
import Tabs from "@mui/material/Tabs";
import { Title, useCanAccess, useDataProvider } from "react-admin";
import { Link, Navigate, useParams } from "react-router-dom";
import { useLiveRefresh } from "../../platform/live/useLiveRefresh.ts";
import type { Membership } from "../../platform/authProvider.ts";
import type { KeeprDataProvider } from "../../platform/dataProvider.ts";
import { QueryError, WithProperty } from "../../ui/Section.tsx";
import { Extras } from "./Extras.tsx";
import { PromoCodes } from "./PromoCodes.tsx";
import { RateCalendar } from "./RateCalendar.tsx";
import { FeesAndTaxes, RatePlans, RoomTypesAndUnits } from "./Setup.tsx";

export const revenueTabs = ["calendar", "rate-plans", "room-types", "fees-taxes", "extras", "promo-codes"] as const;
export type RevenueTab = (typeof revenueTabs)[number];
export const revenuePath = (tab: RevenueTab = "calendar") => `/revenue/${tab}`;

const labels: Record<RevenueTab, string> = {
  calendar: "Rate calendar",
  "rate-plans": "Rate plans",
  "room-types": "Room types & units",
  "fees-taxes": "Fees & taxes",
  extras: "Extras",
  "promo-codes": "Promo codes",
};

export function RevenuePage() {
  const { tab } = useParams();
  const { canAccess, isPending } = useCanAccess({ resource: "revenue", action: "show" });
  if (!tab || !(revenueTabs as readonly string[]).includes(tab)) return <Navigate to={revenuePath("calendar")} replace />;
  const current = tab as RevenueTab;
  return (
    <Card sx={{ mt: 1, minWidth: 0 }}>
      <Title title={`Revenue · ${labels[current]}`} />
      <Tabs value={current} variant="scrollable" scrollButtons="auto" allowScrollButtonsMobile aria-label="Revenue" sx={{ width: 0, minWidth: "100%" }}>
        {revenueTabs.map((t) => (
          <Tab key={t} value={t} label={labels[t]} component={Link} to={revenuePath(t)} />
        ))}
      </Tabs>
      <CardContent>
        {isPending ? null : !canAccess ? (
          <Alert severity="warning">Revenue is for owners and managers of the property.</Alert>
        ) : (
          <WithProperty>{(membership) => <Revenue membership={membership} tab={current} />}</WithProperty>
        )}
      </CardContent>
    </Card>
  );
}

function Revenue({ membership, tab }: { membership: Membership; tab: RevenueTab }) {
  const dataProvider = useDataProvider<KeeprDataProvider>();
  const canEdit = useCanAccess({ resource: "revenue", action: "edit" }).canAccess ?? false;
  const canEditFees = useCanAccess({ resource: "revenue", action: "fees" }).canAccess ?? false;
  const propertyId = membership.propertyId;
  const setup = useQuery({
    queryKey: ["backoffice", "revenueSetup", propertyId],
    queryFn: ({ signal }) => dataProvider.revenueSetup({ propertyId }, { signal }),
  });
  useLiveRefresh(["room_types", "units", "rate_plans"], [["backoffice", "revenueSetup"]]);
  if (setup.isPending) return <LinearProgress />;
  if (setup.isError) return <QueryError error={setup.error} title="Could not load the property's setup" />;
  const data = setup.data;
  switch (tab) {
    case "calendar":
      return <RateCalendar membership={membership} ratePlans={data.ratePlans} roomTypes={data.roomTypes} canEdit={canEdit} />;
    case "rate-plans":
      return <RatePlans membership={membership} setup={data} canEdit={canEdit} />;
    case "room-types":
      return (
        <Stack spacing={1}>
          <RoomTypesAndUnits membership={membership} setup={data} canEdit={canEdit} />
        </Stack>
      );
    case "fees-taxes":
      return <FeesAndTaxes membership={membership} setup={data} canEdit={canEditFees} />;
    case "extras":
      return <Extras membership={membership} setup={data} canEdit={canEdit} />;
    case "promo-codes":
      return <PromoCodes membership={membership} setup={data} canEdit={canEdit} />;
  }
}
