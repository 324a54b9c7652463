--! Previous: sha1:91fa0c67dfeea903f39c81ca975af3c17675f5f9
--! Hash: sha1:26c3f5faf6378648668bcd384578570d2dac3424
--! Message: Quotes: their statements with generic plans, made once per connection, not planned on every quote (issue 23)

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
-- the front desk's rate override (app_private.price_lines); promo a promo
-- code whose discount the price includes (a discount line 'Promo code X',
-- the quote's promo_code), which the caller has checked
-- (app_private.check_promo_code) or a booking already has. extras: the
-- extras chosen (app_private.booking_extras, or a booking's own,
-- app_private.booked_extras), priced as extra lines with their VAT; they are
-- in the total but not in the penalty's base: a cancellation refunds them
-- (docs/booking.md, "Extras"). child_ages: the children's ages (issue 22),
-- checked by the caller (app_private.check_child_ages), priced by
-- price_lines and kept on the quote.
-- Its statements, and those of what it calls (price_lines), run with
-- generic plans, as app_public.quote's: for one rate plan Postgres judged a
-- plan made for each call's values the cheaper and planned price_lines'
-- query on every quote (1.7 of a quote's 3.3 ms of CPU; planned once per
-- connection: 0.3 ms). A search prices many plans with price_lines too, and
-- keeps its own (auto) choice (issue 23, docs/benchmarks.md "A quote's
-- Postgres CPU").
create or replace function app_private.quote_for(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer,
  children integer,
  desk_room_amount bigint default null,
  desk_percent_off numeric default null,
  desk_note text default null,
  promo app_public.promo_codes default null,
  extras jsonb default null,
  child_ages integer[] default null
) returns app_public.quote
  language plpgsql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_generic_plan
as $$
#variable_conflict use_column
begin
  return (
      with lines as (
        select l.*, tx.name as tax_name, coalesce(tx.applies_to_penalty, true) or l.extra_id is not null as carried_by_penalty
          from app_private.price_lines(array[quote_for.rate_plan_id], quote_for.arrival, quote_for.departure,
                                       quote_for.adults, quote_for.children,
                                       quote_for.desk_room_amount, quote_for.desk_percent_off, quote_for.desk_note,
                                       (quote_for.promo).percent_off, (quote_for.promo).amount_off,
                                       'Promo code ' || (quote_for.promo).code
                                         || coalesce(pg_catalog.format(' (%s%% off)', pg_catalog.trim_scale((quote_for.promo).percent_off)), ''),
                                       quote_for.extras, quote_for.child_ages) l
          left join app_public.taxes tx on l.kind = 'tax' and tx.id = l.tax_id
      ),
      totals as (
        select coalesce(sum(l.amount) filter (where l.kind in ('night', 'child', 'discount')), 0)::bigint as room_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'fee'), 0)::bigint as fees_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'extra'), 0)::bigint as extras_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.is_inclusive), 0)::bigint as taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and l.is_inclusive), 0)::bigint as included_taxes_amount,
               coalesce(sum(l.amount) filter (where l.kind = 'tax' and not l.carried_by_penalty), 0)::bigint as penalty_free_amount,
               pg_catalog.string_agg(l.tax_name, ' and ' order by l.line_no) filter (where l.kind = 'tax' and not l.carried_by_penalty) as penalty_free_taxes,
               pg_catalog.array_agg((l.kind, l.date, l.description, l.quantity, l.amount, l.is_inclusive, l.tax_id, l.fee_id, l.extra_id)::app_public.price_line
                                    order by l.line_no) as lines
          from lines l
      ),
      terms as (
        select rp.*, p.time_zone, p.check_in_time,
               t.room_amount + t.fees_amount + t.taxes_amount + t.extras_amount as total_amount,
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
        end || case when t.extras_amount > 0 then ' Extras are refunded on cancellation.' else '' end,
        coalesce((select l.units_left from app_private.room_type_units_left(array[x.property_id], pg_catalog.daterange(quote_for.arrival, quote_for.departure),
                                                                              x.room_type_id) l), 0),
        null, null, (quote_for.promo).code, t.extras_amount, quote_for.extras, quote_for.child_ages
      )::app_public.quote
        from terms x cross join totals t
  );
end;
$$;
comment on function app_private.quote_for(uuid, date, date, integer, integer, bigint, numeric, text, app_public.promo_codes, jsonb, integer[]) is
  E'Prices a stay on one rate plan: lines, totals, cancellation terms and units left (no restriction checks), with the front desk''s rate override, a promo code''s discount, the chosen extras and the children''s ages when given (app_private.price_lines); extras are not in the penalty''s base.';
--! EndIncluded booking/app_private.quote_for.sql
--! Included booking/app_public.quote.sql
-- A quote: the stay priced line by line on one rate plan, with cancellation
-- terms, valid for 30 minutes. The quote_token is the quote itself, signed
-- by the database; createHold books at exactly this price while it is valid,
-- even if rates change meanwhile. A pure read, so it can run anywhere.
-- promo_code: a code of the property (any case), whose discount becomes a
-- discount line of the room price and whose code the token carries
-- (PROMO_CODE when it does not apply: app_private.check_promo_code).
-- extras: the guest's choice of the property's bookable extras, a JSON
-- array of {"extraId", "quantity"} (app_private.booking_extras checks it:
-- INVALID_INPUT with a reason), priced as extra lines; the token carries them.
-- child_ages (issue 22): the children's ages, priced by the plan's age
-- bands (app_private.check_child_ages, price_lines); kept in the token.
-- Its statements and those of what it calls (stay_restrictions,
-- quote_for, price_lines) run with generic plans, made once per
-- connection: they look rows up by keys, and for one rate plan Postgres
-- otherwise planned them on every quote (3.3 → 1.1 ms of CPU a quote:
-- issue 23, docs/benchmarks.md "A quote's Postgres CPU").
create or replace function app_public.quote(
  rate_plan_id uuid,
  arrival date,
  departure date,
  adults integer default 2,
  children integer default 0,
  promo_code text default null,
  extras jsonb default null,
  child_ages integer[] default null
) returns app_public.quote
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
  set plan_cache_mode to force_generic_plan
as $$
#variable_conflict use_column
declare
  v_property_id uuid;
  v_restriction record;
  v_quote app_public.quote;
  v_payload text;
  v_promo app_public.promo_codes;
  v_extras jsonb;
begin
  select rp.property_id into v_property_id
    from app_public.rate_plans rp
    join app_public.room_types rt on rt.property_id = rp.property_id and rt.id = rp.room_type_id
    join app_public.properties p on p.id = rp.property_id
   where rp.id = quote.rate_plan_id
     and ((rp.is_published and rt.is_published and p.is_published)
          or rp.property_id in (select app_hidden.current_property_ids()));
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such rate plan.';
  end if;
  perform app_private.check_stay(v_property_id, arrival, departure, adults, children);
  perform app_private.check_child_ages(v_property_id, array[quote.rate_plan_id], children, child_ages);

  select * into v_restriction
    from app_private.stay_restrictions(array[quote.rate_plan_id], arrival, departure, adults, children, child_ages);
  if v_restriction.restriction is not null then
    raise exception using errcode = 'RSTRC', message = v_restriction.message, hint = v_restriction.restriction;
  end if;

  if nullif(pg_catalog.btrim(promo_code), '') is not null then
    if pg_catalog.length(promo_code) > 100 then
      raise exception using errcode = 'PROMO', hint = 'UNKNOWN', message = 'This promo code is not valid here.';
    end if;
    v_promo := app_private.check_promo_code(v_property_id, quote.rate_plan_id, arrival, departure, promo_code);
  end if;
  v_extras := app_private.booking_extras(v_property_id, quote.extras);
  perform app_private.check_extra_limits(v_property_id, pg_catalog.daterange(arrival, departure), v_extras);
  v_quote := app_private.quote_for(quote.rate_plan_id, arrival, departure, adults, children, promo => v_promo, extras => v_extras, child_ages => child_ages);
  if v_quote.units_left = 0 then
    raise exception using errcode = 'SOLDO', message = 'No unit of this room type is free for these dates.';
  end if;
  v_quote.valid_until := pg_catalog.now() + interval '30 minutes';
  v_payload := pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.to_jsonb(v_quote)::text, 'UTF8'), 'base64'),
                                    E'+/=\n', '-_');
  v_quote.quote_token := v_payload || '.' || app_private.sign(v_payload);
  return v_quote;
end;
$$;
comment on function app_public.quote(uuid, date, date, integer, integer, text, jsonb, integer[]) is
  E'Prices a stay on a rate plan: nightly lines, discounts (length of stay, promo code), fees, taxes, total and cancellation terms, with a quote_token valid for 30 minutes. promoCode: a code of the property, in any case. extras: the property''s bookable extras chosen, [{"extraId": "…", "quantity": 1}] (bookableExtras lists them), priced as extra lines (extrasAmount). childAges: one age (0-17) per child, required when the rate prices children by age (INVALID_INPUT, reason CHILD_AGES); a child younger than the property welcomes: RESTRICTED, reason CHILD_MIN_AGE. The token carries the extras and the ages to createHold. Errors: NOT_FOUND, DATES, GUEST, RESTRICTED (reason in extensions.reason), SOLD_OUT, PROMO_CODE (reason UNKNOWN, INACTIVE, NOT_YET, EXPIRED, STAY_DATES, RATE_PLAN or USED_UP), INVALID_INPUT (reason EXTRAS, EXTRA_UNKNOWN, EXTRA_NOT_BOOKABLE, EXTRA_INACTIVE, EXTRA_QUANTITY, EXTRA_SOLD_OUT or CHILD_AGES).';
--! EndIncluded booking/app_public.quote.sql
