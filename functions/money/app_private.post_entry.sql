-- Posts one journal entry: lines is a JSON array of
-- {"purpose": "room_revenue", "amount": <signed minor units>, "currency":
--  "EUR", "folio_id": <uuid or absent>, "tax_id": <uuid, for tax_payable>,
--  "provider": <name, for payment_clearing>}
-- (or {"code": "4000", ...} for a staff-made account); debits are positive,
-- credits negative. Idempotent by (property, idempotency key): posting the
-- same key again returns the first entry and posts nothing. Balance is
-- checked at commit by the postings' constraint trigger, not here.
create or replace function app_private.post_entry(
  property_id uuid,
  cause_type text,
  cause_id uuid,
  idempotency_key text,
  description text,
  lines jsonb,
  reverses_entry_id uuid default null
) returns uuid
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_entry_id uuid;
  v_posted integer;
begin
  insert into app_public.journal_entries (property_id, cause_type, cause_id, idempotency_key, description, reverses_entry_id, created_by)
  values (post_entry.property_id, post_entry.cause_type, post_entry.cause_id, post_entry.idempotency_key, post_entry.description,
          post_entry.reverses_entry_id, app_hidden.current_user_id())
  on conflict (property_id, idempotency_key) do nothing
  returning id into v_entry_id;
  if v_entry_id is null then
    select e.id into v_entry_id from app_public.journal_entries e
     where e.property_id = post_entry.property_id and e.idempotency_key = post_entry.idempotency_key;
    return v_entry_id;
  end if;

  insert into app_public.postings (property_id, entry_id, account_id, folio_id, amount, currency)
  select post_entry.property_id, v_entry_id, a.id, (l ->> 'folio_id')::uuid, (l ->> 'amount')::bigint, l ->> 'currency'
    from pg_catalog.jsonb_array_elements(post_entry.lines) l
    join app_public.ledger_accounts a
      on a.property_id = post_entry.property_id and a.code = coalesce(l ->> 'code', a.code) and a.purpose is not distinct from (l ->> 'purpose')
         and a.tax_id is not distinct from (l ->> 'tax_id')::uuid and a.provider is not distinct from (l ->> 'provider')
   where (l ->> 'amount')::bigint <> 0;
  get diagnostics v_posted = row_count;
  if v_posted <> (select count(*) from pg_catalog.jsonb_array_elements(post_entry.lines) l where (l ->> 'amount')::bigint <> 0) then
    raise exception using errcode = 'NTFND', message = 'A posting names an account the property does not have (or more than one).';
  end if;
  return v_entry_id;
end;
$$;
comment on function app_private.post_entry(uuid, text, uuid, text, text, jsonb, uuid) is
  E'Posts a journal entry (idempotent by property and key) from JSON lines {purpose or code, amount, currency, folio_id, tax_id}; balance is enforced at commit.';
