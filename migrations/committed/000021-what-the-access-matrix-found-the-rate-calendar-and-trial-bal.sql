--! Previous: sha1:f450db41e6455c8216d75b2a9444602face38bd9
--! Hash: sha1:56d3325be397fe7f60ee09b3a201e5e33995229b
--! Message: What the access matrix found: the rate calendar and trial balance by role group, no anonymous SELECT on guest profiles, no worker SELECT on invoices, currentUser null for anonymous callers, refunds executable by staff only

-- Safe by default (issue 15), part 5: what the access-matrix test
-- (tests/db/access_matrix.test.ts) found when every identity was tried on
-- every table and function.

-- The rate calendar (prices, restrictions) is the cashiers', as rate_grid
-- already was; housekeeping does not need it.
drop policy if exists select_member on app_public.rate_calendar;
drop policy if exists select_cashiers on app_public.rate_calendar;
create policy select_cashiers on app_public.rate_calendar for select
  using (property_id in (select app_hidden.current_property_ids_for('cashiers')));

-- The trial balance is the ledger's: only postings on the caller's ledger
-- accounts (back office), never the folio side alone the front desk reads.
create or replace view app_public.trial_balance with (security_invoker = true) as
  select p.property_id, p.currency,
         sum(p.amount) filter (where p.amount > 0)::bigint as debits,
         (-sum(p.amount) filter (where p.amount < 0))::bigint as credits,
         sum(p.amount)::bigint as difference
    from app_public.postings p
    join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
   group by p.property_id, p.currency;

-- No anonymous identity (booking tokens included) reads guest profiles.
revoke select on app_public.guests from keepr_anonymous;
grant select on app_public.guests to keepr_guest;

-- No job reads invoices.
revoke select on app_public.invoices from keepr_worker;

-- currentUser answers null to anonymous callers instead of failing: it reads
-- only the caller's own row.
--! Included app_public.current_user.sql
-- SECURITY DEFINER: anonymous callers may not read users, and the answer
-- for them is null; it reads only the row of the caller's own session.
create or replace function app_public.current_user() returns app_public.users
  language sql stable security definer
  set search_path to pg_catalog, public, pg_temp
as $$
  select u.* from app_public.users u where u.id = app_hidden.current_user_id();
$$;
comment on function app_public.current_user() is
  E'The signed-in user, or null.';
--! EndIncluded app_public.current_user.sql

-- Refunds are the back office's: no guest path reaches refund_payment.
revoke execute on function app_public.refund_payment(uuid, bigint, text, text) from keepr_anonymous;
grant execute on function app_public.refund_payment(uuid, bigint, text, text) to keepr_staff;
