-- The extras a guest may add to a stay at a property (breakfast, parking,
-- late check-out): the active extras of its catalogue that staff marked
-- bookable, with their price, basis and the most one may take. Anyone may
-- read them for a published property (staff of the property for their own,
-- published or not), like the property's rates; nothing else of the
-- catalogue is shown. quote(extras) prices the choice. language: the
-- guest's, for the names (app_hidden.extra_translation; else the own name).
create or replace function app_public.bookable_extras(property_id uuid, language text default null) returns setof app_public.bookable_extra
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select e.id, coalesce((select t.name from app_hidden.extra_translation(e.property_id, e.id, bookable_extras.language) t), e.name),
         e.booking_basis, e.unit_price, e.currency, e.max_quantity
    from app_public.folio_extras e
    join app_public.properties p on p.id = e.property_id
   where e.property_id = bookable_extras.property_id and e.is_active and e.is_bookable
     and (p.is_published or p.id in (select app_hidden.current_property_ids()))
     and (e.tax_id is null or exists (select 1 from app_public.taxes t
                                       where t.property_id = e.property_id and t.id = e.tax_id and t.basis = 'percent_of_room'))
   order by e.sort_order, e.name;
$$;
comment on function app_public.bookable_extras(uuid, text) is
  E'The extras guests may add to a stay at a published property (active, marked bookable): id, name (in `language` when translated: setExtraTranslation), basis, unitPrice (VAT included), currency, maxQuantity. Pass the choice to quote(extras).';
