-- Releases expired holds on a unit that overlap a stay, so a new claim can
-- take their nights: this is why an expired hold never blocks anyone, even
-- before the cleanup job runs. A hold being confirmed at the same moment
-- holds its row lock; this waits, re-reads it, and leaves it alone.
create or replace function app_private.release_expired_holds(property_id uuid, unit_id uuid, stay daterange) returns void
  language sql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
  update app_public.inventory_claims c
     set released_at = pg_catalog.now()
   where c.property_id = release_expired_holds.property_id
     and c.unit_id = release_expired_holds.unit_id
     and c.stay && release_expired_holds.stay
     and c.released_at is null
     and c.kind = 'hold'
     and c.expires_at <= pg_catalog.now();
$$;
comment on function app_private.release_expired_holds(uuid, uuid, daterange) is
  E'Releases the expired holds on a unit that overlap a stay.';
