-- How much of an entry's charge sits on a folio now: its postings to the
-- folio, plus what routing entries moved to it, less what they moved away.
create or replace function app_private.charge_on_folio(property_id uuid, entry_id uuid, folio_id uuid) returns bigint
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce((select sum(p.amount) from app_public.postings p
                    where p.property_id = charge_on_folio.property_id and p.entry_id = charge_on_folio.entry_id
                      and p.folio_id = charge_on_folio.folio_id), 0)
       + coalesce((select sum(r.amount) from app_private.folio_routes r
                    where r.property_id = charge_on_folio.property_id and r.entry_id = charge_on_folio.entry_id
                      and r.to_folio_id = charge_on_folio.folio_id), 0)
       - coalesce((select sum(r.amount) from app_private.folio_routes r
                    where r.property_id = charge_on_folio.property_id and r.entry_id = charge_on_folio.entry_id
                      and r.from_folio_id = charge_on_folio.folio_id), 0);
$$;
comment on function app_private.charge_on_folio(uuid, uuid, uuid) is
  E'The amount of an entry''s charge that sits on a folio now (its postings there, plus routes in, less routes out).';
