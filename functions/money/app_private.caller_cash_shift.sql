-- The caller's open cash shift at a property, locked (a cash payment or
-- refund and the shift's close wait on each other): CSHRQ when there is
-- none.
create or replace function app_private.caller_cash_shift(property_id uuid) returns app_public.cash_shifts
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_shift app_public.cash_shifts;
begin
  select * into v_shift from app_public.cash_shifts s
   where s.property_id = caller_cash_shift.property_id and s.opened_by = app_hidden.current_user_id() and s.closed_at is null
     for update;
  if not found then
    raise exception using errcode = 'CSHRQ', message = 'Open your cash shift (with its float) before taking or paying out cash.';
  end if;
  return v_shift;
end;
$$;
comment on function app_private.caller_cash_shift(uuid) is
  E'Locks the caller''s open cash shift at the property; CSHRQ (CASH_SHIFT_REQUIRED) when there is none.';
