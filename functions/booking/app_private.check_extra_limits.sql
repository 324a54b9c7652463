-- Refuses extras that would take more than an extra's daily_limit on some
-- night of a stay (parking spaces): what the property's live bookings took
-- that night (confirmed, in house, or held and not expired; `reservation_id`
-- left out, so a change does not count itself) plus the quantity asked.
-- An extra counts on every night of its booking's stay, whatever its basis.
-- INVALID_INPUT, reason EXTRA_SOLD_OUT. With `lock` (createHold, a change),
-- the extra's row is locked first (FOR NO KEY UPDATE, in id order), so two
-- holds racing for the last space are serialised: the second counts the
-- first's once it commits. quote checks without the lock (a hint; the hold
-- decides). Extras without a limit cost nothing here.
create or replace function app_private.check_extra_limits(
  property_id uuid,
  stay daterange,
  extras jsonb,
  reservation_id uuid default null,
  lock boolean default false
) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_item record;
  v_used integer;
begin
  for v_item in
    select e.id, e.name, e.daily_limit, x.quantity
      from pg_catalog.jsonb_to_recordset(coalesce(extras, '[]')) as x(extra_id uuid, quantity integer)
      join app_public.folio_extras e on e.property_id = check_extra_limits.property_id and e.id = x.extra_id
     where e.daily_limit is not null
     order by e.id
  loop
    if lock then
      perform 1 from app_public.folio_extras e
       where e.property_id = check_extra_limits.property_id and e.id = v_item.id
         for no key update;
    end if;
    select coalesce(max(n.used), 0) into v_used
      from (select d.night, sum(rx.quantity) as used
              from pg_catalog.generate_series(pg_catalog.lower(stay), pg_catalog.upper(stay) - 1, interval '1 day') as d(night)
              join app_public.reservation_extras rx
                on rx.property_id = check_extra_limits.property_id and rx.extra_id = v_item.id
              join app_public.reservations r
                on r.property_id = rx.property_id and r.id = rx.reservation_id
             where r.stay @> d.night::date
               and r.id is distinct from check_extra_limits.reservation_id
               and (r.status in ('confirmed', 'checked_in') or (r.status = 'held' and r.hold_expires_at > pg_catalog.now()))
             group by d.night) n;
    if v_used + v_item.quantity > v_item.daily_limit then
      raise exception using errcode = 'INVLD', hint = 'EXTRA_SOLD_OUT',
        message = pg_catalog.format('%s is fully booked for these dates (%s left).', v_item.name, greatest(v_item.daily_limit - v_used, 0));
    end if;
  end loop;
end;
$$;
comment on function app_private.check_extra_limits(uuid, daterange, jsonb, uuid, boolean) is
  E'INVALID_INPUT (EXTRA_SOLD_OUT) when extras would take more than their daily_limit on a night of the stay, counting live bookings but `reservation_id`; with `lock`, locks each limited extra''s row first (holds racing for the last one are serialised).';
