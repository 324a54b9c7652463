-- Keeps app_public.folio_balances current: each posting to a folio adds its
-- amount to the folio's balance in that currency (one row per folio and
-- currency, so concurrent bookings never wait on each other's balances).
create or replace function app_private.tg_postings__folio_balance() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if new.folio_id is not null then
    insert into app_public.folio_balances as b (property_id, folio_id, currency, balance)
    values (new.property_id, new.folio_id, new.currency, new.amount)
    on conflict (property_id, folio_id, currency) do update set balance = b.balance + excluded.balance;
  end if;
  return null;
end;
$$;
comment on function app_private.tg_postings__folio_balance() is
  E'Trigger (after insert on postings): adds the amount to the folio''s balance.';
