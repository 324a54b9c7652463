-- Puts a card (a provider token from the hosted card form; Keepr never sees
-- the number) on file for a reservation without charging what is not due:
-- it replaces the card on file for every open payment of the schedule (the
-- start_due_payments job charges each when it falls due) and for the desk.
-- A payment that was due and failed (a booking whose payment is due) is
-- charged on the new card at once. card_brand and card_last4 are what the
-- card form answered (shown as "Visa •• 4242" until the provider's own word
-- arrives with a capture). The guest (signed in, or with the booking
-- token) and staff who take payments may. Payments already being paid or
-- paid keep their card. Returns the reservation's open payments.
create or replace function app_public.attach_payment_method(
  reservation_id uuid,
  payment_token text,
  idempotency_key text,
  card_brand text default null,
  card_last4 text default null
) returns setof app_public.payment_intents
  language plpgsql volatile security definer rows 3
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_res app_public.reservations;
  v_intent app_public.payment_intents;
  v_ids uuid[] := '{}';
begin
  v_replay := app_private.idempotency_begin('attach_payment_method', idempotency_key,
                pg_catalog.jsonb_build_object('reservation_id', reservation_id, 'payment_token', payment_token,
                                              'card_brand', card_brand, 'card_last4', card_last4));
  if v_replay is null then
    v_res := app_private.lock_reservation(attach_payment_method.reservation_id, app_hidden.staff_group_roles('cashiers'), 'take payments', true);
    if v_res.status not in ('confirmed', 'checked_in') then
      raise exception using errcode = 'TRANS', message = pg_catalog.format('This reservation is %s; it takes no card.', pg_catalog.replace(v_res.status::text, '_', ' ')),
        hint = v_res.status::text;
    end if;
    if payment_token is null or payment_token !~ '^tok_[A-Za-z0-9_]{6,100}$' then
      raise exception using errcode = 'INVLD', message = 'A card token from the payment form (tok_...) is required; never a card number.';
    end if;
    if (card_last4 is not null and card_last4 !~ '^[0-9]{4}$') or (card_brand is not null and pg_catalog.lower(card_brand) !~ '^[a-z_]{1,20}$') then
      raise exception using errcode = 'INVLD', message = 'The card''s brand and last four digits are as the payment form gave them (e.g. visa, 4242).';
    end if;
    perform app_private.set_card_on_file(v_res, attach_payment_method.payment_token, card_brand, card_last4, pg_catalog.now());
    for v_intent in
      select i.* from app_public.payment_intents i
       where i.property_id = v_res.property_id and i.reservation_id = v_res.id
         and i.status = 'failed' and i.kind <> 'incidental' and i.due_at <= pg_catalog.now()
       order by i.due_at, i.id
         for update
    loop
      perform app_private.start_attempt(v_intent, attach_payment_method.payment_token);
    end loop;
    select coalesce(pg_catalog.array_agg(i.id order by i.due_at, i.id), '{}') into v_ids
      from app_public.payment_intents i
     where i.property_id = v_res.property_id and i.reservation_id = v_res.id
       and (i.status in ('requires_payment', 'failed') or (i.status = 'processing' and i.payment_token = attach_payment_method.payment_token));
    v_replay := app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_ids));
  end if;
  return query
    select i.* from app_public.payment_intents i
     where i.id in (select pg_catalog.jsonb_array_elements_text(v_replay)::uuid)
     order by i.due_at, i.id;
end;
$$;
comment on function app_public.attach_payment_method(uuid, text, text, text, text) is
  E'Puts a provider card token on file for the reservation (its open payments, charged when each falls due, and the desk); a due payment that failed is charged on it at once. cardBrand/cardLast4: what the card form gave. Returns the open payments. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
