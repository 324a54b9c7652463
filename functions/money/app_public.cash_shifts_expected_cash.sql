-- What a cash shift's drawer should hold now: its opening float plus the
-- cash taken less the cash paid out (closeCashShift compares the count with
-- it). Security invoker: the caller reads the shift's movements.
create or replace function app_public.cash_shifts_expected_cash(shift app_public.cash_shifts) returns bigint
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select shift.opening_float + coalesce((select sum(m.amount) from app_public.cash_movements m
                                          where m.property_id = shift.property_id and m.shift_id = shift.id), 0)::bigint;
$$;
comment on function app_public.cash_shifts_expected_cash(app_public.cash_shifts) is
  E'The cash the drawer should hold now: opening float + cash taken − cash paid out.';
