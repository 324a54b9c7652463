-- Opens the caller's cash shift at a property with the float counted into
-- the drawer (handed over, not posted). One open shift per person and
-- property (TRANS while one is open). Cashiers.
create or replace function app_public.open_cash_shift(
  property_id uuid,
  opening_float bigint,
  idempotency_key text
) returns app_public.cash_shifts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_currency char(3);
  v_open app_public.cash_shifts;
  v_shift app_public.cash_shifts;
begin
  v_replay := app_private.idempotency_begin('open_cash_shift', idempotency_key,
                pg_catalog.jsonb_build_object('property_id', property_id, 'opening_float', opening_float));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.cash_shifts, v_replay);
  end if;
  perform app_private.require_staff(open_cash_shift.property_id, app_hidden.staff_group_roles('cashiers'), 'open cash shifts');
  select p.currency into v_currency from app_public.properties p where p.id = open_cash_shift.property_id;
  if opening_float is null or opening_float < 0 or opening_float > 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('The opening float must be between %s and %s.', app_hidden.format_money(0, v_currency),
                                  app_hidden.format_money(100000000000, v_currency));
  end if;
  select * into v_open from app_public.cash_shifts s
   where s.property_id = open_cash_shift.property_id and s.opened_by = app_hidden.current_user_id() and s.closed_at is null;
  if found then
    raise exception using errcode = 'TRANS', hint = 'OPEN',
      message = pg_catalog.format('Your cash shift opened at %s is still open: close it first.',
                                  pg_catalog.to_char(v_open.opened_at at time zone (select p.time_zone from app_public.properties p where p.id = v_open.property_id), 'YYYY-MM-DD HH24:MI'));
  end if;
  begin
    insert into app_public.cash_shifts (property_id, currency, opened_by, opening_float)
    values (open_cash_shift.property_id, v_currency, app_hidden.current_user_id(), opening_float)
    returning * into v_shift;
  exception when unique_violation then
    raise exception using errcode = 'TRANS', hint = 'OPEN', message = 'You have a cash shift open here already: close it first.';
  end;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_shift));
  return v_shift;
end;
$$;
comment on function app_public.open_cash_shift(uuid, bigint, text) is
  E'Opens the caller''s cash shift with its opening float (minor units). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (one is open already), IDEMPOTENCY_KEY_REUSED.';
