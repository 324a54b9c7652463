-- What the tape chart draws for a property over a window of nights
-- [first_date, end_date): every live claim (reservation, hold, owner,
-- maintenance and OTA block) that takes one of those nights, on the
-- partial GiST index of live claims (inventory_claims_live_stay_idx). An
-- expired hold is left out: it blocks nobody. Security invoker: row-level
-- security decides, so a property the caller is not staff of gives nothing.
-- The window is at most 400 nights (DATES otherwise), so one call stays
-- small whatever the history.
create or replace function app_public.tape_chart_claims(property_id uuid, first_date date, end_date date)
  returns setof app_public.inventory_claims
  language plpgsql stable rows 200
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if first_date is null or end_date is null or end_date <= first_date or end_date - first_date > 400 then
    raise exception using errcode = 'DATES', message = 'The window must end after it starts and span at most 400 nights.';
  end if;
  return query
    select c.*
      from app_public.inventory_claims c
     where c.property_id = tape_chart_claims.property_id
       and c.released_at is null
       and c.stay && pg_catalog.daterange(tape_chart_claims.first_date, tape_chart_claims.end_date)
       and (c.kind <> 'hold' or c.expires_at > pg_catalog.now())
     order by c.unit_id, pg_catalog.lower(c.stay);
end;
$$;
comment on function app_public.tape_chart_claims(uuid, date, date) is
  E'The live claims of a property (reservations, unexpired holds, owner, maintenance and OTA blocks) that take a night in [firstDate, endDate): what the tape chart draws. At most 400 nights. Staff see their properties only. Errors: DATES.';
