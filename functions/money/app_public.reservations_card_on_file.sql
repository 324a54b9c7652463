-- Reservation.cardOnFile: "Visa •• 4242" (formats the row's own columns).
create or replace function app_public.reservations_card_on_file(r app_public.reservations) returns text
  language sql immutable parallel safe security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select app_private.card_label(r.card_brand, r.card_last4);
$$;
comment on function app_public.reservations_card_on_file(app_public.reservations) is
  E'The card on file as people name it ("Visa •• 4242"), or null.';
