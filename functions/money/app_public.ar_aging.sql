-- Accounts receivable by company on a date: what each company's city
-- ledger owes, by how long it is overdue. Items (debits on the company's
-- folio) are due payment_terms_days after the day they were posted; what the
-- company paid or was credited settles its oldest items first (FIFO). Days
-- overdue on as_of: current (not yet due), 1–30, 31–60, 61–90, over 90. A
-- company in credit shows it (negative) as current. Only companies whose
-- total is not zero. Owner, manager, accountant.
create or replace function app_public.ar_aging(property_id uuid, as_of date)
  returns table (
    company_id uuid,
    company_name text,
    currency char(3),
    current bigint,
    days_1_to_30 bigint,
    days_31_to_60 bigint,
    days_61_to_90 bigint,
    over_90 bigint,
    total bigint
  )
  language plpgsql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  perform app_private.require_staff(ar_aging.property_id, app_hidden.staff_group_roles('back_office'), 'see accounts receivable');
  if as_of is null then
    raise exception using errcode = 'INVLD', message = 'Say on which date to age the receivables.';
  end if;
  return query
  with postings as (
    select f.company_id, p.currency, p.id, p.amount, (e.occurred_at at time zone pr.time_zone)::date as day
      from app_public.folios f
      join app_public.properties pr on pr.id = f.property_id
      join app_public.postings p on p.property_id = f.property_id and p.folio_id = f.id
      join app_public.journal_entries e on e.property_id = p.property_id and e.id = p.entry_id
     where f.property_id = ar_aging.property_id and f.kind = 'company'
       and (e.occurred_at at time zone pr.time_zone)::date <= ar_aging.as_of
  ),
  totals as (
    select p.company_id, p.currency, sum(p.amount)::bigint as total,
           coalesce(-sum(p.amount) filter (where p.amount < 0), 0)::bigint as credits
      from postings p group by p.company_id, p.currency
  ),
  items as (
    select p.company_id, p.currency, p.day, p.amount,
           sum(p.amount) over (partition by p.company_id, p.currency order by p.day, p.id) as running
      from postings p where p.amount > 0
  ),
  open_items as (
    select i.company_id, i.currency,
           ar_aging.as_of - (i.day + c.payment_terms_days) as overdue,
           (greatest(0, i.running - t.credits) - greatest(0, i.running - i.amount - t.credits))::bigint as open_amount
      from items i
      join totals t on t.company_id = i.company_id and t.currency = i.currency
      join app_public.companies c on c.property_id = ar_aging.property_id and c.id = i.company_id
  )
  select t.company_id, c.name, t.currency::char(3),
         (coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue <= 0), 0)
          + least(t.total, 0))::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 1 and 30), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 31 and 60), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue between 61 and 90), 0)::bigint,
         coalesce((select sum(o.open_amount) from open_items o where o.company_id = t.company_id and o.currency = t.currency and o.overdue > 90), 0)::bigint,
         t.total
    from totals t
    join app_public.companies c on c.property_id = ar_aging.property_id and c.id = t.company_id
   where t.total <> 0
   order by c.name, t.currency;
end;
$$;
comment on function app_public.ar_aging(uuid, date) is
  E'Accounts receivable per company on a date, by days overdue (items due payment_terms_days after posting; payments settle the oldest first): current, 1–30, 31–60, 61–90, over 90, total. Owner, manager, accountant. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT.';
