-- Closes a cash shift with the cash counted in the drawer: expected =
-- opening float + cash payments − cash refunds of the shift; the difference
-- (counted − expected) is posted: over, Dr cash / Cr cash over/short; short,
-- Dr cash over/short / Cr cash. Whoever opened it may close it, and the
-- owner, a manager or the accountant any shift. Two closes at once: the
-- second waits, then finds it closed (TRANS).
create or replace function app_public.close_cash_shift(
  shift_id uuid,
  counted_amount bigint,
  note text,
  idempotency_key text
) returns app_public.cash_shifts
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_shift app_public.cash_shifts;
  v_note text;
  v_expected bigint;
  v_difference bigint;
  v_entry_id uuid;
begin
  v_replay := app_private.idempotency_begin('close_cash_shift', idempotency_key,
                pg_catalog.jsonb_build_object('shift_id', shift_id, 'counted_amount', counted_amount, 'note', note));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.cash_shifts, v_replay);
  end if;
  select * into v_shift from app_public.cash_shifts s where s.id = close_cash_shift.shift_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such cash shift, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_shift.property_id, app_hidden.staff_group_roles('cashiers'), 'close cash shifts');
  if v_shift.opened_by is distinct from app_hidden.current_user_id() then
    perform app_private.require_staff(v_shift.property_id, app_hidden.staff_group_roles('back_office'), 'close a colleague''s cash shift');
  end if;
  select * into v_shift from app_public.cash_shifts s where s.property_id = v_shift.property_id and s.id = v_shift.id for update;
  if v_shift.closed_at is not null then
    raise exception using errcode = 'TRANS', hint = 'CLOSED',
      message = pg_catalog.format('This cash shift was closed already, by %s at %s.',
                                  coalesce((select u.display_name from app_public.users u where u.id = v_shift.closed_by), 'a former colleague'),
                                  pg_catalog.to_char(v_shift.closed_at at time zone (select p.time_zone from app_public.properties p where p.id = v_shift.property_id), 'YYYY-MM-DD HH24:MI'));
  end if;
  if counted_amount is null or counted_amount < 0 or counted_amount > 100000000000 then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('The counted cash must be between %s and %s.', app_hidden.format_money(0, v_shift.currency),
                                  app_hidden.format_money(100000000000, v_shift.currency));
  end if;
  v_note := app_private.check_desk_text(note, false, 500, 'A note');
  select v_shift.opening_float + coalesce(sum(m.amount), 0) into v_expected
    from app_public.cash_movements m where m.property_id = v_shift.property_id and m.shift_id = v_shift.id;
  v_difference := counted_amount - v_expected;
  if v_difference <> 0 then
    v_entry_id := app_private.post_entry(v_shift.property_id, 'cash_count', v_shift.id, app_private.desk_key('cash_count', idempotency_key),
      pg_catalog.left(case when v_difference > 0 then 'Cash over, ' else 'Cash short, ' end || app_private.shift_label(v_shift)
                      || pg_catalog.format(': counted %s, expected %s', app_hidden.format_money(counted_amount, v_shift.currency),
                                           app_hidden.format_money(v_expected, v_shift.currency))
                      || coalesce(' (' || v_note || ')', ''), 500),
      pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('purpose', 'cash_drawer', 'amount', v_difference, 'currency', v_shift.currency),
        pg_catalog.jsonb_build_object('purpose', 'cash_over_short', 'amount', -v_difference, 'currency', v_shift.currency)));
  end if;
  update app_public.cash_shifts s
     set closed_at = pg_catalog.now(), closed_by = app_hidden.current_user_id(), counted_amount = close_cash_shift.counted_amount,
         expected_amount = v_expected, difference = v_difference, difference_entry_id = v_entry_id, note = v_note
   where s.property_id = v_shift.property_id and s.id = v_shift.id
  returning * into v_shift;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_shift));
  return v_shift;
end;
$$;
comment on function app_public.close_cash_shift(uuid, bigint, text, text) is
  E'Closes a cash shift with the counted cash: records expected (float + cash in − cash out) and the difference, posted to cash over/short. The opener, or owner, manager or accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (closed already), IDEMPOTENCY_KEY_REUSED.';
