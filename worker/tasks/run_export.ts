// Writes one CSV export. Payload { id }. Rows stream from Postgres
// (pg-query-stream, a cursor) through csv-stringify (core/csv.ts: cells a
// spreadsheet would run as formulas are neutralised) into the export store:
// memory stays flat however many rows there are. A retry rewrites the file
// whole; the export is recorded once (app_private.finish_export), with a
// download link valid 24 hours. On the last try a failure is recorded.
import { Transform } from "node:stream";
import type { Task } from "graphile-worker";
import QueryStream from "pg-query-stream";
import { z } from "zod";
import { csvStream } from "../../core/csv.ts";
import { asWorker } from "../database.ts";
import type { ExportStore } from "../../storage/export-store.ts";
import { recordAsWorker } from "./provider_call.ts";

const payload = z.object({ id: z.uuid() });

// One query per kind: $1 property, $2 from, $3 to (dates in the property's
// calendar; calendar dates leave as text, instants as ISO 8601 UTC). Money
// leaves in major units with the currency's own digits ("144.00", JPY
// "1200", BHD "1.250": app_hidden.major_units) beside a currency column,
// never in minor units.
const major = (column: string, currency: string) => `app_hidden.major_units(${column}, ${currency})`;
const queries: Record<string, string> = {
  reservations: `
    select r.confirmation_code, bg.group_code, r.room_no, r.status, lower(r.stay)::text as arrival, upper(r.stay)::text as departure, upper(r.stay) - lower(r.stay) as nights,
           r.adults, r.children, rt.name as room_type, rp.name as rate_plan, u.name as unit, r.channel, g.full_name as guest,
           r.currency, ${major("r.room_amount", "r.currency")} as room_amount, ${major("r.fees_amount", "r.currency")} as fees_amount,
           ${major("r.taxes_amount", "r.currency")} as taxes_amount, ${major("r.total_amount", "r.currency")} as total_amount,
           ${major("r.penalty_amount", "r.currency")} as penalty_amount, ${major("r.refund_amount", "r.currency")} as refund_amount,
           r.confirmed_at, r.cancelled_at, r.checked_in_at, r.checked_out_at
      from app_public.reservations r
      join app_public.room_types rt on rt.property_id = r.property_id and rt.id = r.room_type_id
      join app_public.rate_plans rp on rp.property_id = r.property_id and rp.id = r.rate_plan_id
      left join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
      left join app_public.guests g on g.property_id = r.property_id and g.id = r.guest_id
      left join app_public.booking_groups bg on bg.property_id = r.property_id and bg.id = r.group_id
     where r.property_id = $1 and r.confirmed_at is not null and lower(r.stay) between $2 and $3
     order by lower(r.stay), bg.group_code, r.room_no, r.confirmation_code`,
  guests: `
    select g.full_name, g.email, g.phone, count(r.id) as stays, min(lower(r.stay))::text as first_arrival, max(lower(r.stay))::text as last_arrival
      from app_public.guests g
      join app_public.reservations r on r.property_id = g.property_id and r.guest_id = g.id
     where g.property_id = $1 and r.confirmed_at is not null and lower(r.stay) between $2 and $3
     group by g.id, g.full_name, g.email, g.phone
     order by g.full_name, g.email`,
  ledger: `
    select (e.occurred_at at time zone p.time_zone)::date::text as date, e.id as entry, e.cause_type, e.cause_id, e.description,
           a.code as account_code, a.name as account, po.folio_id as folio, ${major("po.amount", "po.currency")} as amount, po.currency
      from app_public.journal_entries e
      join app_public.properties p on p.id = e.property_id
      join app_public.postings po on po.property_id = e.property_id and po.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = po.property_id and a.id = po.account_id
     where e.property_id = $1 and (e.occurred_at at time zone p.time_zone)::date between $2 and $3
     order by e.occurred_at, e.id, po.id`,
  // Every night of the range; a night with no sales still has its units
  // available (the active units, as reporting.occupancy counts them).
  occupancy: `
    select d::date::text as date,
           coalesce(o.units_available, (select count(*) from app_public.units u where u.property_id = $1 and u.is_active))::integer as units_available,
           coalesce(o.units_sold, 0) as units_sold, ${major("coalesce(o.room_revenue, 0)", "p.currency")} as room_revenue, p.currency
      from generate_series($2::date, $3::date, interval '1 day') d
      join app_public.properties p on p.id = $1
      left join reporting.occupancy o on o.property_id = $1 and o.date = d::date and o.currency = p.currency
     order by 1`,
  city_tax: `
    select to_char(f.month, 'YYYY-MM') as month, f.tax_name as tax, f.basis, f.stays, f.nights, f.person_nights,
           ${major("f.tax_charged", "f.currency")} as tax_charged, f.cancelled_stays, ${major("f.tax_on_cancelled", "f.currency")} as tax_on_cancelled, f.currency
      from app_private.city_tax_figures($1, $2, $3) f
     order by f.month, f.tax_name`,
};

interface Export {
  id: string;
  property_id: string;
  kind: string;
  from_date: string;
  to_date: string;
  status: string;
}

export function makeRunExport(deps: { store: ExportStore }): Task {
  return async (raw, helpers) => {
    const { id } = payload.parse(raw);
    const exp = await helpers.withPgClient((client) =>
      asWorker(client, async (c) =>
        (await c.query<Export>("select id, property_id, kind, to_char(from_date, 'YYYY-MM-DD') as from_date, to_char(to_date, 'YYYY-MM-DD') as to_date, status from app_public.exports where id = $1", [id])).rows[0],
      ),
    );
    if (!exp || exp.status !== "pending") return;
    const key = `${exp.property_id}/${exp.kind}-${exp.from_date}-${exp.to_date}-${exp.id}.csv`;
    try {
      let rows = 0;
      const bytes = await helpers.withPgClient((client) =>
        asWorker(client, async (c) => {
          const source = c.query(new QueryStream(queries[exp.kind]!, [exp.property_id, exp.from_date, exp.to_date], { batchSize: 500 }));
          const count = new Transform({
            objectMode: true,
            transform(row, _encoding, done) {
              rows++;
              done(null, row);
            },
          });
          const csv = csvStream();
          source.on("error", (error) => csv.destroy(error));
          return deps.store.write(key, source.pipe(count).pipe(csv));
        }),
      );
      await recordAsWorker(helpers, "select app_private.finish_export($1, $2, $3, $4, null)", [id, key, rows, bytes]);
      helpers.logger.info(`export ${id}: ${rows} rows, ${bytes} bytes`);
    } catch (error) {
      if (helpers.job.attempts >= helpers.job.max_attempts) {
        await recordAsWorker(helpers, "select app_private.finish_export($1, null, null, null, $2)", [id, error instanceof Error ? error.message : String(error)]);
        return;
      }
      throw error;
    }
  };
}

/**
 * Hourly: deletes the files of exports whose download link expired, and
 * records that they are gone, in batches of 500. A file already gone is
 * fine, so a run cut short is simply finished by the next one.
 */
export function makePurgeExpiredExports(deps: { store: ExportStore }): Task {
  return async (_payload, helpers) => {
    for (;;) {
      const expired = await helpers.withPgClient((client) =>
        asWorker(client, async (c) =>
          (await c.query<{ id: string; file_key: string }>(
            "select id, file_key from app_public.exports where status = 'done' and expires_at <= now() and purged_at is null order by expires_at limit 500",
          )).rows,
        ),
      );
      if (expired.length === 0) return;
      for (const { file_key } of expired) await deps.store.remove(file_key);
      await recordAsWorker(helpers, "select app_private.record_exports_purged($1)", [expired.map((e) => e.id)]);
      helpers.logger.info(`deleted ${expired.length} expired export file(s)`);
      if (expired.length < 500) return;
    }
  };
}
