-- The property's arrival instructions for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one (which one:
-- app_hidden.property_translation) and the caller may see its property, else the
-- property's own.
--
-- Cheap per row (a search calls it once per result): security definer, so
-- the translation is read without the translation table's policies, whose
-- sub-selects (the caller's properties) Postgres would set up again on every
-- call (150-600 µs a call as the caller; docs/benchmarks.md); the visibility
-- is checked here instead, and only when a translation was found: the
-- property published (with what it belongs to), or the caller's property. A
-- row value made up by the caller therefore reads nothing it could not
-- read otherwise.
create or replace function app_public.properties_arrival_instructions_in(property app_public.properties, language text) returns text
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  return coalesce((select t.arrival_instructions from app_hidden.property_translation(property.id, properties_arrival_instructions_in.language) t
                    where exists (select 1 from app_public.properties p where p.id = property.id and p.is_published)
                   or property.id in (select app_hidden.current_property_ids())),
                  property.arrival_instructions);
end;
$$;
comment on function app_public.properties_arrival_instructions_in(app_public.properties, text) is
  E'The arrival instructions in `language` (en, pt, es) when translated, else the property''s own.';
