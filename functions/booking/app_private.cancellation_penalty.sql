-- What cancelling (or not showing up for) a reservation costs at a moment,
-- by the terms locked when it was priced: nothing for a hold or before the
-- free-cancellation deadline, the late penalty after it, everything on a
-- non-refundable rate; never the taxes a penalty does not carry (a city
-- tax per person-night is not owed for nights not stayed: penalty_base).
create or replace function app_private.cancellation_penalty(reservation app_public.reservations, at timestamptz) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
    when reservation.status = 'held' then 0
    when not (reservation.cancellation_policy ->> 'is_refundable')::boolean then app_private.penalty_base(reservation)
    when at < (reservation.cancellation_policy ->> 'free_cancellation_until')::timestamptz then 0
    else least((reservation.cancellation_policy ->> 'late_cancellation_penalty')::bigint, app_private.penalty_base(reservation))
  end;
$$;
comment on function app_private.cancellation_penalty(app_public.reservations, timestamptz) is
  E'The cancellation penalty of a reservation at a moment, by its locked cancellation terms, never more than its penalty base (the total less the taxes a penalty does not carry).';
