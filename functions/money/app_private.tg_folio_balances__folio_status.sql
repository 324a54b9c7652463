-- A folio is closed only at zero. After a posting changes a folio's
-- balance: a closed folio that moves off zero (a late capture, a correction
-- after check-out) opens again; an open guest folio of a checked-out stay
-- that comes to zero in every currency (a payment, a refund, a transfer to
-- the city ledger) closes.
create or replace function app_private.tg_folio_balances__folio_status() returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if new.balance <> 0 then
    update app_public.folios f set status = 'open', closed_at = null
     where f.property_id = new.property_id and f.id = new.folio_id and f.status = 'closed';
  elsif not exists (select 1 from app_public.folio_balances b
                     where b.property_id = new.property_id and b.folio_id = new.folio_id and b.balance <> 0) then
    update app_public.folios f set status = 'closed', closed_at = pg_catalog.now()
     where f.property_id = new.property_id and f.id = new.folio_id and f.status = 'open' and f.kind = 'guest'
       and exists (select 1 from app_public.reservations r
                    where r.property_id = f.property_id and r.id = f.reservation_id and r.status = 'checked_out');
  end if;
  return null;
end;
$$;
comment on function app_private.tg_folio_balances__folio_status() is
  E'Trigger (after a folio balance changes): reopens a closed folio that is no longer at zero, closes a checked-out stay''s folio that is.';
