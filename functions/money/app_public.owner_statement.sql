-- An owner's statement for a period, from the ledger: per stay on their
-- units that ended in the period (departed, or checked out early), the rental revenue (room and
-- cancellation), the fees collected, the commission, the owner's share and
-- how much of it payouts have included so far.
create or replace function app_public.owner_statement(owner_id uuid, period_start date, period_end date)
  returns table (
    reservation_id uuid,
    confirmation_code text,
    unit_name text,
    arrival date,
    departure date,
    status app_public.reservation_status,
    currency char(3),
    rental_revenue bigint,
    fees bigint,
    commission bigint,
    owner_share bigint,
    paid_out bigint
  )
  language sql stable security invoker
  set search_path to pg_catalog, public, pg_temp
as $$
  with o as (select * from app_public.owners o where o.id = owner_statement.owner_id),
  stays as (
    select r.*, u.name as unit_name, o.commission_percent
      from o
      join app_public.properties p on p.id = o.property_id
      join app_public.units u on u.property_id = o.property_id and u.owner_id = o.id
      join app_public.reservations r on r.property_id = u.property_id and r.unit_id = u.id
     where r.confirmed_at is not null
       and case when r.status = 'checked_out' then least(pg_catalog.upper(r.stay), (r.checked_out_at at time zone p.time_zone)::date)
                else pg_catalog.upper(r.stay) end
           between owner_statement.period_start and owner_statement.period_end
  ),
  earned as (
    select s.id,
           coalesce(-sum(p.amount) filter (where a.purpose in ('room_revenue', 'cancellation_revenue')), 0)::bigint as rental,
           coalesce(-sum(p.amount) filter (where a.purpose = 'fee_revenue'), 0)::bigint as fees
      from stays s
      join app_public.journal_entries e on e.property_id = s.property_id and e.cause_type = 'reservation' and e.cause_id = s.id
      join app_public.postings p on p.property_id = e.property_id and p.entry_id = e.id
      join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
     group by s.id
  )
  select s.id, s.confirmation_code, s.unit_name, pg_catalog.lower(s.stay), pg_catalog.upper(s.stay), s.status, s.currency,
         e.rental, e.fees,
         round(e.rental * s.commission_percent / 100)::bigint,
         e.rental - round(e.rental * s.commission_percent / 100)::bigint,
         coalesce((select sum(l.owner_share) from app_public.payout_lines l where l.property_id = s.property_id and l.reservation_id = s.id), 0)::bigint
    from stays s join earned e on e.id = s.id
   order by pg_catalog.upper(s.stay), s.confirmation_code;
$$;
comment on function app_public.owner_statement(uuid, date, date) is
  E'An owner''s statement: per stay ended in the period, rental revenue, fees, commission, owner share and what payouts included.';
