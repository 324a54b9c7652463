-- Gives back a reservation's nights from a date on (all of them when
-- from_date is null): claims starting on or after it are released, a claim
-- spanning it ends there. Used by cancellations, no-shows, changes, early
-- check-outs and room moves.
create or replace function app_private.release_claims(r app_public.reservations, from_date date default null) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  update app_public.inventory_claims c set released_at = pg_catalog.now()
   where c.property_id = r.property_id and c.reservation_id = r.id and c.released_at is null
     and (from_date is null or pg_catalog.lower(c.stay) >= from_date);
  if from_date is not null then
    update app_public.inventory_claims c set stay = pg_catalog.daterange(pg_catalog.lower(c.stay), from_date)
     where c.property_id = r.property_id and c.reservation_id = r.id and c.released_at is null
       and pg_catalog.upper(c.stay) > from_date;
  end if;
end;
$$;
comment on function app_private.release_claims(app_public.reservations, date) is
  E'Releases a reservation''s live claims from a date on (all when null), trimming a claim that spans the date.';
