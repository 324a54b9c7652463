-- The property's arrival instructions for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one
-- (app_hidden.property_translation), else the property's own. No SET clause: the names are
-- qualified, and a SET would switch settings on every row a list reads.
create or replace function app_public.properties_arrival_instructions_in(property app_public.properties, language text) returns text
  language sql stable
as $$
  select coalesce((select t.arrival_instructions from app_hidden.property_translation(property.id, properties_arrival_instructions_in.language) t), property.arrival_instructions);
$$;
comment on function app_public.properties_arrival_instructions_in(app_public.properties, text) is
  E'The arrival instructions in `language` (en, pt, es) when translated, else the property''s own.';
