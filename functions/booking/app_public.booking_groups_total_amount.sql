-- A booking group's total: what its rooms cost now (each room's locked
-- total; a cancelled or no-show room its penalty), in the property's
-- currency. Derived from the rooms, so a change or cancellation of one room
-- keeps it right.
create or replace function app_public.booking_groups_total_amount(g app_public.booking_groups) returns bigint
  language sql stable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select coalesce(sum(case when r.status in ('cancelled', 'no_show') then coalesce(r.penalty_amount, 0) else r.total_amount end), 0)::bigint
    from app_public.reservations r
   where r.property_id = g.property_id and r.group_id = g.id;
$$;
comment on function app_public.booking_groups_total_amount(app_public.booking_groups) is
  E'What the group''s rooms cost now: each room''s total, or its penalty once cancelled or a no-show (minor units of the property''s currency).';
