-- A room type's description for a guest reading in `language` (issues 21 and 22):
-- the translation of that language when it has one
-- (app_hidden.room_type_translation), else the room type's own. No SET clause: the names are
-- qualified, and a SET would switch settings on every row a list reads.
create or replace function app_public.room_types_description_in(room_type app_public.room_types, language text) returns text
  language sql stable
as $$
  select coalesce((select t.description from app_hidden.room_type_translation(room_type.property_id, room_type.id, room_types_description_in.language) t), room_type.description);
$$;
comment on function app_public.room_types_description_in(app_public.room_types, text) is
  E'The description in `language` (en, pt, es) when translated, else the room type''s own.';
