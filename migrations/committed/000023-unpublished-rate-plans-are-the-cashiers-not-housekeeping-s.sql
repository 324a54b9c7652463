--! Previous: sha1:0648a8a7325f9f062983bff9293f2254098179a6
--! Hash: sha1:1c28b4d4b9de1245e381a84af71846ead997cc2a
--! Message: Unpublished rate plans are the cashiers', not housekeeping's

-- Unpublished rate plans (prices, policies being prepared) are for the
-- staff who sell and account for stays (cashiers), not housekeeping; their
-- length-of-stay discounts follow the plans they can see.
drop policy if exists select_published_or_member on app_public.rate_plans;
create policy select_published_or_member on app_public.rate_plans for select using (
  (is_published and exists (
     select 1 from app_public.room_types rt join app_public.properties p on p.id = rt.property_id
      where rt.id = rate_plans.room_type_id and rt.is_published and p.is_published))
  or property_id in (select app_hidden.current_property_ids_for('cashiers'))
);
