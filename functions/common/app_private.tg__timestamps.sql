-- Keeps created_at fixed and updated_at current; fires as _100_timestamps.
create or replace function app_private.tg__timestamps() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  new.created_at := case when tg_op = 'INSERT' then pg_catalog.now() else old.created_at end;
  new.updated_at := case when tg_op = 'UPDATE' and old.updated_at >= pg_catalog.now()
                         then old.updated_at + interval '1 millisecond'
                         else pg_catalog.now() end;
  return new;
end;
$$;
comment on function app_private.tg__timestamps() is
  E'Trigger: sets created_at on insert and a strictly increasing updated_at on every write.';
