-- The property's arrival instructions for a guest reading in `language`:
-- the translation of that language when it has them, else the property's
-- own (as properties_description_in does for the description).
create or replace function app_public.properties_arrival_instructions_in(property app_public.properties, language text) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(
    (select t.arrival_instructions from app_public.property_translations t
      where t.property_id = property.id and t.language = properties_arrival_instructions_in.language and t.language <> property.language),
    property.arrival_instructions);
$$;
comment on function app_public.properties_arrival_instructions_in(app_public.properties, text) is
  E'The arrival instructions in `language` (en, pt, es) when the property has them translated, else the property''s own.';
