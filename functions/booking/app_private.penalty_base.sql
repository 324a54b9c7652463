-- What a cancellation or no-show penalty is a share of: the reservation's
-- total less the taxes a penalty does not carry (taxes.applies_to_penalty:
-- a tax per night or per person-night, such as a city tax, is owed only for
-- nights stayed) and less the extras booked with it (extra lines, VAT
-- included): a cancelled stay's breakfast or parking is never consumed, so
-- it is refunded, as leading PMSs do; penalties are on the room part. A
-- tax line of a tax that no longer exists counts as carried, as before the
-- rule existed.
create or replace function app_private.penalty_base(reservation app_public.reservations) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select penalty_base.reservation.total_amount
         - coalesce((select sum(l.amount)
                       from pg_catalog.jsonb_to_recordset(coalesce(penalty_base.reservation.price_lines, '[]'))
                            as l(kind text, amount bigint, tax_id uuid, extra_id uuid)
                       join app_public.taxes t on t.property_id = penalty_base.reservation.property_id and t.id = l.tax_id
                      where l.kind = 'tax' and not t.applies_to_penalty and l.extra_id is null), 0)::bigint
         - coalesce((select sum(l.amount)
                       from pg_catalog.jsonb_to_recordset(coalesce(penalty_base.reservation.price_lines, '[]'))
                            as l(kind text, amount bigint)
                      where l.kind = 'extra'), 0)::bigint;
$$;
comment on function app_private.penalty_base(app_public.reservations) is
  E'A reservation''s total less the taxes that a cancellation or no-show penalty does not carry (taxes.applies_to_penalty false, e.g. a city tax per person-night) and less its extras (refunded on cancellation).';
