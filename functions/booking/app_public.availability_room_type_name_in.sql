-- A search result's room type name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one
-- (app_hidden.room_type_translation), else the room type's own. No SET clause: the names are
-- qualified, and a SET would switch settings on every row a list reads.
create or replace function app_public.availability_room_type_name_in(availability app_public.availability, language text) returns text
  language sql stable
as $$
  select coalesce((select t.name from app_hidden.room_type_translation(availability.property_id, availability.room_type_id, availability_room_type_name_in.language) t), availability.room_type_name);
$$;
comment on function app_public.availability_room_type_name_in(app_public.availability, text) is
  E'@behavior -queryField\nThe room type''s name in `language` (en, pt, es) when translated, else the room type''s own.';
