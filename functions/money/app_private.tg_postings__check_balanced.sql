-- Deferred constraint trigger (fires at commit): the journal entry of the
-- inserted posting sums to zero in every currency and has at least two
-- postings. Raises UNBAL otherwise, which aborts the whole transaction: an
-- unbalanced entry can never be committed, whoever writes it. Security
-- definer: at commit it runs as the session's role (a guest's, say), not as
-- the function that posted.
create or replace function app_private.tg_postings__check_balanced() returns trigger
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_postings bigint;
  v_currency text;
  v_total numeric;
begin
  -- One look at the entry's postings: how many, and the first currency
  -- that does not sum to zero (if any).
  select pg_catalog.sum(x.postings), (pg_catalog.array_agg(x.currency order by x.currency) filter (where x.total <> 0))[1],
         (pg_catalog.array_agg(x.total order by x.currency) filter (where x.total <> 0))[1]
    into v_postings, v_currency, v_total
    from (select p.currency, pg_catalog.sum(p.amount) as total, pg_catalog.count(*) as postings
            from app_public.postings p
           where p.property_id = new.property_id and p.entry_id = new.entry_id
           group by p.currency) x;
  if v_currency is not null then
    raise exception using errcode = 'UNBAL',
      message = pg_catalog.format('Journal entry %s does not balance in %s (off by %s).', new.entry_id, v_currency,
                                  app_hidden.format_money(v_total::bigint, v_currency));
  end if;
  if coalesce(v_postings, 0) < 2 then
    raise exception using errcode = 'UNBAL', message = pg_catalog.format('Journal entry %s needs at least two postings.', new.entry_id);
  end if;
  return null;
end;
$$;
comment on function app_private.tg_postings__check_balanced() is
  E'Constraint trigger (deferred to commit): raises UNBAL unless the posting''s entry sums to zero per currency with at least two postings.';
