-- Locks a folio for a change by the caller: a guest folio through its
-- reservation (locked first, as every reservation change does), a company
-- folio by the property. NTFND when the caller cannot see it (another
-- property's, or no such folio), DNIED when their role is not enough.
create or replace function app_private.lock_folio(folio_id uuid, roles app_public.staff_role[], what text)
  returns app_public.folios
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_folio app_public.folios;
begin
  select * into v_folio from app_public.folios f where f.id = lock_folio.folio_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if v_folio.reservation_id is not null then
    perform app_private.lock_reservation(v_folio.reservation_id, roles, what);
  else
    perform app_private.require_staff(v_folio.property_id, roles, what);
  end if;
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id for update;
  return v_folio;
end;
$$;
comment on function app_private.lock_folio(uuid, app_public.staff_role[], text) is
  E'Locks a folio FOR UPDATE (a guest folio''s reservation first) after checking the caller may change it (NOT_FOUND, ACCESS_DENIED).';
