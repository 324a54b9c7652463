-- Keeps a card (a provider token from the hosted card form; Keepr never
-- sees the number) on file for a reservation's open payments without
-- charging it now: the start_due_payments job charges each payment with it
-- when it falls due (the balance of a pay-at-arrival rate, for instance).
-- The guest (signed in, or with the booking token) and staff who take
-- payments may. Payments already being paid or paid keep their card.
create or replace function app_public.attach_payment_method(
  reservation_id uuid,
  payment_token text,
  idempotency_key text
) returns setof app_public.payment_intents
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_ids uuid[];
begin
  v_replay := app_private.idempotency_begin('attach_payment_method', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'payment_token', payment_token));
  if v_replay is null then
    v_res := app_private.lock_reservation(attach_payment_method.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments', true);
    if v_res.status not in ('confirmed', 'checked_in') then
      raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no card.', v_res.status),
        hint = v_res.status::text;
    end if;
    if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
      raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
    end if;
    with updated as (
      update app_public.payment_intents i set payment_token = attach_payment_method.payment_token
       where i.property_id = v_res.property_id and i.reservation_id = v_res.id and i.status = 'requires_payment'
      returning i.id
    )
    select coalesce(pg_catalog.array_agg(u.id), '{}') into v_ids from updated u;
    v_replay := app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_ids));
  end if;
  return query
    select i.* from app_public.payment_intents i
     where i.id in (select pg_catalog.jsonb_array_elements_text(v_replay)::uuid)
     order by i.due_at, i.id;
end;
$$;
comment on function app_public.attach_payment_method(uuid, text, text) is
  E'Keeps a provider card token on file for the reservation''s open payments, charged when each falls due; returns those payments. Errors: NTFND, DNIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
