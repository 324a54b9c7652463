-- The folios of a property for the accounting screens, newest first:
-- optionally only open or closed ones, optionally only those whose balance
-- is not zero in some currency (unsettled: the guest owes, or is owed, money).
-- Security invoker: row-level security decides (staff who take payments and
-- those who keep the books; a property the caller is not staff of gives
-- nothing). Reads folios_created_idx, and folio_balances_unsettled_idx for
-- the unsettled ones.
create or replace function app_public.folio_list(
  property_id uuid,
  status app_public.folio_status default null,
  unsettled boolean default false
) returns setof app_public.folios
  language sql stable
  set search_path to pg_catalog, public, pg_temp
as $$
  select f.*
    from app_public.folios f
   where f.property_id = folio_list.property_id
     and (folio_list.status is null or f.status = folio_list.status)
     and (not coalesce(folio_list.unsettled, false)
          or f.id in (select b.folio_id
                        from app_public.folio_balances b
                       where b.property_id = folio_list.property_id and b.balance <> 0))
   order by f.created_at desc, f.id desc;
$$;
comment on function app_public.folio_list(uuid, app_public.folio_status, boolean) is
  E'The folios of a property, newest first: optionally only `open` or `closed` ones, and with `unsettled` only those whose balance is not zero. Staff of the property (owner, manager, accountant, front desk) see them; any other property gives nothing.';
