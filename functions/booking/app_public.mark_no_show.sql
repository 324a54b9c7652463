-- Records that a confirmed guest did not arrive, from the property's
-- no-show time on (properties.no_show_time, no_show_day_offset days after
-- the arrival date, in its time zone: by default the next day at 02:00);
-- before it, NO_SHOW_TOO_EARLY says when it becomes possible (its
-- extensions.reason is that moment, ISO 8601). The penalty is what the
-- rate plan's locked cancellation terms say (app_private.cancellation_penalty),
-- the unit is freed, the folio keeps only the penalty, as on cancellation
-- (record_no_show, which the night audit uses too).
create or replace function app_public.mark_no_show(
  reservation_id uuid,
  idempotency_key text
) returns app_public.booking
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_from timestamptz;
  v_zone text;
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
  v_from := app_private.no_show_from(v_res);
  if pg_catalog.now() < v_from then
    select p.time_zone into v_zone from app_public.properties p where p.id = v_res.property_id;
    raise exception using errcode = 'NSHOW',
      message = pg_catalog.format('A no-show can be recorded from %s (%s), the property''s no-show time.',
                                  pg_catalog.to_char(v_from at time zone v_zone, 'FMDD Mon YYYY, HH24:MI'), v_zone),
      hint = pg_catalog.to_char(v_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
  end if;
  v_res := app_private.record_no_show(v_res,
    'reservation:' || v_res.id || ':no_show:' || pg_catalog.md5(app_hidden.current_actor_scope() || ':' || idempotency_key));
  return pg_catalog.jsonb_populate_record(null::app_public.booking,
           app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(app_private.booking_of(v_res))));
end;
$$;
comment on function app_public.mark_no_show(uuid, text) is
  E'Marks a confirmed reservation as a no-show from the property''s no-show time after its arrival date: the penalty its rate plan says applies and the unit is freed. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, NO_SHOW_TOO_EARLY, IDEMPOTENCY_KEY_REUSED.';
