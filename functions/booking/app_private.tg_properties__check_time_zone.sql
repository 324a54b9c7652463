-- A time zone is valid when Postgres knows it; checked by trigger because
-- the zone list is not immutable.
create or replace function app_private.tg_properties__check_time_zone() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if not exists (select 1 from pg_catalog.pg_timezone_names where name = new.time_zone) then
    raise exception using errcode = 'INVTZ', message = pg_catalog.format('Unknown time zone %L; use an IANA name such as Europe/Lisbon.', new.time_zone);
  end if;
  return new;
end;
$$;
comment on function app_private.tg_properties__check_time_zone() is E'Trigger: refuses an unknown IANA time zone with INVALID_TIME_ZONE.';
