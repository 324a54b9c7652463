-- Raises DNIED for a guest's change the booking does not allow, with the
-- refusal (guest_change_refusal) as the reason and a message saying why.
create or replace function app_private.refuse_guest_change(reservation app_public.reservations, refusal text) returns void
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  raise exception using errcode = 'DNIED', hint = refusal, message = case refusal
    when 'NOT_CONFIRMED' then pg_catalog.format('This booking is %s; it cannot be changed.', reservation.status)
    when 'RATE_PLAN' then 'This rate does not allow changes online; please contact the property.'
    when 'NOT_REFUNDABLE' then 'This booking is non-refundable and cannot be changed online; please contact the property.'
    when 'PAST_DEADLINE' then 'The free-cancellation deadline has passed; the booking can no longer be changed online. Please contact the property.'
    when 'DATES_ONLY' then 'Guests may change the dates and the number of guests; the property changes rooms and rates.'
    else 'This booking cannot be changed online.'
  end;
end;
$$;
comment on function app_private.refuse_guest_change(app_public.reservations, text) is
  E'Raises ACCESS_DENIED with the guest-change refusal as the reason.';
