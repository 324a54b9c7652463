-- The property's description for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one
-- (app_hidden.property_translation), else the property's own. No SET clause: the names are
-- qualified, and a SET would switch settings on every row a list reads.
create or replace function app_public.properties_description_in(property app_public.properties, language text) returns text
  language sql stable
as $$
  select coalesce((select t.description from app_hidden.property_translation(property.id, properties_description_in.language) t), property.description);
$$;
comment on function app_public.properties_description_in(app_public.properties, text) is
  E'The description in `language` (en, pt, es) when translated, else the property''s own.';
