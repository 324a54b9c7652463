-- The property's description for a guest reading in `language` (issues 21
-- and 22): the translation of that language when it has a description, else
-- the property's own. The property's own language always reads the
-- property's own text (a translation left from before the property changed
-- its language is not used). Security invoker: a translation is read as the
-- caller may read it (guests: of published properties; staff: theirs).
create or replace function app_public.properties_description_in(property app_public.properties, language text) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(
    (select t.description from app_public.property_translations t
      where t.property_id = property.id and t.language = properties_description_in.language and t.language <> property.language),
    property.description);
$$;
comment on function app_public.properties_description_in(app_public.properties, text) is
  E'The description in `language` (en, pt, es) when the property has it translated, else the property''s own.';
