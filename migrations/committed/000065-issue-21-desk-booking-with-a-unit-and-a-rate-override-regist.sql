--! Previous: sha1:b10d894e78f92b7ee608daa104693960a5cfa1f0
--! Hash: sha1:56dc6d3319be2a8bbe1c20f1a28d3c6ba321774e
--! Message: Issue 21: desk booking with a unit and a rate override, registration cards

-- Issue 21, front desk: walk-in and phone bookings with a unit chosen by the
-- desk and a rate override with its reason (role-checked, limited per
-- property for the front desk, recorded and audited); a guest without email.

-- A walk-in may have no email: the profile has none, no message is sent.
alter table app_public.guests alter column email drop not null;
comment on column app_public.guests.email is E'The guest''s email (unique at the property); null for a guest booked at the desk without one (no messages are sent then).';

-- How much the front desk may take off a room price on its own.
alter table app_public.properties drop column if exists desk_max_discount_percent;
alter table app_public.properties
  add column desk_max_discount_percent numeric(5,2) not null default 10
    constraint properties_desk_max_discount_percent_check check (desk_max_discount_percent between 0 and 100);
comment on column app_public.properties.desk_max_discount_percent is E'The most the front desk may take off a stay''s room price at the desk (percent, 0 to 100; default 10). Managers and owners have no limit.';
grant update (desk_max_discount_percent) on app_public.properties to keepr_staff;

drop function if exists app_public.reservations_rate_override(app_public.reservations);
drop function if exists app_public.create_desk_hold(text, text, integer);
drop function if exists app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text);
drop function if exists app_private.check_desk_override(uuid, bigint, bigint, numeric, text);
drop table if exists app_public.rate_overrides;
drop function if exists app_private.quote_for(uuid, date, date, integer, integer);
drop function if exists app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer);
drop function if exists app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text);

create table app_public.rate_overrides (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null,
  reservation_id uuid not null,
  kind text not null constraint rate_overrides_kind_check check (kind in ('room_amount', 'discount_percent')),
  quoted_room_amount bigint not null constraint rate_overrides_quoted_room_amount_check check (quoted_room_amount >= 0),
  room_amount bigint not null constraint rate_overrides_room_amount_check check (room_amount >= 0),
  discount_percent numeric(7,2) not null,
  reason text not null constraint rate_overrides_reason_check check (pg_catalog.length(reason) between 3 and 500),
  created_by uuid,
  creator_role app_public.staff_role not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint rate_overrides_pkey primary key (id, property_id),
  constraint rate_overrides_property_id_reservation_id_key unique (property_id, reservation_id),
  constraint rate_overrides_property_id_fkey foreign key (property_id) references app_public.properties (id) on delete cascade,
  constraint rate_overrides_reservation_fkey foreign key (property_id, reservation_id)
    references app_public.reservations (property_id, id) on delete cascade,
  constraint rate_overrides_created_by_fkey foreign key (created_by) references app_public.users (id) on delete set null
);
create index rate_overrides_created_by_idx on app_public.rate_overrides (created_by) where created_by is not null;
comment on table app_public.rate_overrides is E'The price the front desk set for a stay (createDeskHold): the quoted room price, the price given, the effective percent off, why and who. One per reservation; read as Reservation.rateOverride.';
comment on constraint rate_overrides_pkey on app_public.rate_overrides is E'@rowIdentity id';
comment on constraint rate_overrides_reservation_fkey on app_public.rate_overrides is E'@behavior -*';
comment on constraint rate_overrides_property_id_reservation_id_key on app_public.rate_overrides is E'@behavior -*';
comment on column app_public.rate_overrides.kind is E'room_amount (the desk gave the room price) or discount_percent (the desk gave a percent off).';
comment on column app_public.rate_overrides.quoted_room_amount is E'The room price (nights less the length-of-stay discount, minor units) before the override.';
comment on column app_public.rate_overrides.room_amount is E'The room price after the override (minor units); taxes follow it.';
comment on column app_public.rate_overrides.discount_percent is E'The effective percent off the quoted room price (negative when the desk raised it).';
comment on column app_public.rate_overrides.reason is E'Why the price was changed, as the desk wrote it.';
comment on column app_public.rate_overrides.created_by is E'Who set the price.';
comment on column app_public.rate_overrides.creator_role is E'Their role at the property then (what limit applied).';
create trigger _100_timestamps before insert or update on app_public.rate_overrides
  for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update or delete on app_public.rate_overrides
  for each row execute function audit.tg__record();
alter table app_public.rate_overrides enable row level security;
grant select on app_public.rate_overrides to keepr_staff;
create policy select_cashiers on app_public.rate_overrides for select to keepr_staff
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));

--! Included booking/app_private.price_lines.sql
-- Prices a stay on any number of rate plans at once (search prices many,
-- quote one), as lines per plan:
--   night     one per date: the calendar price (or the plan's base price)
--             plus extra-adult and extra-child fees for guests beyond the
--             included ones (adults fill the included places first);
--   discount  the largest length-of-stay discount the stay qualifies for,
--             a percent of the nights' sum; and the front desk's rate
--             override (desk_room_amount: the room part, nights less the
--             length-of-stay discount, becomes that amount; or
--             desk_percent_off: that percent off it), one line described
--             by desk_note, which may raise the price as well as lower it;
--   fee       per stay, per night or per guest-night;
--   tax       (with its tax_id) a percent of the room total (plus fees when the tax says so),
--             or an amount per night or per person-night. An inclusive tax
--             is inside the prices: its line shows it and is not added.
-- Rounding: every line is a whole number of minor units; a percent is
-- rounded once per line, half away from zero (numeric round()); totals are
-- sums of lines. The rule is in docs/booking.md.
create or replace function app_private.price_lines(
  rate_plan_ids uuid[],
  arrival date,
  departure date,
  adults integer,
  children integer,
  desk_room_amount bigint default null,
  desk_percent_off numeric default null,
  desk_note text default null
) returns table (
  rate_plan_id uuid,
  line_no integer,
  kind text,
  date date,
  description text,
  quantity integer,
  amount bigint,
  is_inclusive boolean,
  tax_id uuid
)
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return query
    with plans as (
      select rp.id, rp.property_id, rp.room_type_id, rp.base_price, rp.extra_adult_fee, rp.extra_child_fee,
             price_lines.departure - price_lines.arrival as nights,
             greatest(price_lines.adults - rp.included_guests, 0) as extra_adults,
             greatest(price_lines.children - greatest(rp.included_guests - price_lines.adults, 0), 0) as extra_children
        from app_public.rate_plans rp
       where rp.id = any (price_lines.rate_plan_ids)
    ),
    nights as (
      -- The calendar price is looked up per night (one primary-key probe
      -- each): a join would be planned blind (the function's parameters are
      -- unknown when its plan is made) and can scan the whole calendar.
      select p.id as rate_plan_id, d.date, p.extra_adults, p.extra_children,
             coalesce((select c.price from app_public.rate_calendar c
                        where c.property_id = p.property_id and c.rate_plan_id = p.id and c.date = d.date),
                      p.base_price)
               + p.extra_adults * p.extra_adult_fee
               + p.extra_children * p.extra_child_fee as amount
        from plans p
        cross join lateral (
          select price_lines.arrival + i as date
            from pg_catalog.generate_series(0, p.nights - 1) i
        ) d
    ),
    room as (
      select n.rate_plan_id, sum(n.amount) as subtotal from nights n group by n.rate_plan_id
    ),
    discounts as (
      select p.id as rate_plan_id, l.min_nights, l.percent_off,
             -round(r.subtotal * l.percent_off / 100) as amount
        from plans p
        join room r on r.rate_plan_id = p.id
        cross join lateral (
          select l.min_nights, l.percent_off
            from app_public.rate_plan_los_discounts l
           where l.property_id = p.property_id and l.rate_plan_id = p.id and l.min_nights <= p.nights
           order by l.percent_off desc, l.min_nights desc
           limit 1
        ) l
    ),
    los_totals as (
      select r.rate_plan_id, r.subtotal + coalesce(d.amount, 0) as amount
        from room r left join discounts d on d.rate_plan_id = r.rate_plan_id
    ),
    desk as (
      -- The desk's override, on the room part after the length-of-stay
      -- discount (app_public.desk_quote checks who may give how much).
      select lt.rate_plan_id,
             case when price_lines.desk_room_amount is not null then price_lines.desk_room_amount - lt.amount
                  else -round(lt.amount * price_lines.desk_percent_off / 100) end as amount
        from los_totals lt
       where price_lines.desk_room_amount is not null or price_lines.desk_percent_off is not null
    ),
    room_totals as (
      select lt.rate_plan_id, lt.amount + coalesce(k.amount, 0) as amount
        from los_totals lt left join desk k on k.rate_plan_id = lt.rate_plan_id
    ),
    fee_lines as (
      select p.id as rate_plan_id, f.name, f.basis, f.amount as unit_amount,
             case f.basis
               when 'per_stay' then 1
               when 'per_night' then p.nights
               else p.nights * (price_lines.adults + price_lines.children)
             end as quantity
        from plans p
        join app_public.fees f
          on f.property_id = p.property_id and f.is_active
         and (f.room_type_id is null or f.room_type_id = p.room_type_id)
    ),
    fee_totals as (
      select f.rate_plan_id, sum(f.quantity * f.unit_amount) as amount from fee_lines f group by f.rate_plan_id
    ),
    tax_lines as (
      select p.id as rate_plan_id, t.id as tax_id, t.name, t.basis, t.percent, t.is_inclusive,
             case t.basis
               when 'percent_of_room' then 1
               when 'per_night' then p.nights
               else p.nights * (price_lines.adults + price_lines.children)
             end as quantity,
             case t.basis
               when 'percent_of_room' then
                 round((rt.amount + case when t.applies_to_fees then coalesce(ft.amount, 0) else 0 end) * t.percent
                       / case when t.is_inclusive then 100 + t.percent else 100 end)
               else t.amount
             end as unit_amount
        from plans p
        join room_totals rt on rt.rate_plan_id = p.id
        left join fee_totals ft on ft.rate_plan_id = p.id
        join app_public.taxes t on t.property_id = p.property_id and t.is_active
    )
    select l.rate_plan_id,
           (pg_catalog.row_number() over (partition by l.rate_plan_id order by l.section, l.date, l.description))::integer,
           l.kind, l.date, l.description, l.quantity, l.amount::bigint, l.is_inclusive, l.tax_id
      from (
        select n.rate_plan_id, 1 as section, 'night' as kind, n.date,
               'Night of ' || pg_catalog.to_char(n.date, 'Dy DD Mon YYYY')
                 || case when n.extra_adults + n.extra_children > 0
                         then pg_catalog.format(' (incl. %s extra guest%s)', n.extra_adults + n.extra_children,
                                                case when n.extra_adults + n.extra_children > 1 then 's' else '' end)
                         else '' end as description,
               1 as quantity, n.amount, false as is_inclusive, null::uuid as tax_id
          from nights n
        union all
        select d.rate_plan_id, 2, 'discount', null,
               pg_catalog.format('%s%% off stays of %s nights or more', pg_catalog.trim_scale(d.percent_off), d.min_nights),
               1, d.amount, false, null
          from discounts d
        union all
        select k.rate_plan_id, 2, 'discount', null,
               coalesce(price_lines.desk_note, 'Rate set by the front desk'), 1, k.amount, false, null
          from desk k
        union all
        select f.rate_plan_id, 3, 'fee', null,
               f.name || case f.basis when 'per_night' then ' (per night)' when 'per_guest_night' then ' (per guest per night)' else '' end,
               f.quantity, f.quantity * f.unit_amount, false, null
          from fee_lines f
        union all
        select t.rate_plan_id, 4, 'tax', null,
               t.name || case t.basis
                           when 'percent_of_room' then pg_catalog.format(' (%s%%%s)', pg_catalog.trim_scale(t.percent),
                                                                         case when t.is_inclusive then ', included' else '' end)
                           when 'per_night' then ' (per night' || case when t.is_inclusive then ', included' else '' end || ')'
                           else ' (per person per night' || case when t.is_inclusive then ', included' else '' end || ')'
                         end,
               t.quantity, t.quantity * t.unit_amount, t.is_inclusive, t.tax_id
          from tax_lines t
      ) l;
end;
$$;
comment on function app_private.price_lines(uuid[], date, date, integer, integer, bigint, numeric, text) is
  E'The price of a stay on each given rate plan, as lines (night, discount, fee, tax) in minor units, with the front desk''s override when given.';
--! EndIncluded booking/app_private.price_lines.sql
--! Included booking/app_private.quote_for.sql
-- The priced stay on one rate plan, with totals, cancellation terms and
-- units left; no restriction checks, no token (callers add what they need).
-- Cancellation: free until free_cancellation_days before the arrival date at
-- the property's check-in time (local); after that the penalty is
-- round(base × nights charged / nights) or round(base × percent / 100);
-- non-refundable rates charge the base. The base is the total less the
-- taxes a penalty does not carry (taxes.applies_to_penalty: a city tax per
-- person-night is owed only for nights stayed), as
-- app_private.penalty_base says for a reservation. The desk_* arguments are
-- the front desk's rate override (app_private.price_lines).
create or replace function app_private.quote_for(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer,
  desk_room_amount bigint default null,
  desk_percent_off numeric default null,
  desk_note text default null
) returns app_public.quote
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  return (
      with lines as (
        select l.*, tx.name as tax_name, coalesce(tx.applies_to_penalty, true) as carried_by_penalty
          from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                       quote_for.adults, quote_for.children,
                                       quote_for.desk_room_amount, quote_for.desk_percent_off, quote_for.desk_note) l
          left join app_public.taxes tx on l.kind = 'tax' and tx.id = l.tax_id
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.carried_by_penalty), 0)::bigint as penalty_free_amount,
               pg_catalog.string_agg(l.tax_name, ' and ' order by l.line_no) filter (where l.kind = 'tax' and not l.carried_by_penalty) as penalty_free_taxes,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive, l.tax_id)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount as total_amount,
               t.room_amount + t.fees_amount + t.taxes_amount - t.penalty_free_amount as penalty_base,
               quote_for.departure - quote_for.arrival as nights,
               case when rp.is_refundable
                    then ((quote_for.arrival - rp.free_cancellation_days)::timestamp + p.check_in_time) at time zone p.time_zone
               end as free_until
          from app_public.rate_plans rp
          join app_public.properties p on p.id = rp.property_id
          cross join totals t
         where rp.id = quote_for.rate_plan_id
      )
      select (
        x.property_id, x.room_type_id, x.id,
        quote_for.arrival, quote_for.departure, x.nights, quote_for.adults, quote_for.children,
        x.currency, t.room_amount, t.fees_amount, t.taxes_amount, t.included_taxes_amount, x.total_amount, t.lines,
        x.is_refundable, x.free_until,
        case
          when not x.is_refundable then x.penalty_base
          when x.cancellation_penalty_kind = 'nights'
            then round(x.penalty_base::numeric * least(x.cancellation_penalty_value, x.nights) / x.nights)::bigint
          else round(x.penalty_base::numeric * x.cancellation_penalty_value / 100)::bigint
        end,
        case
          when not x.is_refundable and t.penalty_free_taxes is not null
            then pg_catalog.format('Non-refundable: cancelling costs the full amount but the %s, which is due only for nights stayed.', t.penalty_free_taxes)
          when not x.is_refundable then 'Non-refundable: cancelling costs the full amount.'
          -- A stay sooner than the plan's free-cancellation window (a same-day or
          -- last-minute booking): the deadline has passed before the booking is
          -- made, so it is never shown as a date (issue 21).
          when x.free_until <= pg_catalog.now()
            then pg_catalog.format('Non-refundable from booking: free cancellation ends %s before arrival, which has passed. Cancelling costs %s.',
                   case when x.free_cancellation_days = 0 then 'at check-in time on the arrival day'
                        else pg_catalog.format('%s day%s', x.free_cancellation_days, case when x.free_cancellation_days = 1 then '' else 's' end) end,
                   case when x.cancellation_penalty_kind = 'nights'
                        then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                               case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                        else x.cancellation_penalty_value || '% of the total' end)
               || case when t.penalty_free_taxes is not null
                       then pg_catalog.format(' The %s is due only for nights stayed.', t.penalty_free_taxes) else '' end
          else pg_catalog.format('Free cancellation until %s (%s). After that, cancelling costs %s.',
                 pg_catalog.to_char(x.free_until at time zone x.time_zone, 'YYYY-MM-DD HH24:MI'), x.time_zone,
                 case when x.cancellation_penalty_kind = 'nights'
                      then pg_catalog.format('%s night%s', least(x.cancellation_penalty_value, x.nights),
                                             case when least(x.cancellation_penalty_value, x.nights) = 1 then '' else 's' end)
                      else x.cancellation_penalty_value || '% of the total' end)
               || case when t.penalty_free_taxes is not null
                       then pg_catalog.format(' The %s is due only for nights stayed.', t.penalty_free_taxes) else '' end
        end,
        coalesce((select l.units_left from app_private.room_type_units_left(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure),
                                                                              x.room_type_id) l), 0),
        null, null
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks), with the front desk''s rate override when given (app_private.price_lines).';
--! EndIncluded booking/app_private.quote_for.sql
--! Included booking/app_private.check_desk_override.sql
-- Who may set a stay's price at the desk, and by how much. The front office
-- (owner, manager, front desk) of the property may override the room price
-- of a quote; owners and managers without limit, the front desk up to the
-- property's desk_max_discount_percent off the room part (nights less the
-- length-of-stay discount). Raising the price is never limited. Everyone
-- else: ACCESS_DENIED. A reason (3 to 500 characters) is required
-- (OVERRIDE_REASON_REQUIRED); a discount over the caller's limit is
-- OVERRIDE_LIMIT (reason = the limit). Returns the effective percent off
-- (negative when the price goes up), rounded to two decimals.
create or replace function app_private.check_desk_override(
  property_id uuid,
  quoted_room_amount bigint,
  room_amount bigint,
  discount_percent numeric,
  reason text
) returns numeric
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_role app_public.staff_role;
  v_limit numeric;
  v_new bigint;
  v_percent numeric;
begin
  select m.role into v_role from app_public.property_memberships m
   where m.property_id = check_desk_override.property_id and m.user_id = app_hidden.current_user_id();
  if v_role is null or not (v_role = any (app_hidden.staff_group_roles('front_office'))) then
    raise exception using errcode = 'DNIED', message = 'Only the front desk, managers and owners may set a stay''s price.';
  end if;
  if room_amount is not null and discount_percent is not null then
    raise exception using errcode = 'INVLD', message = 'Give either a new room price or a discount, not both.', hint = 'OVERRIDE';
  end if;
  if discount_percent is not null and (discount_percent <= 0 or discount_percent > 100 or pg_catalog.scale(discount_percent) > 2) then
    raise exception using errcode = 'INVLD', message = 'A discount is more than 0 and at most 100 percent, with at most two decimals.', hint = 'OVERRIDE';
  end if;
  if room_amount is not null and (room_amount < 0 or room_amount > 100000000000) then
    raise exception using errcode = 'INVLD', message = 'The room price must be between 0 and 1,000,000,000.00.', hint = 'OVERRIDE';
  end if;
  if reason is null or pg_catalog.length(pg_catalog.btrim(reason)) < 3 or pg_catalog.length(reason) > 500 then
    raise exception using errcode = 'OVRSN', message = 'Say why the price is changed (3 to 500 characters): the manager reads it in the history.';
  end if;
  v_new := coalesce(room_amount, quoted_room_amount - round(quoted_room_amount * discount_percent / 100)::bigint);
  v_percent := case when quoted_room_amount > 0 then round((quoted_room_amount - v_new) * 100.0 / quoted_room_amount, 2)
                    when v_new > 0 then -100 else 0 end;
  if v_role = 'front_desk' then
    select p.desk_max_discount_percent into v_limit from app_public.properties p where p.id = check_desk_override.property_id;
    if v_percent > v_limit then
      raise exception using errcode = 'OVLIM',
        message = pg_catalog.format('The front desk may give at most %s%% off the room price here (this is %s%%); ask a manager.',
                                    pg_catalog.trim_scale(v_limit), pg_catalog.trim_scale(v_percent)),
        hint = pg_catalog.trim_scale(v_limit)::text;
    end if;
  end if;
  return v_percent;
end;
$$;
comment on function app_private.check_desk_override(uuid, bigint, bigint, numeric, text) is
  E'Checks the caller may override a stay''s room price by this much (front office; the front desk within the property''s limit) and that a reason is given; returns the effective percent off.';
--! EndIncluded booking/app_private.check_desk_override.sql
--! Included booking/app_public.desk_quote.sql
-- The front desk's quote for a walk-in or a phone booking: app_public.quote,
-- plus a unit of the room type chosen by the desk (free for those nights:
-- UNIT_UNAVAILABLE otherwise) and a rate override with its reason (a new
-- room price, or a percent off it; see app_private.check_desk_override for
-- who may give how much). The price lines show the override as a line of its
-- own and the taxes follow the new room price. The token is signed for
-- createDeskHold only (createHold refuses it), carries the unit and the
-- override, and is valid for 30 minutes. Front office of the property only.
create or replace function app_public.desk_quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  unit_id uuid default null,
  room_amount bigint default null,
  discount_percent numeric default null,
  override_reason text default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_plan app_public.rate_plans;
  v_restriction record;
  v_quote app_public.quote;
  v_plain app_public.quote;
  v_percent numeric;
  v_override jsonb;
  v_payload text;
begin
  select rp.* into v_plan from app_public.rate_plans rp
   where rp.id = desk_quote.rate_plan_id and rp.property_id in (select app_hidden.current_property_ids());
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan.';
  end if;
  perform app_private.require_staff(v_plan.property_id, app_hidden.staff_group_roles('front_office'), 'take bookings');
  perform app_private.check_stay(v_plan.property_id, arrival, departure, adults, children);
  select * into v_restriction
    from app_private.stay_restrictions(array[desk_quote.rate_plan_id], arrival, departure, adults, children);
  if v_restriction.restriction is not null then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  if unit_id is not null then
    if not exists (select from app_public.units u
                    where u.property_id = v_plan.property_id and u.id = desk_quote.unit_id and u.room_type_id = v_plan.room_type_id) then
      raise exception using errcode = 'NTFND', message = 'No such unit of this room type.';
    end if;
    if not exists (select from app_private.free_units(array[v_plan.property_id], pg_catalog.daterange(arrival, departure), v_plan.room_type_id) f
                    where f.unit_id = desk_quote.unit_id) then
      raise exception using errcode = 'UNAVL', message = 'That unit is taken for some of those nights; choose another or any free unit.';
    end if;
  end if;

  if room_amount is not null or discount_percent is not null or override_reason is not null then
    v_plain := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children);
    v_percent := app_private.check_desk_override(v_plan.property_id, v_plain.room_amount, room_amount, discount_percent, override_reason);
    v_quote := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children,
                 room_amount, discount_percent,
                 case when room_amount is not null then 'Rate set by the front desk: ' else pg_catalog.format('Front desk discount %s%%: ', pg_catalog.trim_scale(discount_percent)) end
                   || pg_catalog.btrim(override_reason));
    v_override := pg_catalog.jsonb_build_object(
      'quoted_room_amount', v_plain.room_amount, 'quoted_total_amount', v_plain.total_amount,
      'room_amount', v_quote.room_amount, 'discount_percent', v_percent,
      'kind', case when room_amount is not null then 'room_amount' else 'discount_percent' end,
      'reason', pg_catalog.btrim(override_reason));
  else
    v_quote := app_private.quote_for(desk_quote.rate_plan_id, arrival, departure, adults, children);
  end if;
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates.';
  end if;
  v_quote.valid_until := pg_catalog.now() + interval '30 minutes';
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(
                 (pg_catalog.to_jsonb(v_quote) || pg_catalog.jsonb_build_object('unit_id', unit_id, 'override', v_override))::text, 'UTF8'), 'base64'),
                 E'+/=\n', '-_');
  v_quote.quote_token := v_payload || '.' || app_private.sign('desk:' || v_payload);
  return v_quote;
end;
$$;
comment on function app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text) is
  E'The front desk''s quote: like quote, with a chosen unit (free for those nights) and a rate override (a new room price, roomAmount, or discountPercent off it) with its reason; the token is for createDeskHold. Front office of the property only; the front desk within the property''s deskMaxDiscountPercent. Errors: NOT_FOUND, ACCESS_DENIED, DATES, GUEST, RESTRICTED, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, OVERRIDE_REASON_REQUIRED, INVALID_INPUT (reason OVERRIDE).';
--! EndIncluded booking/app_public.desk_quote.sql
grant execute on function app_public.desk_quote(uuid, date, date, integer, integer, uuid, bigint, numeric, text) to keepr_staff;
--! Included booking/app_public.create_desk_hold.sql
-- Holds the stay of a desk quote (app_public.desk_quote) for `minutes`
-- (default 10, 1 to 30) at the quote's price: the unit the desk chose
-- (UNIT_UNAVAILABLE when someone took it since) or any free unit of the type
-- (SOLD_OUT when none is left). The exclusion constraint on claims is the
-- judge, as for createHold: two desks cannot hold the same night of a unit.
-- The override is checked again (the caller's role may have changed since
-- the quote, and only the front office may use a desk token) and recorded in
-- app_public.rate_overrides with the reservation (audited: its history
-- says who, how much and why). Confirm with confirmBooking as any hold.
create or replace function app_public.create_desk_hold(
  quote_token text,
  idempotency_key text,
  minutes integer default 10
) returns app_public.hold
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_parts text[] := pg_catalog.string_to_array(quote_token, '.');
  v_payload jsonb;
  v_quote app_public.quote;
  v_unit_id uuid;
  v_override jsonb;
  v_percent numeric;
  v_id uuid := gen_random_uuid();
  v_claim app_public.inventory_claims;
  v_hold app_public.hold;
begin
  if pg_catalog.array_length(v_parts, 1) is distinct from 2 or app_private.sign('desk:' || v_parts[1]) is distinct from v_parts[2] then
    raise exception using errcode = 'QUOTE', message = 'This quote token is not valid for a desk hold; get a new quote.';
  end if;
  v_replay := app_private.idempotency_begin('create_desk_hold', idempotency_key,
                pg_catalog.jsonb_build_object('quote_token', quote_token, 'minutes', minutes));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.hold, v_replay);
  end if;

  v_payload := pg_catalog.convert_from(pg_catalog.decode(
      pg_catalog.rpad(pg_catalog.translate(v_parts[1], '-_', '+/'), ((pg_catalog.length(v_parts[1]) + 3) / 4) * 4, '='),
      'base64'), 'UTF8')::jsonb;
  v_quote := pg_catalog.jsonb_populate_record(null::app_public.quote, v_payload);
  v_unit_id := (v_payload ->> 'unit_id')::uuid;
  v_override := nullif(v_payload -> 'override', 'null'::jsonb);
  perform app_private.require_staff(v_quote.property_id, app_hidden.staff_group_roles('front_office'), 'take bookings');
  if minutes is null or minutes not between 1 and 30 then
    raise exception using errcode = 'INVLD', message = 'A hold lasts 1 to 30 minutes.';
  end if;
  if v_quote.valid_until < pg_catalog.now() then
    raise exception using errcode = 'QTEXP',
      message = pg_catalog.format('This quote expired at %s; get a new quote.', v_quote.valid_until);
  end if;
  perform app_private.check_stay(v_quote.property_id, v_quote.arrival, v_quote.departure, v_quote.adults, v_quote.children);
  if v_override is not null then
    v_percent := app_private.check_desk_override(v_quote.property_id, (v_override ->> 'quoted_room_amount')::bigint,
                   case when v_override ->> 'kind' = 'room_amount' then (v_override ->> 'room_amount')::bigint end,
                   case when v_override ->> 'kind' = 'discount_percent' then (v_override ->> 'discount_percent')::numeric end,
                   v_override ->> 'reason');
  end if;

  v_claim := app_private.claim_unit(v_quote.property_id, v_quote.room_type_id,
                                    pg_catalog.daterange(v_quote.arrival, v_quote.departure), 'hold',
                                    reservation_id => v_id,
                                    expires_at => pg_catalog.now() + pg_catalog.make_interval(mins => minutes),
                                    preferred_unit_id => v_unit_id, exact_unit => v_unit_id is not null);
  if v_claim.id is null and v_unit_id is not null then
    raise exception using errcode = 'UNAVL', message = 'That unit was taken for some of those nights meanwhile; choose another or any free unit.';
  elsif v_claim.id is null then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates any more.';
  end if;

  insert into app_public.reservations (
    id, property_id, room_type_id, rate_plan_id, unit_id, user_id, status, stay, adults, children, currency,
    room_amount, fees_amount, taxes_amount, total_amount, price_lines, cancellation_policy, hold_expires_at, unit_pinned
  ) values (
    v_id, v_quote.property_id, v_quote.room_type_id, v_quote.rate_plan_id, v_claim.unit_id, null,
    'held', pg_catalog.daterange(v_quote.arrival, v_quote.departure), v_quote.adults, v_quote.children, v_quote.currency,
    v_quote.room_amount, v_quote.fees_amount, v_quote.taxes_amount, v_quote.total_amount,
    pg_catalog.to_jsonb(v_quote.lines),
    pg_catalog.jsonb_build_object(
      'is_refundable', v_quote.is_refundable,
      'free_cancellation_until', v_quote.free_cancellation_until,
      'late_cancellation_penalty', v_quote.late_cancellation_penalty,
      'terms', v_quote.cancellation_terms),
    v_claim.expires_at,
    -- The unit the guest was promised stays theirs: the allocator does not move it.
    v_unit_id is not null
  );
  if v_override is not null then
    insert into app_public.rate_overrides (property_id, reservation_id, kind, quoted_room_amount, room_amount, discount_percent, reason, created_by, creator_role)
    select v_quote.property_id, v_id, v_override ->> 'kind', (v_override ->> 'quoted_room_amount')::bigint, v_quote.room_amount,
           v_percent, v_override ->> 'reason', app_hidden.current_user_id(), m.role
      from app_public.property_memberships m
     where m.property_id = v_quote.property_id and m.user_id = app_hidden.current_user_id();
  end if;

  v_hold := (v_id, v_quote.property_id, v_claim.expires_at, v_quote.currency, v_quote.total_amount,
             app_private.sign('hold:' || v_id))::app_public.hold;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_hold));
  return v_hold;
end;
$$;
comment on function app_public.create_desk_hold(text, text, integer) is
  E'Holds the stay of a deskQuote token (its unit, or any free unit of the type) at its price, overridden or not, for `minutes` (default 10, 1 to 30), recording the override with the reservation. Front office of the property only. Errors: QUOTE_INVALID, QUOTE_EXPIRED, ACCESS_DENIED, DATES, SOLD_OUT, UNIT_UNAVAILABLE, OVERRIDE_LIMIT, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.create_desk_hold.sql
grant execute on function app_public.create_desk_hold(text, text, integer) to keepr_staff;
--! Included booking/app_public.confirm_booking.sql
-- Turns a hold into a confirmed reservation with a confirmation code and a
-- guest profile (found by email at the property, or created). A hold that
-- expired still confirms when its unit is free: its claim is kept if no one
-- took its nights, and otherwise the same unit (or another of the type) is
-- claimed again. HOLD_EXPIRED when none is free. The folio is charged and
-- the payment intents are created.
--
-- Only whoever made the hold confirms it: the caller gives the hold token
-- createHold returned, or is the signed-in guest the hold belongs to, or is
-- front-office staff of the property; anyone else gets NTFND, as if the
-- hold did not exist. The contact given is kept on the reservation; it
-- updates the property's shared guest profile only when the caller is that
-- guest, signed in, or the property's staff: unverified input never changes
-- or reveals another person's data.
--
-- Its statements, and those of what it calls (the ledger, the payment
-- schedule, the messages' rows), run with generic plans: they look rows up
-- by keys, so a plan made once per connection is as good as one made for
-- each call's values. (Queuing jobs sets its own: app_private.add_jobs.)
create or replace function app_public.confirm_booking(
  reservation_id uuid,
  idempotency_key text,
  full_name text,
  email text,
  phone text default null,
  special_requests text default null,
  hold_token text default null
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
  set plan_cache_mode to force_generic_plan
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_claim app_public.inventory_claims;
  v_guest_id uuid;
  v_email public.citext;
  v_staff boolean;
  v_verified boolean;
  v_user_id uuid;
begin
  v_replay := app_private.idempotency_begin('confirm_booking', idempotency_key, pg_catalog.jsonb_build_object(
    'reservation_id', reservation_id, 'full_name', full_name, 'email', email, 'phone', phone,
    'special_requests', special_requests));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;

  select * into v_res from app_public.reservations r where r.id = confirm_booking.reservation_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  v_staff := v_res.property_id in (select app_hidden.current_property_ids_for('front_office'));
  if not (v_staff
          or coalesce(v_res.user_id = app_hidden.current_user_id(), false)
          or coalesce(confirm_booking.hold_token = app_private.sign('hold:' || v_res.id), false)) then
    raise exception using errcode = 'NTFND', message = 'No such hold.';
  end if;
  if v_res.status <> 'held' then
    perform app_private.invalid_transition(v_res, 'confirmed');
  end if;
  -- The front office may book a guest without an email (a walk-in who has
  -- none): the profile has no email and no message is sent to it.
  if (email is null and not v_staff) or email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' or pg_catalog.length(email) > 254 then
    raise exception using errcode = 'INVEM', message = 'That email address does not look valid.';
  end if;
  if full_name is null or pg_catalog.length(pg_catalog.btrim(full_name)) not between 1 and 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name (1 to 200 characters) is required.';
  end if;
  if phone is not null and phone !~ '^\+?[0-9 ()./-]{5,30}$' then
    raise exception using errcode = 'INVPH', message = 'That phone number does not look valid.';
  end if;
  if pg_catalog.length(special_requests) > 2000 then
    raise exception using errcode = 'INVLD', message = 'Special requests can be at most 2000 characters.';
  end if;

  -- The hold's claim becomes the reservation's, expired or not, unless
  -- someone released it to take its nights (then it has no live claim).
  select * into v_claim from app_public.inventory_claims c
   where c.property_id = v_res.property_id and c.reservation_id = v_res.id and c.released_at is null
   for update;
  if found then
    update app_public.inventory_claims c set kind = 'reservation', expires_at = null
     where c.id = v_claim.id
    returning * into v_claim;
  else
    v_claim := app_private.claim_unit(v_res.property_id, v_res.room_type_id, v_res.stay, 'reservation',
                                      reservation_id => v_res.id, preferred_unit_id => v_res.unit_id);
    if v_claim.id is null then
      raise exception using errcode = 'HLDEX',
        message = 'This hold expired and its room was taken meanwhile; please search again.';
    end if;
  end if;

  -- A new profile is linked to a signed-in guest only when the email given
  -- is their account's. An existing profile is updated only by the guest it
  -- is linked to or by the staff: account emails are not verified, so
  -- signing up with someone's email never reaches their profile.
  v_email := nullif(pg_catalog.btrim(email), '')::public.citext;
  select u.id into v_user_id from app_public.users u
   where u.id = app_private.booking_user_id(v_res.property_id) and u.email = v_email;
  insert into app_public.guests (property_id, email, full_name, phone, user_id)
  values (v_res.property_id, v_email, pg_catalog.btrim(full_name), phone, v_user_id)
  on conflict (property_id, email) do nothing
  returning id into v_guest_id;
  if v_guest_id is null and v_email is not null then
    select g.id, v_staff or coalesce(g.user_id = v_user_id, false) into v_guest_id, v_verified
      from app_public.guests g
     where g.property_id = v_res.property_id and g.email = v_email;
    if v_verified then
      update app_public.guests g
         set full_name = pg_catalog.btrim(confirm_booking.full_name),
             phone = coalesce(confirm_booking.phone, g.phone)
       where g.id = v_guest_id;
    end if;
  end if;

  loop
    begin
      update app_public.reservations r
         set status = 'confirmed', confirmation_code = app_private.new_confirmation_code(), confirmed_at = pg_catalog.now(),
             hold_expires_at = null, guest_id = v_guest_id, unit_id = v_claim.unit_id,
             user_id = coalesce(r.user_id, app_private.booking_user_id(v_res.property_id)),
             special_requests = confirm_booking.special_requests,
             contact_name = pg_catalog.btrim(confirm_booking.full_name), contact_email = v_email,
             contact_phone = confirm_booking.phone
       where r.id = v_res.id
      returning * into v_res;
      exit;
    exception when unique_violation then
      -- The code is taken at this property; draw another.
    end;
  end loop;

  -- The folio is charged the locked price, and payments are scheduled by
  -- the rate plan (deposit now, balance before arrival).
  perform app_private.post_reservation_charges(v_res, 'reservation:' || v_res.id || ':confirm:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key),
                                               'Booking ' || v_res.confirmation_code || ' confirmed');
  perform app_private.schedule_payments(v_res);

  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.confirm_booking(uuid, text, text, text, text, text, text) is
  E'Confirms a hold as a reservation for the guest (name, email, optional phone; the property''s front office may leave the email out for a walk-in, then no message is sent): returns the confirmation code. Give the hold token createHold returned (not needed by the signed-in guest who made the hold or by the property''s front office). Errors: NOT_FOUND (no such hold, or not yours), INVALID_TRANSITION, HOLD_EXPIRED, INVALID_EMAIL, INVALID_NAME, INVALID_PHONE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.confirm_booking.sql

--! Included booking/app_public.reservations_rate_override.sql
-- The price the desk set for the stay, if it did (Reservation.rateOverride):
-- who, when, from what to what and why. The staff who read reservations
-- (cashiers), by the table's policy.
create or replace function app_public.reservations_rate_override(reservation app_public.reservations) returns app_public.rate_overrides
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select o.* from app_public.rate_overrides o
   where o.property_id = reservation.property_id and o.reservation_id = reservation.id;
$$;
comment on function app_public.reservations_rate_override(app_public.reservations) is
  E'The rate override the front desk gave this stay (price before and after, percent off, reason, who), or null.';
--! EndIncluded booking/app_public.reservations_rate_override.sql
grant execute on function app_public.reservations_rate_override(app_public.reservations) to keepr_staff;

-- Registration cards: the guest's identity document, captured at check-in,
-- readable by the property's front office only, masked for analysts and in
-- the audit log, never published to realtime.
drop view if exists reporting.registration_cards;
drop function if exists app_public.record_registration_card(uuid, text, app_public.identity_document_type, text, text, text, date, date, date, text);
drop function if exists app_private.masked_registration_card(app_public.registration_cards);
drop table if exists app_public.registration_cards;
drop function if exists app_private.tg_registration_cards__audit();
drop function if exists reporting.mask_document_number(text);
drop function if exists app_hidden.is_country_code(text);
drop type if exists app_public.identity_document_type;
alter table app_public.properties drop column if exists registration_card_required;

create type app_public.identity_document_type as enum ('passport', 'national_id', 'driving_licence', 'residence_permit', 'other');
comment on type app_public.identity_document_type is 'The kind of identity document a guest shows at check-in.';

--! Included common/app_hidden.is_country_code.sql
-- Whether a text is a country code of ISO 3166-1 alpha-2 (the 249 assigned
-- codes) or XK (Kosovo, user-assigned, printed on its travel documents).
-- Used by the registration card's issuing country and nationality. The list
-- is ISO's as of 2026; a new code needs a migration.
create or replace function app_hidden.is_country_code(code text) returns boolean
  language sql immutable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select code = any ('{AD,AE,AF,AG,AI,AL,AM,AO,AQ,AR,AS,AT,AU,AW,AX,AZ,BA,BB,BD,BE,BF,BG,BH,BI,BJ,BL,BM,BN,BO,BQ,BR,BS,BT,BV,BW,BY,BZ,CA,CC,CD,CF,CG,CH,CI,CK,CL,CM,CN,CO,CR,CU,CV,CW,CX,CY,CZ,DE,DJ,DK,DM,DO,DZ,EC,EE,EG,EH,ER,ES,ET,FI,FJ,FK,FM,FO,FR,GA,GB,GD,GE,GF,GG,GH,GI,GL,GM,GN,GP,GQ,GR,GS,GT,GU,GW,GY,HK,HM,HN,HR,HT,HU,ID,IE,IL,IM,IN,IO,IQ,IR,IS,IT,JE,JM,JO,JP,KE,KG,KH,KI,KM,KN,KP,KR,KW,KY,KZ,LA,LB,LC,LI,LK,LR,LS,LT,LU,LV,LY,MA,MC,MD,ME,MF,MG,MH,MK,ML,MM,MN,MO,MP,MQ,MR,MS,MT,MU,MV,MW,MX,MY,MZ,NA,NC,NE,NF,NG,NI,NL,NO,NP,NR,NU,NZ,OM,PA,PE,PF,PG,PH,PK,PL,PM,PN,PR,PS,PT,PW,PY,QA,RE,RO,RS,RU,RW,SA,SB,SC,SD,SE,SG,SH,SI,SJ,SK,SL,SM,SN,SO,SR,SS,ST,SV,SX,SY,SZ,TC,TD,TF,TG,TH,TJ,TK,TL,TM,TN,TO,TR,TT,TV,TW,TZ,UA,UG,UM,US,UY,UZ,VA,VC,VE,VG,VI,VN,VU,WF,WS,XK,YE,YT,ZA,ZM,ZW}'::text[]);
$$;
comment on function app_hidden.is_country_code(text) is
  E'Whether the text is an ISO 3166-1 alpha-2 country code (or XK, Kosovo).';
--! EndIncluded common/app_hidden.is_country_code.sql

create table app_public.registration_cards (
  id uuid not null default gen_random_uuid(),
  property_id uuid not null,
  reservation_id uuid not null,
  full_name text not null constraint registration_cards_full_name_check check (pg_catalog.length(full_name) between 1 and 200),
  document_type app_public.identity_document_type not null,
  document_number text not null constraint registration_cards_document_number_check check (document_number ~ '^[A-Z0-9<-]{3,30}$'),
  issuing_country character(2) not null constraint registration_cards_issuing_country_check check (app_hidden.is_country_code(issuing_country)),
  nationality character(2) not null constraint registration_cards_nationality_check check (app_hidden.is_country_code(nationality)),
  date_of_birth date not null constraint registration_cards_date_of_birth_check check (date_of_birth >= date '1900-01-01'),
  issued_on date not null,
  expires_on date,
  address text constraint registration_cards_address_check check (pg_catalog.length(address) between 1 and 500),
  recorded_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint registration_cards_pkey primary key (id, property_id),
  constraint registration_cards_property_id_reservation_id_key unique (property_id, reservation_id),
  constraint registration_cards_property_id_fkey foreign key (property_id) references app_public.properties (id) on delete cascade,
  constraint registration_cards_reservation_fkey foreign key (property_id, reservation_id)
    references app_public.reservations (property_id, id) on delete cascade,
  constraint registration_cards_recorded_by_fkey foreign key (recorded_by) references app_public.users (id) on delete set null,
  constraint registration_cards_dates_check check (issued_on >= date_of_birth and (expires_on is null or expires_on > issued_on))
);
create index registration_cards_recorded_by_idx on app_public.registration_cards (recorded_by) where recorded_by is not null;
comment on table app_public.registration_cards is E'@behavior -insert -update -delete\nThe registration card of a stay: the guest''s identity document as the desk recorded it at check-in (recordRegistrationCard), printable at /registration-cards/<reservation id>.pdf. Read by the property''s front office only (owner, manager, front desk); analysts see reporting.registration_cards, masked; never published to realtime; audited with the number and date of birth masked.';
comment on constraint registration_cards_pkey on app_public.registration_cards is E'@rowIdentity id';
comment on constraint registration_cards_property_id_reservation_id_key on app_public.registration_cards is E'@behavior -*';
comment on constraint registration_cards_reservation_fkey on app_public.registration_cards is E'@fieldName reservation\n@foreignFieldName registrationCard';
comment on constraint registration_cards_recorded_by_fkey on app_public.registration_cards is E'@fieldName recordedByUser';
comment on column app_public.registration_cards.full_name is E'The guest''s name as on the document.';
comment on column app_public.registration_cards.document_type is E'Passport, national identity card, driving licence, residence permit or other.';
comment on column app_public.registration_cards.document_number is E'The document''s number, upper-case, without spaces (3 to 30 letters, digits, < or -).';
comment on column app_public.registration_cards.issuing_country is E'The country that issued the document (ISO 3166-1 alpha-2).';
comment on column app_public.registration_cards.nationality is E'The guest''s nationality (ISO 3166-1 alpha-2).';
comment on column app_public.registration_cards.date_of_birth is E'The guest''s date of birth.';
comment on column app_public.registration_cards.issued_on is E'When the document was issued.';
comment on column app_public.registration_cards.expires_on is E'When the document expires (null: it does not); it was valid when recorded.';
comment on column app_public.registration_cards.address is E'The guest''s home address, when the country asks for it.';
comment on column app_public.registration_cards.recorded_by is E'Who recorded or last corrected the card.';
--! Included operations/reporting.mask_document_number.sql
-- Masks an identity document number for analysts and the audit log: every
-- character but the last two becomes '*' (at least three stars, so the
-- length of a short number is not shown).
create or replace function reporting.mask_document_number(document_number text) returns text
  language sql immutable strict parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.repeat('*', greatest(pg_catalog.length(document_number) - 2, 3)) || pg_catalog.right(document_number, 2);
$$;
comment on function reporting.mask_document_number(text) is E'Masks an identity document number for analysts: ******78.';
--! EndIncluded operations/reporting.mask_document_number.sql
grant execute on function reporting.mask_document_number(text) to keepr_analyst;
--! Included booking/app_private.masked_registration_card.sql
-- A registration card as the audit log keeps it: the document number masked
-- but its last two characters (reporting.mask_document_number), the year of
-- birth instead of the date, no address; the rest as it is.
create or replace function app_private.masked_registration_card(card app_public.registration_cards) returns jsonb
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select (pg_catalog.to_jsonb(card) - 'document_number' - 'date_of_birth' - 'address')
         || pg_catalog.jsonb_build_object(
              'document_number', reporting.mask_document_number(card.document_number),
              'birth_year', pg_catalog.date_part('year', card.date_of_birth)::integer,
              'address', case when card.address is not null then '(recorded)' end);
$$;
comment on function app_private.masked_registration_card(app_public.registration_cards) is
  E'A registration card as the audit log keeps it: number masked, year of birth, no address.';
--! EndIncluded booking/app_private.masked_registration_card.sql
--! Included booking/app_private.tg_registration_cards__audit.sql
-- The audit of registration cards (as _500_audit, instead of
-- audit.tg__record): who recorded or changed a card and when, in the
-- reservation's history, with the identity kept out of the log: the
-- document number masked but its last two characters, the date of birth as
-- its year, no address. The history is read by more roles (cashiers:
-- accountants too) than the card (front office only).
create or replace function app_private.tg_registration_cards__audit() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then app_private.masked_registration_card(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then app_private.masked_registration_card(new) end;
  v_row app_public.registration_cards := case when tg_op = 'DELETE' then old else new end;
begin
  if tg_op = 'UPDATE' and pg_catalog.to_jsonb(old) = pg_catalog.to_jsonb(new) then
    return null;
  end if;
  insert into audit.events (
    table_schema, table_name, operation, row_id, property_id, reservation_id,
    actor_user_id, actor_role, request_id, old_values, new_values
  ) values (
    tg_table_schema, tg_table_name, tg_op, v_row.id::text, v_row.property_id, v_row.reservation_id,
    app_hidden.current_user_id(), pg_catalog.current_setting('role', true),
    nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
    v_old, v_new
  );
  return null;
end;
$$;
comment on function app_private.tg_registration_cards__audit() is
  E'Trigger (AFTER, per row): appends a registration card''s change to audit.events with the document number and date of birth masked and no address.';
--! EndIncluded booking/app_private.tg_registration_cards__audit.sql
create trigger _100_timestamps before insert or update on app_public.registration_cards
  for each row execute function app_private.tg__timestamps();
create trigger _500_audit after insert or update or delete on app_public.registration_cards
  for each row execute function app_private.tg_registration_cards__audit();
alter table app_public.registration_cards enable row level security;
grant select on app_public.registration_cards to keepr_staff;
create policy select_front_office on app_public.registration_cards for select to keepr_staff
  using (property_id in (select app_hidden.current_property_ids_for('front_office')));

--! Included booking/app_public.record_registration_card.sql
-- The registration card of a stay, as the desk fills it in at check-in: the
-- guest's name and identity document (type, number, issuing country, issued
-- and expiry dates), nationality, date of birth and, optionally, home
-- address. Given again, it replaces the card (a corrected number, another
-- document): the same values twice change nothing. The front office of the
-- property only (housekeeping and accountants: ACCESS_DENIED; anyone else:
-- NOT_FOUND), for a confirmed or checked-in stay. Each field is checked and
-- a wrong one is INVALID_ID_DOCUMENT with extensions.reason naming it:
-- TYPE, NUMBER (3 to 30 letters, digits, '<' or '-'; spaces are dropped and
-- letters upper-cased), COUNTRY and NATIONALITY (ISO 3166-1 alpha-2),
-- BIRTH (from 1900 to today), ISSUED (from the date of birth to today),
-- EXPIRED (a document that expired before today, or expires before it was
-- issued), ADDRESS (at most 500 characters). The audit log keeps the
-- change with the number and the date of birth masked
-- (app_private.tg_registration_cards__audit).
create or replace function app_public.record_registration_card(
  reservation_id uuid,
  full_name text,
  document_type app_public.identity_document_type,
  document_number text,
  issuing_country text,
  nationality text,
  date_of_birth date,
  issued_on date,
  expires_on date default null,
  address text default null
) returns app_public.registration_cards
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_res app_public.reservations;
  v_today date;
  v_number text := pg_catalog.upper(pg_catalog.regexp_replace(coalesce(document_number, ''), '\s', '', 'g'));
  v_country text := pg_catalog.upper(pg_catalog.btrim(issuing_country));
  v_nationality text := pg_catalog.upper(pg_catalog.btrim(nationality));
  v_card app_public.registration_cards;
begin
  v_res := app_private.lock_reservation(record_registration_card.reservation_id, app_hidden.staff_group_roles('front_office'),
                                        'record registration cards');
  if v_res.status not in ('confirmed', 'checked_in') then
    perform app_private.invalid_transition(v_res, 'given a registration card');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if full_name is null or pg_catalog.length(pg_catalog.btrim(full_name)) not between 1 and 200 then
    raise exception using errcode = 'INVNM', message = 'The guest''s full name as on the document (1 to 200 characters) is required.';
  end if;
  if document_type is null then
    raise exception using errcode = 'IDDOC', message = 'Choose the type of identity document.', hint = 'TYPE';
  end if;
  if v_number !~ '^[A-Z0-9<-]{3,30}$' then
    raise exception using errcode = 'IDDOC', message = 'The document number is 3 to 30 letters or digits (and < or -).', hint = 'NUMBER';
  end if;
  if v_country is null or not app_hidden.is_country_code(v_country) then
    raise exception using errcode = 'IDDOC', message = 'The issuing country must be a two-letter ISO country code, such as PT or GB.', hint = 'COUNTRY';
  end if;
  if v_nationality is null or not app_hidden.is_country_code(v_nationality) then
    raise exception using errcode = 'IDDOC', message = 'The nationality must be a two-letter ISO country code, such as PT or GB.', hint = 'NATIONALITY';
  end if;
  if date_of_birth is null or date_of_birth < date '1900-01-01' or date_of_birth > v_today then
    raise exception using errcode = 'IDDOC', message = 'The date of birth must be between 1900-01-01 and today.', hint = 'BIRTH';
  end if;
  if issued_on is null or issued_on < date_of_birth or issued_on > v_today then
    raise exception using errcode = 'IDDOC', message = 'The issue date must be between the date of birth and today.', hint = 'ISSUED';
  end if;
  if expires_on is not null and (expires_on < v_today or expires_on <= issued_on) then
    raise exception using errcode = 'IDDOC',
      message = case when expires_on < v_today then pg_catalog.format('This document expired on %s: ask for a valid one.', expires_on)
                     else 'The expiry date must be after the issue date.' end,
      hint = 'EXPIRED';
  end if;
  if pg_catalog.length(address) > 500 then
    raise exception using errcode = 'IDDOC', message = 'The address is at most 500 characters.', hint = 'ADDRESS';
  end if;

  insert into app_public.registration_cards as c (
    property_id, reservation_id, full_name, document_type, document_number, issuing_country, nationality,
    date_of_birth, issued_on, expires_on, address, recorded_by
  ) values (
    v_res.property_id, v_res.id, pg_catalog.btrim(full_name), document_type, v_number, v_country, v_nationality,
    date_of_birth, issued_on, expires_on, nullif(pg_catalog.btrim(address), ''), app_hidden.current_user_id()
  )
  on conflict (property_id, reservation_id) do update
    set full_name = excluded.full_name, document_type = excluded.document_type, document_number = excluded.document_number,
        issuing_country = excluded.issuing_country, nationality = excluded.nationality, date_of_birth = excluded.date_of_birth,
        issued_on = excluded.issued_on, expires_on = excluded.expires_on, address = excluded.address,
        recorded_by = excluded.recorded_by
  returning * into v_card;
  return v_card;
end;
$$;
comment on function app_public.record_registration_card(uuid, text, app_public.identity_document_type, text, text, text, date, date, date, text) is
  E'Records (or corrects) the registration card of a confirmed or checked-in stay: the guest''s identity document, nationality, date of birth and address. Front office of the property only. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_NAME, INVALID_ID_DOCUMENT (extensions.reason: TYPE, NUMBER, COUNTRY, NATIONALITY, BIRTH, ISSUED, EXPIRED, ADDRESS).';
--! EndIncluded booking/app_public.record_registration_card.sql
grant execute on function app_public.record_registration_card(uuid, text, app_public.identity_document_type, text, text, text, date, date, date, text) to keepr_staff;

create view reporting.registration_cards with (security_barrier) as
  select c.id, c.property_id, c.reservation_id, c.document_type, c.issuing_country, c.nationality,
         reporting.mask_document_number(c.document_number) as document_number_masked,
         pg_catalog.date_part('year', c.date_of_birth)::integer as birth_year,
         c.expires_on, c.created_at, c.updated_at
    from app_public.registration_cards c;
grant select on reporting.registration_cards to keepr_analyst;
comment on view reporting.registration_cards is 'Registration cards without the guest''s identity: document type, countries, the number masked, the year of birth.';

-- A property may require the card before check-in (as the law of many countries does).
alter table app_public.properties
  add column registration_card_required boolean not null default false;
comment on column app_public.properties.registration_card_required is E'Whether checkIn refuses a stay without a registration card (REGISTRATION_CARD_REQUIRED).';
grant update (registration_card_required) on app_public.properties to keepr_staff;
--! Included booking/app_public.check_in.sql
-- Checks a confirmed reservation in, from its arrival date until the last
-- night. The unit must be ready: a dirty unit needs force => true, an
-- out-of-order one a room move first (UNIT_NOT_READY). Prepayments that
-- fell due and are unpaid (a declined deposit, a balance due before
-- arrival) are refused with PAYMENT_DUE, saying how much, unless the desk
-- acknowledges them (acknowledge_unpaid => true: checked in all the same,
-- the folio still shows what is owed). Once in house, the payment deadline
-- no longer cancels the stay. A property that requires registration cards
-- (properties.registration_card_required) refuses a stay without one
-- (REGISTRATION_CARD_REQUIRED, before the payment check).
create or replace function app_public.check_in(
  reservation_id uuid,
  idempotency_key text,
  force boolean default false,
  acknowledge_unpaid boolean default false
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_today date;
  v_housekeeping app_public.housekeeping_status;
  v_unpaid bigint;
begin
  v_replay := app_private.idempotency_begin('check_in', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'force', force,
                                              'acknowledge_unpaid', coalesce(acknowledge_unpaid, false)));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(check_in.reservation_id, app_hidden.staff_group_roles('front_office'), 'check guests in');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'checked in');
  end if;
  v_today := app_private.local_today(v_res.property_id);
  if v_today < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('Check-in opens on the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  if v_today >= pg_catalog.upper(v_res.stay) then
    raise exception using errcode = 'TRANS', message = 'This stay has already ended; record a no-show or cancel it.';
  end if;
  select u.housekeeping_status into v_housekeeping from app_public.units u where u.id = v_res.unit_id;
  if v_housekeeping = 'out_of_order' or (v_housekeeping = 'dirty' and not coalesce(force, false)) then
    raise exception using errcode = 'UNRDY',
      message = pg_catalog.format('The unit is %s; %s.', pg_catalog.replace(v_housekeeping::text, '_', ' '),
                                  case when v_housekeeping = 'dirty' then 'clean it first or check in with force' else 'move the guest to another unit' end);
  end if;
  if exists (select from app_public.properties p where p.id = v_res.property_id and p.registration_card_required)
     and not exists (select from app_public.registration_cards c where c.property_id = v_res.property_id and c.reservation_id = v_res.id) then
    raise exception using errcode = 'IDREQ',
      message = 'This property records the guest''s identity document before check-in: fill in the registration card first.';
  end if;
  v_unpaid := app_private.unpaid_prepayment(v_res);
  if v_unpaid > 0 and not coalesce(acknowledge_unpaid, false) then
    raise exception using errcode = 'PAYDU',
      message = pg_catalog.format('%s of prepayment is unpaid%s. Take the payment first, or check in acknowledging it.',
                                  app_hidden.format_money(v_unpaid, v_res.currency::text),
                                  case when v_res.payment_due_by is not null then ' (payment due)' else '' end),
      hint = 'UNPAID_PREPAYMENT';
  end if;

  update app_public.reservations r set status = 'checked_in', checked_in_at = pg_catalog.now(), payment_due_by = null
   where r.id = v_res.id
  returning * into v_res;
  perform graphile_worker.remove_job('payment_deadline:' || v_res.id)
    where v_unpaid > 0;
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.check_in(uuid, text, boolean, boolean) is
  E'Checks in a confirmed reservation on or after its arrival date; unpaid prepayments need acknowledgeUnpaid. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, UNIT_NOT_READY, REGISTRATION_CARD_REQUIRED, PAYMENT_DUE, IDEMPOTENCY_KEY_REUSED.';
--! EndIncluded booking/app_public.check_in.sql
