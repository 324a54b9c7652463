-- A unit by its name for reservation_timeline (the audit values hold its id).
create or replace function app_private.history_unit_name(property_id uuid, unit_id text) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce((select u.name from app_public.units u where u.property_id = history_unit_name.property_id and u.id = history_unit_name.unit_id::uuid),
                  'a removed unit');
$$;
comment on function app_private.history_unit_name(uuid, text) is E'A unit''s name for the history in words (audit values hold its id).';
