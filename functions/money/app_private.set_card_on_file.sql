-- Makes a card the card on file of a (locked) reservation: its token for
-- every open payment of the schedule (charged when each falls due) and for
-- the desk, its brand and last four on the reservation for people to see.
-- `since` orders replacements: a card given or proven at an earlier moment
-- than the card on file (a capture arriving late for an older attempt) does
-- not replace it. Returns whether the card became the card on file.
create or replace function app_private.set_card_on_file(
  reservation app_public.reservations,
  payment_token text,
  brand text,
  last4 text,
  since timestamptz
) returns boolean
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_current app_private.cards_on_file;
  v_brand text := case when lower(brand) ~ '^[a-z_]{1,20}$' then lower(brand) end;
  v_last4 text := case when last4 ~ '^[0-9]{4}$' then last4 end;
begin
  select * into v_current from app_private.cards_on_file c where c.reservation_id = reservation.id for update;
  if found then
    if v_current.set_at > since then
      return false;
    end if;
    if v_current.payment_token = set_card_on_file.payment_token then
      -- The same card: keep what is known of it.
      v_brand := coalesce(v_brand, v_current.brand);
      v_last4 := coalesce(v_last4, v_current.last4);
    end if;
    update app_private.cards_on_file c
       set payment_token = set_card_on_file.payment_token, brand = v_brand, last4 = v_last4, set_at = since
     where c.reservation_id = reservation.id;
  else
    insert into app_private.cards_on_file (reservation_id, property_id, payment_token, brand, last4, set_at)
    values (reservation.id, reservation.property_id, set_card_on_file.payment_token, v_brand, v_last4, since);
  end if;
  update app_public.payment_intents i set payment_token = set_card_on_file.payment_token
   where i.property_id = reservation.property_id and i.reservation_id = reservation.id
     and i.status in ('requires_payment', 'failed') and i.payment_token is distinct from set_card_on_file.payment_token;
  update app_public.reservations r
     set card_brand = case when v_last4 is null then null else coalesce(v_brand, 'card') end, card_last4 = v_last4
   where r.id = reservation.id and (r.card_brand, r.card_last4) is distinct from
                                    (case when v_last4 is null then null else coalesce(v_brand, 'card') end, v_last4);
  return true;
end;
$$;
comment on function app_private.set_card_on_file(app_public.reservations, text, text, text, timestamptz) is
  E'Makes a card token the card on file of a reservation (its open payments, brand and last four), unless a newer card is on file.';
