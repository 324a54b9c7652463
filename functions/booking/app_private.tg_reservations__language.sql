-- The language the guest booked in (issues 21 and 22): the guest app's
-- chosen language, which the API passes as the transaction setting
-- keepr.language (server/graphql.ts, from the Keepr-Language header), taken
-- when the reservation is made (create_hold, create_group_hold,
-- create_desk_hold stay unaware of it). A value that is not a guest-facing
-- language of app_public.languages is ignored (the API passes any
-- well-formed code and this is where it is judged), as is a language the insert gave itself. Messages are
-- written in coalesce(reservations.language, properties.language).
create or replace function app_private.tg_reservations__language() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_language text := pg_catalog.current_setting('keepr.language', true);
begin
  if new.language is null and app_hidden.is_guest_language(v_language) then
    new.language := v_language;
  end if;
  return new;
end;
$$;
comment on function app_private.tg_reservations__language() is
  E'Trigger: records the guest app language of the request that makes the reservation (setting keepr.language), when it is one.';
