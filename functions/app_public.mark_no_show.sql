-- Records that a confirmed guest did not arrive (from the arrival date on):
-- the late-cancellation terms apply (penalty_amount) and the unit is freed;
-- the folio keeps only the penalty, as on cancellation (record_no_show, which
-- the night audit uses too).
create or replace function app_public.mark_no_show(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
begin
  v_replay := app_private.idempotency_begin('mark_no_show', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.booking, v_replay);
  end if;
  v_res := app_private.lock_reservation(mark_no_show.reservation_id, app_hidden.staff_group_roles('front_office'), 'record no-shows');
  if v_res.status <> 'confirmed' then
    perform app_private.invalid_transition(v_res, 'marked as a no-show');
  end if;
  if app_private.local_today(v_res.property_id) < pg_catalog.lower(v_res.stay) then
    raise exception using errcode = 'TRANS',
      message = pg_catalog.format('A no-show can be recorded from the arrival date, %s.', pg_catalog.lower(v_res.stay));
  end if;
  v_res := app_private.record_no_show(v_res,
    'reservation:' || v_res.id || ':no_show:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key));
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.mark_no_show(uuid, text) is
  E'Marks a confirmed reservation as a no-show on or after its arrival date: the penalty applies and the unit is freed. Errors: NTFND, DNIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
