-- Refuses UPDATE and DELETE (and TRUNCATE) on append-only tables, for every
-- role including the owner: corrections are new rows, never edits.
create or replace function audit.tg__append_only() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  raise exception using errcode = 'APPND',
    message = pg_catalog.format('%I.%I is append-only: %s is not allowed', tg_table_schema, tg_table_name, tg_op);
end;
$$;
comment on function audit.tg__append_only() is
  E'Trigger: raises APPEND_ONLY on any UPDATE, DELETE or TRUNCATE of an append-only table.';
