-- What a guest has spent at the property, in minor units of the property's
-- currency: the revenue and tax charged on the guest folios of their
-- bookings that began (in house, checked out) or ended without a stay
-- (cancelled, no-show: their penalties), by app_private.folio_charges:
-- rooms, fees, extras, penalties and taxes, less allowances and
-- corrections. Upcoming bookings are left out: confirmation posts a stay's
-- charges to its folio at once (docs/ledger.md), but they are not spent
-- yet. A charge
-- routed to a company's folio is the company's spend, not the guest's; a
-- folio in another currency than the property's is left out. Payments do
-- not count: spend is what was charged, paid or not. Security definer
-- (folio_charges reads the ledger) for the cashiers of the guest's property
-- only (owner, manager, front desk, accountant): anyone else gets null.
create or replace function app_public.guests_total_spend(guest app_public.guests) returns bigint
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(pg_catalog.sum(c.amount), 0)::bigint
    from app_public.reservations r
    join app_public.properties p on p.id = r.property_id
    join app_public.folios f on f.property_id = r.property_id and f.reservation_id = r.id
                            and f.kind = 'guest' and f.currency = p.currency
    cross join lateral app_private.folio_charges(f) c
   where r.property_id = guest.property_id and r.guest_id = guest.id
     and r.status in ('checked_in', 'checked_out', 'cancelled', 'no_show')
  having guest.property_id in (select app_hidden.current_property_ids_for('cashiers'));
$$;
comment on function app_public.guests_total_spend(app_public.guests) is
  E'What the guest has been charged here (revenue and tax on the guest folios of their stays in house or checked out, and of cancelled and no-show bookings; upcoming ones are left out; routed charges follow their folio), in minor units of the property''s currency; payments do not count. Null for anyone but the property''s cashiers.';
