-- A room type's name for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one
-- (app_hidden.room_type_translation), else the room type's own. No SET clause: the names are
-- qualified, and a SET would switch settings on every row a list reads.
create or replace function app_public.room_types_name_in(room_type app_public.room_types, language text) returns text
  language sql stable
as $$
  select coalesce((select t.name from app_hidden.room_type_translation(room_type.property_id, room_type.id, room_types_name_in.language) t), room_type.name);
$$;
comment on function app_public.room_types_name_in(app_public.room_types, text) is
  E'The name in `language` (en, pt, es) when translated, else the room type''s own.';
