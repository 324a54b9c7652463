-- The audit of registration cards (as _500_audit, instead of
-- audit.tg__record): who recorded or changed a card and when, in the
-- reservation's history, with the identity kept out of the log: the
-- document number masked but its last two characters, the date of birth as
-- its year, no address. The history is read by more roles (cashiers:
-- accountants too) than the card (front office only).
create or replace function app_private.tg_registration_cards__audit() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then app_private.masked_registration_card(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then app_private.masked_registration_card(new) end;
  v_row app_public.registration_cards := case when tg_op = 'DELETE' then old else new end;
begin
  if tg_op = 'UPDATE' and pg_catalog.to_jsonb(old) = pg_catalog.to_jsonb(new) then
    return null;
  end if;
  insert into audit.events (
    table_schema, table_name, operation, row_id, property_id, reservation_id,
    actor_user_id, actor_role, request_id, old_values, new_values
  ) values (
    tg_table_schema, tg_table_name, tg_op, v_row.id::text, v_row.property_id, v_row.reservation_id,
    app_hidden.current_user_id(), pg_catalog.current_setting('role', true),
    nullif(pg_catalog.current_setting('keepr.request_id', true), ''),
    v_old, v_new
  );
  return null;
end;
$$;
comment on function app_private.tg_registration_cards__audit() is
  E'Trigger (AFTER, per row): appends a registration card''s change to audit.events with the document number and date of birth masked and no address.';
