// Scale data for benchmarks and load tests:
//   npm run seed -- --properties 50 --units 5000 [--days 365] [--occupancy 0.6] [--seed 42] [--reset] [--audit]
//
// Connects like `npm run db` (embedded Postgres in DATA_DIR, or
// DATABASE_URL), applies migrations if the database is behind, then
// generates, as the owner and in one transaction, set-based inside Postgres
// (generate_series, window functions; no row-by-row inserts from Node):
// organizations, published hotels and vacation rentals in a handful of
// cities and time zones, room types, units, rate plans, length-of-stay
// discounts, a rate calendar with seasonal and weekend prices and a few
// restrictions, fees, taxes, guests, and confirmed reservations filling
// about --occupancy of the unit-nights from today for --days, each with its
// inventory claim; then their money (db/seed-scale-money.ts: cancellations,
// folios, charges, payments, refunds, city ledger, extras), checked as the
// ledger's own triggers would check it.
//
// Triggers: the audit trigger alone costs ~100 µs per row (an audit.events
// row with the whole row as jsonb), i.e. over a minute for the ~420k
// reservations and ~420k claims of 5,000 units. So by default the
// generator's session runs with session_replication_role = replica (needs a
// superuser: the embedded cluster's, or ROOT_DATABASE_URL; it then does SET
// ROLE keepr_owner): no audit, timestamp, time-zone-check or foreign-key
// triggers fire for the generated rows; constraints (checks, unique, the
// claims' exclusion constraint) still hold, and the generator verifies
// every foreign key of the tables it wrote with anti-joins before it
// commits. Generated rows therefore have no audit.events rows. --audit keeps
// the triggers on (about 4x slower: some 2 minutes instead of ~30 s for
// 5,000 units on 2 cores); without a superuser they stay on too.
//
// Deterministic for a seed (setseed): the same options give the same data,
// except generated ids and timestamps. Generated organizations have slugs
// starting with `scale-gen-`; the generator refuses to run (exit 2) when
// such data exists, unless --reset, which deletes it first (and everything
// booked at those properties since: every row with their property_id, with
// triggers off, so --reset needs the superuser).
import "../core/env.ts";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../core/config.ts";
import { openDatabase } from "../core/database.ts";
import { latestCommittedHash, migrateDatabase, migrationsAreCurrent } from "../core/migrate.ts";
import { scaleMoneySteps, verifyScaleMoney } from "./seed-scale-money.ts";

export const scaleSlugPrefix = "scale-gen-";

export interface ScaleOptions {
  properties: number;
  units: number;
  days: number;
  /** Share of unit-nights taken by confirmed reservations, 0 to 0.95. */
  occupancy: number;
  seed: number;
  /** Delete previously generated scale data first. */
  reset: boolean;
  /** Keep triggers on (audit rows for every generated row; about 4x slower). */
  audit: boolean;
}

export const defaultScaleOptions: ScaleOptions = { properties: 50, units: 5000, days: 365, occupancy: 0.6, seed: 42, reset: false, audit: false };

export interface ScaleResult {
  seed: number;
  counts: Record<string, number>;
  /** Reservation nights / unit-nights over the period, as generated. */
  occupancy: number;
  /** "off": generated with session_replication_role = replica (no audit rows); "on": triggers fired. */
  triggers: "on" | "off";
  /** What --reset deleted (reservations of the old scale data), when it ran. */
  deletedReservations?: number;
  steps: Array<{ step: string; ms: number }>;
  ms: number;
}

/** Scale data is already there and --reset was not given. */
export class ScaleDataExistsError extends Error {
  readonly code = "SCALE_DATA_EXISTS";
}

export function validateScaleOptions(o: ScaleOptions): string[] {
  const problems: string[] = [];
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`--${name} must be a whole number from ${min} to ${max} (got ${v})`);
  };
  int("properties", o.properties, 1, 10_000);
  int("units", o.units, 1, 1_000_000);
  int("days", o.days, 1, 730);
  int("seed", o.seed, -2_147_483_647, 2_147_483_647);
  if (!(o.occupancy >= 0 && o.occupancy <= 0.95)) problems.push(`--occupancy must be from 0 to 0.95 (got ${o.occupancy})`);
  if (Number.isInteger(o.properties) && Number.isInteger(o.units) && o.units < o.properties * 6) {
    problems.push(`--units must be at least 6 per property (${o.properties * 6} for ${o.properties} properties) so every room type gets a unit`);
  }
  return problems;
}

// Stay lengths: hotels 1 + floor(Exp), vacation rentals 2 + floor(Exp); the
// gaps between stays floor(Exp) with the mean that gives the occupancy.
// E[floor(X)] for X ~ Exp(mean m) is 1 / (e^(1/m) - 1), so m for a wanted
// mean k is 1 / ln(1 + 1/k).
const hotelMeanStay = 2.6;
const rentalMeanStay = 5.5;
const expMeanFor = (wantedFloorMean: number) => 1 / Math.log(1 + 1 / wantedFloorMean);

/** The statements that generate the data, in order, with a label each. All numbers are validated before. */
export function scaleSteps(o: ScaleOptions): Array<{ step: string; sql: string }> {
  const P = o.properties;
  const U = o.units;
  const D = o.days;
  const gapH = (hotelMeanStay * (1 - o.occupancy)) / Math.max(o.occupancy, 1e-9);
  const gapV = (rentalMeanStay * (1 - o.occupancy)) / Math.max(o.occupancy, 1e-9);
  const mStayH = expMeanFor(hotelMeanStay - 1);
  const mStayV = expMeanFor(rentalMeanStay - 2);
  const mGapH = gapH > 0 ? expMeanFor(gapH) : 0;
  const mGapV = gapV > 0 ? expMeanFor(gapV) : 0;
  // Segments (gap + stay) generated per unit: enough for the period with a margin.
  const segments = o.occupancy > 0 ? Math.ceil((D / (hotelMeanStay + gapH)) * 1.4) + 8 : 0;
  // setseed takes -1..1; confirmation codes are a bijection of the
  // reservation number mod 2^40 (odd multiplier), offset by the seed, so
  // they are unique without retries.
  const seedFraction = (o.seed % 2_147_483_647) / 2_147_483_647;
  const codeOffset = ((BigInt(o.seed) * 2654435761n) % (1n << 40n) + (1n << 40n)) % (1n << 40n);
  const n = (x: number) => x.toFixed(6);
  // The confirmation code of the stay numbered by a SQL bigint expression.
  const confirmationCode = (ordinal: string) => `(
            select substr(a.a, ((x.v >> 35) & 31)::int + 1, 1) || substr(a.a, ((x.v >> 30) & 31)::int + 1, 1)
                   || substr(a.a, ((x.v >> 25) & 31)::int + 1, 1) || substr(a.a, ((x.v >> 20) & 31)::int + 1, 1)
                   || substr(a.a, ((x.v >> 15) & 31)::int + 1, 1) || substr(a.a, ((x.v >> 10) & 31)::int + 1, 1)
                   || substr(a.a, ((x.v >> 5) & 31)::int + 1, 1) || substr(a.a, (x.v & 31)::int + 1, 1)
              from (select (${ordinal} * 1103515245 + ${codeOffset}) % 1099511627776 as v) x,
                   (select 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'::text as a) a)`;

  return [
    {
      step: "setup",
      sql: `
        set local max_parallel_workers_per_gather = 0;
        set local keepr.request_id = 'seed-scale-${o.seed}';
        select setseed(${seedFraction});
        create temp table scale_city (
          ord int primary key, city text, country_code text, time_zone text, currency text,
          price_factor numeric, weekend_factor numeric, peak_doy int, rental_share numeric,
          vat_name text, vat numeric, vat_inclusive boolean, vat_on_fees boolean,
          city_tax_name text, city_tax_basis app_public.tax_basis, city_tax bigint
        ) on commit drop;
        insert into scale_city values
          (1, 'Lisbon',    'PT', 'Europe/Lisbon',    'EUR', 1.00, 1.15, 200, 0.15, 'VAT',       6,     true,  false, 'Lisbon city tax',         'per_person_night', 200),
          (2, 'Barcelona', 'ES', 'Europe/Madrid',    'EUR', 1.20, 1.20, 205, 0.15, 'IVA',       10,    true,  false, 'Catalonia tourist tax',   'per_person_night', 275),
          (3, 'Paris',     'FR', 'Europe/Paris',     'EUR', 1.45, 1.10, 190, 0.10, 'TVA',       10,    true,  false, 'Taxe de sejour',          'per_person_night', 260),
          (4, 'London',    'GB', 'Europe/London',    'GBP', 1.35, 1.05, 195, 0.10, 'VAT',       20,    true,  false, null, null, null),
          (5, 'New York',  'US', 'America/New_York', 'USD', 1.70, 0.95, 170, 0.05, 'Sales tax', 14.75, false, true,  'NYC hotel occupancy fee', 'per_night',        200),
          (6, 'Zermatt',   'CH', 'Europe/Zurich',    'CHF', 1.80, 1.10,  45, 0.60, 'MWST',      3.8,   true,  false, 'Tourist tax',             'per_person_night', 350),
          (7, 'Sydney',    'AU', 'Australia/Sydney', 'AUD', 1.50, 1.10,  15, 0.20, 'GST',       10,    true,  false, null, null, null);
        create temp table scale_rt_template (kind app_public.property_kind, idx int, name text, max_occupancy int, base_price bigint, weight numeric) on commit drop;
        insert into scale_rt_template values
          ('hotel', 1, 'Standard Double', 2, 10000, 5), ('hotel', 2, 'Twin Room', 2, 10500, 3),
          ('hotel', 3, 'Superior Double', 2, 13000, 3), ('hotel', 4, 'Deluxe King', 3, 16000, 2),
          ('hotel', 5, 'Junior Suite', 4, 22000, 1), ('hotel', 6, 'Family Suite', 6, 28000, 1),
          ('vacation_rental', 1, 'Studio', 2, 9000, 1), ('vacation_rental', 2, 'One-Bedroom Apartment', 4, 14000, 1),
          ('vacation_rental', 3, 'Two-Bedroom Apartment', 5, 19000, 1), ('vacation_rental', 4, 'Three-Bedroom House', 6, 26000, 1);`,
    },
    {
      step: "plan properties, room types, units",
      sql: `
        create temp table scale_property on commit drop as
        with p as (
          select i, random() as r_city, random() as r_kind, random() as r_size, random() as r_price, random() as r_name, random() as r_rts
            from generate_series(1, ${P}) i
        )
        select p.i as ord, gen_random_uuid() as id, 1 + (p.i - 1) / 5 as org_ord, c.ord as city_ord, c.city, c.country_code,
               c.time_zone, c.currency, c.price_factor * (0.8 + 0.6 * p.r_price::numeric) as price_factor,
               case when p.i > 1 and p.r_kind < c.rental_share then 'vacation_rental' else 'hotel' end::app_public.property_kind as kind,
               0.5 + 1.5 * p.r_size::numeric as size_weight, p.r_name, p.r_rts
          from p join scale_city c on c.ord = 1 + floor(p.r_city * 7)::int;
        alter table scale_property add primary key (ord);

        create temp table scale_room_type on commit drop as
        select row_number() over (order by p.ord, t.idx)::int as ord, gen_random_uuid() as id, p.ord as property_ord, p.kind, t.idx,
               t.name, t.max_occupancy, (round(t.base_price * p.price_factor / 100) * 100)::bigint as base_price,
               p.size_weight * t.weight as weight, 0 as units, 0 as plans
          from scale_property p
          join scale_rt_template t on t.kind = p.kind
               and t.idx <= case when p.kind = 'hotel' then 3 + floor(p.r_rts * 4)::int else 1 + floor(p.r_rts * 3)::int end;
        alter table scale_room_type add primary key (ord);

        -- Units: one per rental room type; the rest spread over the hotels'
        -- room types by weight (at least one each), by cumulative rounding so
        -- the total is exactly --units.
        update scale_room_type set units = 1 where kind = 'vacation_rental';
        do $$
        declare
          v_left int := ${U} - (select count(*) from scale_room_type where kind = 'vacation_rental')
                             - (select count(*) from scale_room_type where kind = 'hotel');
        begin
          if v_left < 0 or not exists (select 1 from scale_room_type where kind = 'hotel') then
            raise exception '--units ${U} is too small for the room types planned (%)', (select count(*) from scale_room_type);
          end if;
          update scale_room_type rt set units = 1 + w.share
            from (select ord, (round(cum / total * v_left) - round((cum - weight) / total * v_left))::int as share
                    from (select ord, weight, sum(weight) over (order by ord) as cum, sum(weight) over () as total
                            from scale_room_type where kind = 'hotel') x) w
           where w.ord = rt.ord;
        end;
        $$;

        create temp table scale_unit on commit drop as
        select row_number() over (order by rt.ord, i)::int as ord, gen_random_uuid() as id, rt.property_ord, rt.ord as room_type_ord,
               rt.kind, rt.max_occupancy,
               case when rt.kind = 'hotel'
                    then ((k - 1) / 20 + 1) * 100 + (k - 1) % 20 + 1 || ''
                    else rt.name end as name
          from scale_room_type rt
          cross join generate_series(1, rt.units) i
          cross join lateral (select (select coalesce(sum(o.units), 0) from scale_room_type o
                                       where o.property_ord = rt.property_ord and o.ord < rt.ord) + i) kk(k);
        alter table scale_unit add primary key (ord);
        analyze scale_property, scale_room_type, scale_unit;`,
    },
    {
      step: "plan rates, fees, taxes",
      sql: `
        -- 1 to 3 rate plans per room type: Flexible always, Non-refundable
        -- (12% less) often, Breakfast at some hotels.
        create temp table scale_rate_plan on commit drop as
        with t(idx, name) as (values (1, 'Flexible'), (2, 'Non-refundable'), (3, 'Breakfast')),
        c as (
          select rt.*, t.idx as t_idx, t.name as t_name, random() as r_keep, random() as r_days, random() as r_weekend
            from scale_room_type rt cross join t
        )
        select row_number() over (order by c.ord, c.t_idx)::int as ord, gen_random_uuid() as id, c.ord as room_type_ord,
               c.property_ord, c.kind, c.t_name, row_number() over (partition by c.ord order by c.t_idx)::int as idx,
               c.t_name || ' - ' || c.name as name,
               (case c.t_idx when 1 then c.base_price
                             when 2 then round(c.base_price * 0.88 / 100) * 100
                             else c.base_price + round(1600 * least(c.max_occupancy, 2) * p.price_factor / 100) * 100 end)::bigint as base_price,
               case when c.kind = 'hotel' then least(c.max_occupancy, 2) else c.max_occupancy end as included_guests,
               case when c.kind = 'hotel' then (round(c.base_price * 0.25 / 100) * 100)::bigint else 0 end as extra_adult_fee,
               case when c.kind = 'hotel' then (round(c.base_price * 0.12 / 100) * 100)::bigint else 0 end as extra_child_fee,
               (case when c.t_idx = 3 then 'breakfast' else 'room_only' end)::app_public.meal_plan as meal_plan,
               case when c.kind = 'hotel' then 1 else 2 end as min_stay,
               c.t_idx <> 2 as is_refundable,
               case when c.kind = 'hotel' then 1 + floor(c.r_days * 3)::int else 14 end as free_cancellation_days,
               (case when c.kind = 'hotel' then 'nights' else 'percent' end)::app_public.cancellation_penalty_kind as penalty_kind,
               case when c.kind = 'hotel' then 1 else 50 end as penalty_value,
               c.r_weekend < 0.5 as weekend_min_stay
          from c join scale_property p on p.ord = c.property_ord
         where c.t_idx = 1
            or (c.t_idx = 2 and c.r_keep < 0.65)
            or (c.t_idx = 3 and c.kind = 'hotel' and c.r_keep < 0.45);
        alter table scale_rate_plan add primary key (ord);
        create index on scale_rate_plan (room_type_ord, idx);
        update scale_room_type rt set plans = (select count(*) from scale_rate_plan rp where rp.room_type_ord = rt.ord);

        create temp table scale_los on commit drop as
        select rp.ord as plan_ord, rp.property_ord, rp.id as rate_plan_id, d.min_nights, d.percent_off
          from scale_rate_plan rp
          join (values ('hotel'::app_public.property_kind, 'Flexible', 7, 10.0), ('hotel', 'Flexible', 14, 15.0),
                       ('hotel', 'Breakfast', 5, 5.0),
                       ('vacation_rental', 'Flexible', 7, 15.0), ('vacation_rental', 'Flexible', 28, 25.0)) d(kind, t_name, min_nights, percent_off)
            on d.kind = rp.kind and d.t_name = rp.t_name;

        -- Calendar: seasonal (peak on the city's peak day, +25% around the
        -- new year) and weekend prices (Friday and Saturday nights), a little
        -- noise; min stay 2 (hotels) or 3 (rentals) for weekend arrivals in
        -- high season on some plans, a few closed-to-arrival and stop-sell dates.
        create temp table scale_cal on commit drop as
        with d as (
          select i as day, ((now() at time zone 'UTC')::date + i) as date from generate_series(0, ${D - 1}) i
        )
        select rp.ord as plan_ord, d.day, d.date,
               (round(rp.base_price * s.season * case when extract(isodow from d.date) in (5, 6) then c.weekend_factor else 1 end
                      * (0.97 + 0.06 * random()::numeric) / 100) * 100)::bigint as price,
               case when rp.weekend_min_stay and s.season >= 1.1 and extract(isodow from d.date) in (5, 6)
                    then case when rp.kind = 'hotel' then 2 else 3 end end as min_stay,
               random() < 0.015 as closed_to_arrival,
               random() < 0.004 as stop_sell,
               -- The cancellation terms of a stay arriving that day, less the
               -- penalty (it depends on the total). The 'nights' plans here
               -- charge 1 night, never more than a stay.
               jsonb_build_object(
                 'is_refundable', rp.is_refundable,
                 'free_cancellation_until', ft.free_until,
                 'terms', case when not rp.is_refundable then 'Non-refundable: cancelling costs the full amount.'
                               else format('Free cancellation until %s (%s). After that, cancelling costs %s.',
                                           to_char(ft.free_until at time zone p.time_zone, 'YYYY-MM-DD HH24:MI'), p.time_zone,
                                           case when rp.penalty_kind = 'nights'
                                                then rp.penalty_value || ' night' || case when rp.penalty_value = 1 then '' else 's' end
                                                else rp.penalty_value || '% of the total' end) end) as policy
          from scale_rate_plan rp
          join scale_property p on p.ord = rp.property_ord
          join scale_city c on c.ord = p.city_ord
          cross join d
          cross join lateral (
            select (1 + 0.22 * cos(2 * pi() * (extract(doy from d.date) - c.peak_doy) / 365.25))::numeric
                   * case when (extract(month from d.date) = 12 and extract(day from d.date) >= 20)
                            or (extract(month from d.date) = 1 and extract(day from d.date) <= 2) then 1.25 else 1 end as season
          ) s
          cross join lateral (
            select case when rp.is_refundable
                        then ((d.date - rp.free_cancellation_days)::timestamp + time '15:00') at time zone p.time_zone end as free_until
          ) ft;

        create temp table scale_fee on commit drop as
        select p.ord as property_ord, f.name, f.basis::app_public.fee_basis as basis, f.amount::bigint as amount
          from scale_property p
          cross join lateral (
            select * from (values
              ('Resort fee', 'per_night', round(1500 * p.price_factor / 100) * 100, p.kind = 'hotel' and p.r_name < 0.35),
              ('Final cleaning', 'per_stay', round((6000 + 9000 * p.r_name::numeric) * p.price_factor / 500) * 500, p.kind = 'vacation_rental'),
              ('Linen and towels', 'per_guest_night', 300, p.kind = 'vacation_rental' and p.r_name < 0.3)
            ) v(name, basis, amount, wanted) where v.wanted
          ) f;

        create temp table scale_tax on commit drop as
        select p.ord as property_ord, c.vat_name as name, 'percent_of_room'::app_public.tax_basis as basis, c.vat as percent,
               null::bigint as amount, c.vat_inclusive as is_inclusive, c.vat_on_fees as applies_to_fees
          from scale_property p join scale_city c on c.ord = p.city_ord
        union all
        select p.ord, c.city_tax_name, c.city_tax_basis, null, c.city_tax, false, false
          from scale_property p join scale_city c on c.ord = p.city_ord
         where c.city_tax_name is not null;
        create index on scale_los (plan_ord);
        create unique index on scale_cal (plan_ord, day);
        analyze scale_rate_plan, scale_los, scale_cal, scale_fee, scale_tax;`,
    },
    {
      step: "plan guests and stays",
      sql: `
        create temp table scale_guest on commit drop as
        with f(names) as (select array['Ana','Ben','Chloe','David','Emma','Felix','Grace','Hugo','Ines','Jonas','Kate','Liam',
                                       'Maria','Noah','Olga','Pedro','Quinn','Rosa','Sam','Tomas','Uma','Victor','Wen','Yara']),
             l(names) as (select array['Silva','Smith','Martin','Garcia','Muller','Rossi','Dubois','Jones','Costa','Novak',
                                       'Kowalski','Tanaka','Brown','Lopez','Schmidt','Moreau','Wilson','Santos','Nguyen','Meyer']),
             n as (select property_ord, greatest(20, count(*) * 8)::int as guests from scale_unit group by property_ord)
        select n.property_ord, k as idx, gen_random_uuid() as id,
               f.names[1 + floor(random() * 24)::int] as first_name, l.names[1 + floor(random() * 20)::int] as last_name,
               case when random() < 0.7 then pg_catalog.format('+%s %s %s', 30 + floor(random() * 60), 100 + floor(random() * 900),
                                                                1000 + floor(random() * 9000)) end as phone
          from n cross join generate_series(1, n.guests) k cross join f cross join l;
        alter table scale_guest add primary key (property_ord, idx);

        -- Per unit, a sequence of (gap, stay) segments placed one after the
        -- other by a running sum: stays on a unit never overlap, so the
        -- claims go in with one statement.
        create temp table scale_stay on commit drop as
        with seg as (
          select u.ord as unit_ord, u.kind, s.i,
                 case when s.i = 1 then floor(random() * case when u.kind = 'hotel' then ${n(hotelMeanStay + gapH)} else ${n(rentalMeanStay + gapV)} end)
                      else floor(-ln(1 - random()) * case when u.kind = 'hotel' then ${n(mGapH)} else ${n(mGapV)} end) end::int as gap,
                 case when u.kind = 'hotel' then 1 + least(floor(-ln(1 - random()) * ${n(mStayH)}), 13)
                      else 2 + least(floor(-ln(1 - random()) * ${n(mStayV)}), 19) end::int as nights,
                 random() as r_plan, random() as r_guest, random() as r_adults, random() as r_children, random() as r_lead
            from scale_unit u cross join generate_series(1, ${segments}) s(i)
        ),
        placed as (
          select seg.*, (sum(seg.gap + seg.nights) over (partition by seg.unit_ord order by seg.i) - seg.nights)::int as start_day
            from seg
        )
        select row_number() over (order by x.unit_ord, x.i)::int as ord, gen_random_uuid() as id, x.unit_ord, x.start_day,
               least(x.start_day + x.nights, ${D}) - x.start_day as nights,
               1 + floor(x.r_plan * rt.plans)::int as plan_idx,
               1 + floor(x.r_guest * greatest(20, pu.units * 8))::int as guest_idx,
               a.adults,
               case when x.kind = 'hotel' and u.max_occupancy > a.adults then floor(x.r_children * (u.max_occupancy - a.adults + 1))::int else 0 end as children,
               now() - make_interval(secs => x.r_lead * 120 * 86400) as confirmed_at
          from placed x
          join scale_unit u on u.ord = x.unit_ord
          join scale_room_type rt on rt.ord = u.room_type_ord
          join (select property_ord, count(*)::int as units from scale_unit group by property_ord) pu on pu.property_ord = u.property_ord
          cross join lateral (
            select case when x.kind = 'hotel' then case when x.r_adults < 0.25 then 1 else least(2, u.max_occupancy) end
                        else least(u.max_occupancy, 2 + floor(x.r_adults * (u.max_occupancy - 1))::int) end as adults
          ) a
         where x.start_day < ${D};
        alter table scale_stay add primary key (ord);
        analyze scale_guest, scale_stay;`,
    },
    {
      step: "insert organizations, properties, room types, units",
      sql: `
        insert into app_public.organizations (name, slug)
        select 'Scale Hospitality Group ' || g, '${scaleSlugPrefix}' || g
          from generate_series(1, (select max(org_ord) from scale_property)) g;
        insert into app_public.properties (id, organization_id, name, slug, kind, time_zone, currency, country_code, city, address, description, is_published, business_date)
        select p.id, o.id,
               (array['Grand','Harbour','Park','Royal','Garden','Old Town','River','Central','Bay','Hillside'])[1 + floor(p.r_name * 10)::int] || ' '
                 || case when p.kind = 'hotel' then (array['Hotel','Inn','Palace','Suites','House'])[1 + (p.ord % 5)]
                         else (array['Apartments','Residences','Lodges'])[1 + (p.ord % 3)] end
                 || ' ' || p.city || ' ' || p.ord,
               '${scaleSlugPrefix.slice(0, -1)}-' || p.ord || '-' || replace(lower(p.city), ' ', '-'),
               p.kind, p.time_zone, p.currency, p.country_code, p.city, p.ord || ' Example Street, ' || p.city,
               'Generated by npm run seed (seed ${o.seed}).', true, (now() at time zone p.time_zone)::date
          from scale_property p
          join app_public.organizations o on o.slug = '${scaleSlugPrefix}' || p.org_ord
         order by p.ord;
        insert into app_public.room_types (id, property_id, name, description, max_occupancy)
        select rt.id, p.id, rt.name, 'Sleeps ' || rt.max_occupancy || '.', rt.max_occupancy
          from scale_room_type rt join scale_property p on p.ord = rt.property_ord
         order by rt.ord;
        insert into app_public.units (id, property_id, room_type_id, name)
        select u.id, p.id, rt.id, u.name
          from scale_unit u join scale_room_type rt on rt.ord = u.room_type_ord join scale_property p on p.ord = u.property_ord
         order by u.ord;`,
    },
    {
      step: "insert rate plans, discounts, fees, taxes",
      sql: `
        insert into app_public.rate_plans (id, property_id, room_type_id, name, description, currency, base_price, included_guests,
                                           extra_adult_fee, extra_child_fee, meal_plan, min_stay, is_refundable, free_cancellation_days,
                                           cancellation_penalty_kind, cancellation_penalty_value, deposit_percent, balance_due_days,
                                           charge_posting)
        select rp.id, p.id, rt.id, rp.name,
               case when not rp.is_refundable then 'Pay less, no changes.'
                    else 'Free cancellation until ' || rp.free_cancellation_days || ' day(s) before arrival.' end,
               p.currency, rp.base_price, rp.included_guests, rp.extra_adult_fee, rp.extra_child_fee, rp.meal_plan, rp.min_stay,
               rp.is_refundable, rp.free_cancellation_days, rp.penalty_kind, rp.penalty_value,
               -- Payment terms (no random draw: the bookings stay those of
               -- the seed): non-refundable paid in full at booking, rentals
               -- 30% at booking and the rest 14 days before arrival, a third
               -- of the hotels' flexible plans 20% at booking, the rest at
               -- check-in; breakfast plans post their nights at the audit.
               case when not rp.is_refundable then 100 when rp.kind = 'vacation_rental' then 30
                    when rp.t_name = 'Flexible' and rp.ord % 3 = 0 then 20 else 0 end,
               case when rp.kind = 'vacation_rental' then 14 else 0 end,
               (case when rp.t_name = 'Breakfast' then 'nightly' else 'on_booking' end)::app_public.charge_posting
          from scale_rate_plan rp join scale_room_type rt on rt.ord = rp.room_type_ord join scale_property p on p.ord = rp.property_ord
         order by rp.ord;
        insert into app_public.rate_plan_los_discounts (property_id, rate_plan_id, min_nights, percent_off)
        select p.id, l.rate_plan_id, l.min_nights, l.percent_off from scale_los l join scale_property p on p.ord = l.property_ord;
        insert into app_public.fees (property_id, name, basis, amount, currency)
        select p.id, f.name, f.basis, f.amount, p.currency from scale_fee f join scale_property p on p.ord = f.property_ord;
        -- applies_to_penalty as the trigger would leave it (triggers are off):
        -- a percent tax is part of a cancellation fee, a per-night one is not.
        insert into app_public.taxes (property_id, name, basis, percent, amount, currency, is_inclusive, applies_to_fees, applies_to_penalty)
        select p.id, t.name, t.basis, t.percent, t.amount, p.currency, t.is_inclusive, t.applies_to_fees, t.basis = 'percent_of_room'
          from scale_tax t join scale_property p on p.ord = t.property_ord;`,
    },
    {
      step: "insert rate calendar",
      sql: `
        insert into app_public.rate_calendar (property_id, rate_plan_id, date, price, min_stay, closed_to_arrival, stop_sell)
        select p.id, rp.id, c.date, c.price, c.min_stay, c.closed_to_arrival, c.stop_sell
          from scale_cal c join scale_rate_plan rp on rp.ord = c.plan_ord join scale_property p on p.ord = rp.property_ord
         order by c.plan_ord, c.day;`,
    },
    {
      step: "insert guests",
      sql: `
        insert into app_public.guests (id, property_id, email, full_name, phone)
        select g.id, p.id, lower(g.first_name || '.' || g.last_name || '.' || g.idx) || '@p' || p.ord || '.example.net',
               g.first_name || ' ' || g.last_name, g.phone
          from scale_guest g join scale_property p on p.ord = g.property_ord
         order by g.property_ord, g.idx;`,
    },
    {
      step: "insert reservations",
      sql: `
        -- Priced like quote_for, simplified: every night at the arrival
        -- date's calendar price (plus extra guests), the plan's best
        -- length-of-stay discount, fees, and the taxes not included in the
        -- prices (room + fees + taxes = total). Lines: the nights (one
        -- line), the discount, fees and added taxes (one line each), the
        -- included tax.
        insert into app_public.reservations (
          id, property_id, room_type_id, rate_plan_id, unit_id, guest_id, confirmation_code, status, stay, adults, children,
          currency, room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, confirmed_at
        )
        select s.id, p.id, rt.id, rp.id, u.id, g.id, code.code, 'confirmed', daterange(dt.arrival, dt.departure), s.adults, s.children,
               p.currency, m.room, m.fees, m.taxes, m.room + m.fees + m.taxes,
               -- As the functions write them: to_jsonb of price_line[] (and the
               -- plan's terms for that arrival date, plus the penalty).
               to_jsonb(array_remove(array[
                 ('night', dt.arrival, s.nights || ' night' || case when s.nights > 1 then 's' else '' end || ' from ' || dt.arrival,
                  s.nights, m.nights_amount, false, null, null, null)::app_public.price_line,
                 case when m.discount <> 0 then ('discount', null, trim_scale(los.percent_off) || '% off stays of ' || los.min_nights || ' nights or more',
                                                 1, m.discount, false, null, null, null)::app_public.price_line end,
                 case when m.fees <> 0 then ('fee', null, 'Fees', 1, m.fees, false, null, null, null)::app_public.price_line end,
                 -- Generated history sums the added taxes into one line, on the
                 -- account of the property's first added tax.
                 case when m.taxes <> 0 then ('tax', null, 'Taxes', 1, m.taxes, false,
                                              (select t.id from app_public.taxes t where t.property_id = p.id and not t.is_inclusive
                                                order by t.name limit 1), null, null)::app_public.price_line end,
                 case when m.included_taxes <> 0 then ('tax', null, tx.incl_name || ' (' || trim_scale(tx.incl_percent) || '%, included)',
                                                       1, m.included_taxes, true,
                                                       (select t.id from app_public.taxes t where t.property_id = p.id and t.is_inclusive
                                                         order by t.name limit 1), null, null)::app_public.price_line end
               ], null)),
               cal.policy || jsonb_build_object('late_cancellation_penalty', pen.penalty),
               s.confirmed_at
          from scale_stay s
          join scale_unit u on u.ord = s.unit_ord
          join scale_room_type rt on rt.ord = u.room_type_ord
          join scale_property p on p.ord = u.property_ord
          join scale_rate_plan rp on rp.room_type_ord = rt.ord and rp.idx = s.plan_idx
          join scale_guest g on g.property_ord = p.ord and g.idx = s.guest_idx
          join scale_cal cal on cal.plan_ord = rp.ord and cal.day = s.start_day
          left join (select property_ord, sum(amount) filter (where basis = 'per_stay') as per_stay,
                            sum(amount) filter (where basis = 'per_night') as per_night,
                            sum(amount) filter (where basis = 'per_guest_night') as per_guest_night
                       from scale_fee group by property_ord) fe on fe.property_ord = p.ord
          join (select property_ord,
                       max(percent) filter (where basis = 'percent_of_room' and not is_inclusive) as excl_percent,
                       bool_or(applies_to_fees) as on_fees,
                       max(percent) filter (where basis = 'percent_of_room' and is_inclusive) as incl_percent,
                       max(name) filter (where basis = 'percent_of_room' and is_inclusive) as incl_name,
                       sum(amount) filter (where basis = 'per_night') as per_night,
                       sum(amount) filter (where basis = 'per_person_night') as per_person_night
                  from scale_tax group by property_ord) tx on tx.property_ord = p.ord
          cross join lateral (select (now() at time zone 'UTC')::date + s.start_day as arrival,
                                     (now() at time zone 'UTC')::date + s.start_day + s.nights as departure) dt
          left join lateral (select l.min_nights, l.percent_off from scale_los l
                              where l.plan_ord = rp.ord and l.min_nights <= s.nights
                              order by l.percent_off desc limit 1) los on true
          cross join lateral (
            select s.nights * (coalesce(cal.price, rp.base_price)
                               + greatest(s.adults - rp.included_guests, 0) * rp.extra_adult_fee
                               + greatest(s.children - greatest(rp.included_guests - s.adults, 0), 0) * rp.extra_child_fee) as nights_amount
          ) n
          cross join lateral (select coalesce(-round(n.nights_amount * los.percent_off / 100), 0)::bigint as discount) d
          cross join lateral (
            select coalesce(fe.per_stay, 0) + coalesce(fe.per_night, 0) * s.nights
                   + coalesce(fe.per_guest_night, 0) * s.nights * (s.adults + s.children) as fees
          ) f
          cross join lateral (
            select n.nights_amount::bigint as nights_amount, d.discount, (n.nights_amount + d.discount)::bigint as room, f.fees::bigint as fees,
                   (coalesce(round((n.nights_amount + d.discount + case when tx.on_fees then f.fees else 0 end) * tx.excl_percent / 100), 0)
                    + coalesce(tx.per_night, 0) * s.nights + coalesce(tx.per_person_night, 0) * s.nights * (s.adults + s.children))::bigint as taxes,
                   coalesce(round((n.nights_amount + d.discount) * tx.incl_percent / (100 + tx.incl_percent)), 0)::bigint as included_taxes
          ) m
          cross join lateral (
            select case when not rp.is_refundable then m.room + m.fees + m.taxes
                        when rp.penalty_kind = 'nights'
                          then round((m.room + m.fees + m.taxes)::numeric * least(rp.penalty_value, s.nights) / s.nights)::bigint
                        else round((m.room + m.fees + m.taxes)::numeric * rp.penalty_value / 100)::bigint end as penalty
          ) pen
          cross join lateral (select ${confirmationCode("s.ord::bigint")} as code) code;`,
    },
    {
      step: "insert inventory claims",
      sql: `
        insert into app_public.inventory_claims (property_id, unit_id, stay, kind, reservation_id)
        select p.id, u.id,
               daterange((now() at time zone 'UTC')::date + s.start_day, (now() at time zone 'UTC')::date + s.start_day + s.nights),
               'reservation', s.id
          from scale_stay s join scale_unit u on u.ord = s.unit_ord join scale_property p on p.ord = u.property_ord
         order by s.ord;`,
    },
    {
      // What the properties' and taxes' triggers would have done: each
      // property's chart of accounts (its system accounts, one per tax).
      step: "chart of accounts",
      sql: `select app_private.create_ledger_accounts(p.id) from scale_property p order by p.ord;`,
    },
    ...scaleMoneySteps(confirmationCode),
  ];
}

const counted = [
  ["organizations", "app_public.organizations o where o.slug like $1"],
  ["properties", "app_public.properties x join app_public.organizations o on o.id = x.organization_id where o.slug like $1"],
  ["room_types", "app_public.room_types x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["units", "app_public.units x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["rate_plans", "app_public.rate_plans x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["rate_plan_los_discounts", "app_public.rate_plan_los_discounts x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["rate_calendar", "app_public.rate_calendar x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["fees", "app_public.fees x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["taxes", "app_public.taxes x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["guests", "app_public.guests x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["reservations", "app_public.reservations x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ["inventory_claims", "app_public.inventory_claims x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1"],
  ...(
    [
      ["cancelled", "app_public.reservations", "x.status = 'cancelled'"],
      ["folios", "app_public.folios", "x.kind = 'guest' and x.is_primary"],
      ["second_folios", "app_public.folios", "x.kind = 'guest' and not x.is_primary"],
      ["companies", "app_public.companies", "true"],
      ["journal_entries", "app_public.journal_entries", "true"],
      ["postings", "app_public.postings", "true"],
      ["payment_intents", "app_public.payment_intents", "true"],
      ["intents_captured", "app_public.payment_intents", "x.amount_captured > 0"],
      ["intents_failed", "app_public.payment_intents", "x.status = 'failed'"],
      ["payment_attempts", "app_public.payment_attempts", "true"],
      ["attempts_declined", "app_public.payment_attempts", "x.status = 'failed'"],
      ["refunds", "app_public.refunds", "true"],
      ["refunds_partial", "app_public.payment_intents", "x.status = 'partially_refunded'"],
      ["city_ledger_transfers", "app_public.journal_entries", "x.cause_type = 'city_ledger_transfer'"],
    ] as const
  ).map(([name, table, where]) => [
    name,
    `${table} x join app_public.properties p on p.id = x.property_id join app_public.organizations o on o.id = p.organization_id where o.slug like $1 and ${where}`,
  ] as const),
];

/** Tables the generator writes, children first (analyzed after it). */
const scaleTables = [
  "app_public.refunds", "app_public.payment_attempts", "app_private.cards_on_file", "app_public.payment_intents",
  "app_public.folio_balances", "app_public.postings", "app_public.journal_entries", "app_public.folios", "app_public.companies",
  "app_public.folio_extras", "app_public.ledger_accounts",
  "app_public.inventory_claims", "app_public.reservations", "app_public.guests", "app_public.rate_calendar",
  "app_public.rate_plan_los_discounts", "app_public.rate_plans", "app_public.fees", "app_public.taxes", "app_public.units",
  "app_public.room_types", "app_public.property_memberships", "app_public.properties", "app_public.organizations",
];

/**
 * Deletes every generated organization and everything at its properties
 * (bookings, payments and ledger made there since included): with triggers
 * off (nothing cascades, and the ledger's append-only triggers do not
 * fire), every row of every table with a property_id; the foreign keys
 * are verified before commit.
 */
const resetSql = `
  create temp table scale_old_property on commit drop as
  select p.id from app_public.properties p join app_public.organizations o on o.id = p.organization_id
   where o.slug like '${scaleSlugPrefix}%';
  do $$
  declare
    t regclass;
  begin
    for t in
      select c.oid::regclass from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attname = 'property_id' and not a.attisdropped
       where n.nspname in ('app_public', 'app_private') and c.relkind in ('r', 'p') and c.relname <> 'properties'
    loop
      execute format('delete from %s where property_id in (select id from scale_old_property)', t);
    end loop;
  end;
  $$;
  delete from app_public.properties where id in (select id from scale_old_property);
  delete from app_public.organizations where slug like '${scaleSlugPrefix}%';
  drop table scale_old_property;`;

/** Every foreign key of Keepr's tables (app_public, app_private) as an anti-join counting the rows that break it. */
async function brokenForeignKeys(client: pg.ClientBase): Promise<Array<{ constraint: string; rows: number }>> {
  const { rows: keys } = await client.query<{ name: string; child: string; parent: string; cols: string[]; pcols: string[] }>(
    `select c.conname as name, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
            array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
                    join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as cols,
            array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
                    join pg_catalog.pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as pcols
       from pg_catalog.pg_constraint c
       join pg_catalog.pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname in ('app_public', 'app_private')`,
  );
  const broken: Array<{ constraint: string; rows: number }> = [];
  for (const k of keys) {
    const id = pg.escapeIdentifier;
    const notNull = k.cols.map((c) => `x.${id(c)} is not null`).join(" and ");
    const match = k.cols.map((c, i) => `y.${id(k.pcols[i]!)} = x.${id(c)}`).join(" and ");
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from ${k.child} x where ${notNull} and not exists (select 1 from ${k.parent} y where ${match})`,
    );
    const n = Number(rows[0]!.n);
    if (n > 0) broken.push({ constraint: `${k.child}.${k.name}`, rows: n });
  }
  return broken;
}

/** The database's superuser URL pointed at the database itself (Database.superuserUrl names the maintenance database). */
function superuserUrlFor(db: ScaleDatabase): string | undefined {
  if (!db.superuserUrl) return undefined;
  const url = new URL(db.superuserUrl);
  url.pathname = `/${new URL(db.ownerUrl).pathname.slice(1)}`;
  return url.toString();
}

export interface ScaleDatabase {
  ownerUrl: string;
  /** A superuser (embedded Postgres, or ROOT_DATABASE_URL): lets the generator switch triggers off for its session. */
  superuserUrl?: string;
}

/**
 * Generates the scale data set (in one transaction), then analyzes the
 * tables. Unless options.audit, triggers are off for the generator's own
 * session (session_replication_role = replica, which needs a superuser:
 * it connects as the superuser and does SET ROLE to the owner), so the
 * generated rows get no audit.events rows, and the foreign keys (triggers
 * too) are verified by anti-joins before commit instead. Throws
 * ScaleDataExistsError when generated data exists and options.reset is false.
 */
export async function generateScaleData(
  db: ScaleDatabase,
  options: ScaleOptions,
  log: (message: string) => void = () => {},
): Promise<ScaleResult> {
  const problems = validateScaleOptions(options);
  if (problems.length) throw new RangeError(problems.join("\n"));
  const began = performance.now();
  const steps: ScaleResult["steps"] = [];
  const superuserUrl = options.audit ? undefined : superuserUrlFor(db);
  const client = new pg.Client({ connectionString: superuserUrl ?? db.ownerUrl, application_name: "keepr-seed-scale" });
  await client.connect();
  let deletedReservations: number | undefined;
  let triggers: ScaleResult["triggers"] = "on";
  const timed = async (step: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    steps.push({ step, ms: Math.round(performance.now() - t) });
    log(`${step}: ${steps.at(-1)!.ms} ms`);
  };
  try {
    if (!options.audit) {
      try {
        await client.query("set session_replication_role = replica");
        triggers = "off";
      } catch (error) {
        if ((error as { code?: string }).code !== "42501") throw error;
        log("triggers stay on (audit rows, about 4x slower): the owner may not set session_replication_role; a superuser (ROOT_DATABASE_URL) may");
      }
      if (superuserUrl) await client.query("set role keepr_owner");
    }
    await client.query("begin");
    // One generator at a time.
    await client.query("select pg_advisory_xact_lock(hashtext('keepr-seed-scale'))");
    const existing = await client.query<{ n: string }>(
      "select count(*) as n from app_public.organizations where slug like $1",
      [`${scaleSlugPrefix}%`],
    );
    if (Number(existing.rows[0]!.n) > 0) {
      if (!options.reset) {
        throw new ScaleDataExistsError(
          `Scale data already exists (${existing.rows[0]!.n} organizations with slugs ${scaleSlugPrefix}*); run again with --reset to replace it.`,
        );
      }
      const before = await client.query<{ n: string }>(`select count(*) as n from ${counted[10]![1]}`, [`${scaleSlugPrefix}%`]);
      deletedReservations = Number(before.rows[0]!.n);
      if (triggers === "on") {
        throw new Error("--reset needs a superuser (the embedded cluster's, or ROOT_DATABASE_URL): the ledger of the old scale data is append-only, and only with triggers off may the generator delete it.");
      }
      await timed("reset (delete previous scale data)", () => client.query(resetSql));
    }
    for (const { step, sql } of scaleSteps(options)) await timed(step, () => client.query(sql));
    await timed("verify money", () => verifyScaleMoney(client, `${scaleSlugPrefix}%`));
    if (triggers === "off" || deletedReservations !== undefined) {
      await timed("verify foreign keys", async () => {
        const broken = await brokenForeignKeys(client);
        if (broken.length) {
          throw new Error(`generated rows break foreign keys (nothing was saved): ${broken.map((b) => `${b.constraint} (${b.rows} rows)`).join(", ")}`);
        }
      });
    }
    await timed("commit", () => client.query("commit"));
    await timed("analyze", () =>
      client.query(`analyze ${scaleTables.filter((t) => !t.endsWith("property_memberships")).join(", ")}`),
    );

    const counts: Record<string, number> = {};
    for (const [name, from] of counted) {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${from}`, [`${scaleSlugPrefix}%`]);
      counts[name] = Number(rows[0]!.n);
    }
    const { rows } = await client.query<{ nights: string | null }>(
      `select sum(upper(x.stay) - lower(x.stay)) as nights from ${counted[11]![1]} and x.released_at is null`,
      [`${scaleSlugPrefix}%`],
    );
    const occupancy = counts.units ? Number(rows[0]!.nights ?? 0) / (counts.units * options.days) : 0;
    return { seed: options.seed, counts, occupancy, triggers, deletedReservations, steps, ms: Math.round(performance.now() - began) };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

export function formatScaleResult(result: ScaleResult, options: ScaleOptions): string {
  const lines = [
    `scale data: seed ${result.seed}, ${options.properties} properties, ${options.units} units, ${options.days} days from today, occupancy target ${options.occupancy}`,
    ...Object.entries(result.counts).map(([name, n]) => `  ${name.padEnd(24)} ${String(n).padStart(9)}`),
    `  occupancy generated       ${(result.occupancy * 100).toFixed(1)}% of unit-nights`,
    `  triggers ${result.triggers === "off" ? "off for this session (session_replication_role = replica): no audit rows, foreign keys verified by the generator" : "on (audit rows written)"}`,
    `  steps: ${result.steps.map((s) => `${s.step} ${s.ms} ms`).join("; ")}`,
    `done in ${(result.ms / 1000).toFixed(1)} s`,
  ];
  return lines.join("\n");
}

function parseCli(argv: string[]): ScaleOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      properties: { type: "string" },
      units: { type: "string" },
      days: { type: "string" },
      occupancy: { type: "string" },
      seed: { type: "string" },
      reset: { type: "boolean", default: false },
      audit: { type: "boolean", default: false },
    },
    strict: true,
  });
  const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
  return {
    properties: num(values.properties, defaultScaleOptions.properties),
    units: num(values.units, defaultScaleOptions.units),
    days: num(values.days, defaultScaleOptions.days),
    occupancy: num(values.occupancy, defaultScaleOptions.occupancy),
    seed: num(values.seed, defaultScaleOptions.seed),
    reset: values.reset ?? false,
    audit: values.audit ?? false,
  };
}

async function main(): Promise<number> {
  const usage = "usage: npm run seed -- [--properties 50] [--units 5000] [--days 365] [--occupancy 0.6] [--seed 42] [--reset] [--audit]";
  let options: ScaleOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${usage}`);
    return 2;
  }
  const problems = validateScaleOptions(options);
  if (problems.length) {
    console.error(`${problems.join("\n")}\n${usage}`);
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config, () => {});
  try {
    const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 1 });
    let current: boolean;
    try {
      current = await migrationsAreCurrent(pool, latestCommittedHash()).catch(() => false);
    } finally {
      await pool.end();
    }
    if (!current) {
      console.log("migrating the database first");
      await migrateDatabase(db, (_level, message) => console.log(message));
    }
    console.log(`generating scale data with seed ${options.seed}${options.reset ? " (--reset)" : ""}`);
    const result = await generateScaleData(db, options, (m) => console.log(`  ${m}`));
    console.log(formatScaleResult(result, options));
    return 0;
  } catch (error) {
    if (error instanceof ScaleDataExistsError) {
      console.error(error.message);
      return 2;
    }
    console.error(error instanceof Error ? error.message : error);
    return 1;
  } finally {
    await db.stop();
  }
}

if (import.meta.main) process.exit(await main());
