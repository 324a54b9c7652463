-- Releases expired holds on a unit that overlap a stay, so a new claim can
-- take their nights: this is why an expired hold never blocks anyone, even
-- before the cleanup job runs. A hold being confirmed at the same moment
-- holds its row lock; this waits, re-reads it, and leaves it alone. A
-- channel's booking on the released nights gets them first (the channel
-- sold them while the hold had them), before the caller claims anything
-- (app_private.hand_nights_to_channels).
create or replace function app_private.release_expired_holds(property_id uuid, unit_id uuid, stay daterange) returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_freed datemultirange;
begin
  with released as (
    update app_public.inventory_claims c
       set released_at = pg_catalog.now()
     where c.property_id = release_expired_holds.property_id
       and c.unit_id = release_expired_holds.unit_id
       and c.stay && release_expired_holds.stay
       and c.released_at is null
       and c.kind = 'hold'
       and c.expires_at <= pg_catalog.now()
    returning c.stay
  )
  select pg_catalog.range_agg(r.stay) into v_freed from released r;
  if v_freed is not null then
    perform app_private.hand_nights_to_channels(release_expired_holds.property_id, release_expired_holds.unit_id, v_freed);
  end if;
end;
$$;
comment on function app_private.release_expired_holds(uuid, uuid, daterange) is
  E'Releases the expired holds on a unit that overlap a stay; a channel booking on their nights gets them first.';
