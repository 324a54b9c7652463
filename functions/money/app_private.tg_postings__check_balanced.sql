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
  v_bad record;
begin
  select p.currency, sum(p.amount) as total, count(*) as postings
    into v_bad
    from app_public.postings p
   where p.property_id = new.property_id and p.entry_id = new.entry_id
   group by p.currency
  having sum(p.amount) <> 0
   limit 1;
  if found then
    raise exception using errcode = 'UNBAL',
      message = pg_catalog.format('Journal entry %s does not balance in %s (off by %s).', new.entry_id, v_bad.currency,
                                  app_hidden.format_money(v_bad.total::bigint, v_bad.currency::text));
  end if;
  if (select count(*) from app_public.postings p where p.property_id = new.property_id and p.entry_id = new.entry_id) < 2 then
    raise exception using errcode = 'UNBAL', message = pg_catalog.format('Journal entry %s needs at least two postings.', new.entry_id);
  end if;
  return null;
end;
$$;
comment on function app_private.tg_postings__check_balanced() is
  E'Constraint trigger (deferred to commit): raises UNBAL unless the posting''s entry sums to zero per currency with at least two postings.';
