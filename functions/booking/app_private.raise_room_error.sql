-- Raises again, for room `room_no` of a group, an error caught from a
-- room's own call (quote, create_hold, confirm_booking,
-- cancel_reservation): "Room n: <its message>", with its SQLSTATE (so the
-- typed code stays), its detail and its hint (the typed reason). An empty
-- detail or hint is left out (GET STACKED DIAGNOSTICS gives '' for none),
-- so the API's error has no empty reason. The one place the group
-- functions (quote_group, create_group_hold, confirm_group, cancel_group)
-- name the room that failed; they call it from their exception handler:
--   exception when others then
--     get stacked diagnostics v_detail = pg_exception_detail, v_hint = pg_exception_hint;
--     perform app_private.raise_room_error(v_room.room_no, sqlstate, sqlerrm, v_detail, v_hint);
create or replace function app_private.raise_room_error(room_no integer, state text, message text, detail text, hint text)
  returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_message text := pg_catalog.format('Room %s: %s', room_no, message);
begin
  if coalesce(detail, '') = '' and coalesce(hint, '') = '' then
    raise exception using errcode = state, message = v_message;
  elsif coalesce(hint, '') = '' then
    raise exception using errcode = state, message = v_message, detail = detail;
  elsif coalesce(detail, '') = '' then
    raise exception using errcode = state, message = v_message, hint = hint;
  else
    raise exception using errcode = state, message = v_message, detail = detail, hint = hint;
  end if;
end;
$$;
comment on function app_private.raise_room_error(integer, text, text, text, text) is
  E'Raises an error caught from one room of a group again as "Room n: <message>", keeping its SQLSTATE, detail and hint (the typed reason).';
