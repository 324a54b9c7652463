// The reports' calls, added to the data provider (platform/dataProvider.ts
// spreads them in): occupancy, pickup, revenue by channel, the city tax, and
// the export files (paged with first/offset, react-admin's {data, total}).
import type { IsoDate, ReportRange, Uuid } from "../../platform/documents.ts";
import {
  cityTaxReport, exportsList, onTheBooksReport, pickupReport, requestExport, stayReports,
  type ChannelRevenueNode, type CityTaxNode, type ExportKind, type ExportNode, type OccupancyNode, type OnTheBooksNode, type PickupNode,
} from "./documents.ts";
import type { GraphQLClient } from "../../platform/graphql.ts";
import { missing, paged, pageOf, present, type Paged, type Paging, type RequestOptions } from "../../platform/results.ts";

export interface StayReports {
  occupancy: OccupancyNode[];
  channels: ChannelRevenueNode[];
}

export interface ReportsMethods {
  /** Occupancy, ADR, RevPAR per night and revenue by channel, for the nights of a range. */
  stayReports(params: ReportRange, options?: RequestOptions): Promise<StayReports>;
  /** Room nights and revenue per night of a range that were on the books at `asOf` (an ISO timestamp). */
  onTheBooksReport(params: ReportRange & { asOf: string }, options?: RequestOptions): Promise<OnTheBooksNode[]>;
  /** Bookings made per day of a range and channel. */
  pickupReport(params: ReportRange, options?: RequestOptions): Promise<PickupNode[]>;
  /** The city tax per month of stay and tax (per night / per person-night), with cancelled stays. */
  cityTaxReport(params: ReportRange, options?: RequestOptions): Promise<CityTaxNode[]>;
  exports(params: Paging & { propertyId: Uuid }, options?: RequestOptions): Promise<Paged<ExportNode>>;
  requestExport(params: { propertyId: Uuid; kind: ExportKind; fromDate: IsoDate; toDate: IsoDate }): Promise<ExportNode>;
}

export function createReportsMethods(client: GraphQLClient): ReportsMethods {
  return {
    async stayReports(params, options = {}) {
      const data = await client.request(stayReports, params, options);
      return { occupancy: present(data.occupancyReport?.nodes), channels: present(data.channelRevenueReport?.nodes) };
    },
    async onTheBooksReport(params, options = {}) {
      const data = await client.request(onTheBooksReport, params, options);
      return present(data.onTheBooksReport?.nodes);
    },
    async pickupReport(params, options = {}) {
      const data = await client.request(pickupReport, params, options);
      return present(data.pickupReport?.nodes);
    },
    async cityTaxReport(params, options = {}) {
      const data = await client.request(cityTaxReport, params, options);
      return present(data.cityTaxReport?.nodes);
    },
    async exports({ propertyId, ...paging }, options = {}) {
      const data = await client.request(exportsList, { propertyId, ...pageOf(paging) }, options);
      return paged(data.allExports);
    },
    async requestExport(params) {
      const data = await client.request(requestExport, params);
      if (!data.requestExport?.result) throw missing("the export");
      return data.requestExport.result;
    },
  };
}
