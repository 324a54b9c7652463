-- A property's channels against Keepr, per feed, from its latest good sync:
--   conflict               nights the channel has sold that Keepr has sold
--                          too (an open conflict): which nights, and to whom;
--   not_blocked_on_channel Keepr has a stay or block on the unit (not from
--                          this feed) on nights the channel's feed does not
--                          show as taken: the channel has not imported
--                          Keepr's calendar yet, or at all — it could sell
--                          those nights;
--   feed_waiting           the last fetch would open most of the feed's
--                          blocked nights at once: kept aside until a later
--                          fetch agrees or staff accept it;
--   feed_failing           the last poll failed (the error);
--   feed_stale             no good sync for three poll intervals, and no
--                          error to say why (a failing feed is listed once).
-- Future nights only; times in the property's time zone. Staff of the
-- property (owner, manager, front desk).
create or replace function app_public.channel_reconciliation(property_id uuid)
  returns table (feed_id uuid, feed_name text, unit_name text, kind text, start_date date, end_date date, detail text)
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(channel_reconciliation.property_id, app_hidden.staff_group_roles('front_office'), 'read channel reports');
  return query
    with feeds as (
      select f.*, u.name as unit_name, app_private.local_today(f.property_id) as today, p.time_zone
        from app_public.channel_feeds f
        join app_public.units u on u.property_id = f.property_id and u.id = f.unit_id
        join app_public.properties p on p.id = f.property_id
       where f.property_id = channel_reconciliation.property_id and f.is_active
    )
    select f.id, f.name, f.unit_name, 'conflict', k.start_date, k.end_date,
           'Sold twice: the channel''s booking "' || coalesce(k.summary, '') || '" (' || k.event_start_date || ' to ' || k.event_end_date ||
           ') and ' || coalesce('reservation ' || r.confirmation_code,
                                case cl.kind when 'owner_block' then 'an owner block'
                                             when 'maintenance_block' then 'a maintenance block'
                                             else 'a block from ' || coalesce((select o.name from app_public.channel_feeds o where o.id = cl.feed_id), 'another channel') end)
           || ' in Keepr both hold ' ||
           case when k.end_date - k.start_date = 1 then 'this night.' else 'these ' || (k.end_date - k.start_date) || ' nights.' end
      from feeds f
      join app_public.channel_conflicts k on k.property_id = f.property_id and k.feed_id = f.id and k.status = 'open'
      join app_public.inventory_claims cl on cl.property_id = k.property_id and cl.id = k.conflicting_claim_id
      left join app_public.reservations r on r.property_id = k.property_id and r.id = k.conflicting_reservation_id
    union all
    select f.id, f.name, f.unit_name, 'not_blocked_on_channel', pg_catalog.lower(gap), pg_catalog.upper(gap),
           'Keepr has ' || coalesce('reservation ' || r.confirmation_code,
                                    case c.kind when 'owner_block' then 'an owner block'
                                                when 'maintenance_block' then 'a maintenance block'
                                                else 'a block from ' || coalesce((select o.name from app_public.channel_feeds o where o.id = c.feed_id), 'another channel') end)
             || ' on these nights; the channel''s feed does not show them taken.'
      from feeds f
      join app_public.inventory_claims c
        on c.property_id = f.property_id and c.unit_id = f.unit_id and c.released_at is null and c.kind <> 'hold'
       and pg_catalog.upper(c.stay) > f.today
       and c.feed_id is distinct from f.id
      left join app_public.reservations r on r.property_id = c.property_id and r.id = c.reservation_id
      cross join lateral pg_catalog.unnest(
        pg_catalog.datemultirange(c.stay * pg_catalog.daterange(f.today, null))
        - coalesce((select pg_catalog.range_agg(pg_catalog.daterange(e.start_date, e.end_date))
                      from app_public.channel_feed_events e where e.feed_id = f.id), '{}'::datemultirange)
      ) gap
     where f.last_success_at is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_waiting', null, null,
           p.reason || ' Kept aside until a fetch after ' || pg_catalog.to_char(p.confirm_after at time zone f.time_zone, 'YYYY-MM-DD HH24:MI') || ' (' || f.time_zone || ')' || ' agrees, or staff accept it.'
      from feeds f join app_private.channel_feed_pending_changes p on p.feed_id = f.id
    union all
    select f.id, f.name, f.unit_name, 'feed_failing', null, null, f.last_error
      from feeds f where f.last_error is not null
    union all
    select f.id, f.name, f.unit_name, 'feed_stale', null, null,
           coalesce('Last good sync ' || pg_catalog.to_char(f.last_success_at at time zone f.time_zone, 'YYYY-MM-DD HH24:MI') || ' (' || f.time_zone || ')' || '.', 'Never synced.')
      from feeds f
     where f.last_error is null
       and coalesce(f.last_success_at, '-infinity') < pg_catalog.now() - pg_catalog.make_interval(mins => 3 * f.poll_interval_minutes)
       and not exists (select 1 from app_private.channel_feed_pending_changes p where p.feed_id = f.id)
     order by 2, 4, 5;
end;
$$;
comment on function app_public.channel_reconciliation(uuid) is
  E'Per feed of a property: nights sold twice (open conflicts), Keepr stays the channel does not show as taken, fetches waiting to be confirmed, failing or stale feeds. Errors: NOT_FOUND, ACCESS_DENIED.';
