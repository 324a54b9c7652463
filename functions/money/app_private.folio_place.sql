-- Where a folio is, for people: "room 104", "Chalet Edelweiss" or
-- "booking KP-ABC123" (no unit yet), with the folio's label when it is not
-- the primary one ("room 104, Extras"); a company folio is the company.
create or replace function app_private.folio_place(folio app_public.folios) returns text
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select case
    when folio.kind = 'company' then
      coalesce((select c.name from app_public.companies c where c.property_id = folio.property_id and c.id = folio.company_id), folio.label)
    else
      coalesce((select case when u.name ~ '^[0-9]' then 'room ' || u.name else u.name end
                  from app_public.reservations r
                  join app_public.units u on u.property_id = r.property_id and u.id = r.unit_id
                 where r.property_id = folio.property_id and r.id = folio.reservation_id),
               (select 'booking ' || r.confirmation_code
                  from app_public.reservations r
                 where r.property_id = folio.property_id and r.id = folio.reservation_id),
               'a booking')
      || case when folio.is_primary then '' else ', ' || folio.label end
  end;
$$;
comment on function app_private.folio_place(app_public.folios) is
  E'Where a folio is, in ledger descriptions: "room 104", "booking KP-ABC123", "room 104, Extras", or the company''s name.';
