-- Corrects an extra or an allowance posted by mistake: a new entry that
-- reverses it (reverses_entry_id), once. The folio is the one the charge
-- sits on now (where it was posted, or routed to); all of it must be
-- there. Cashiers. A reason is required.
create or replace function app_public.correct_folio_entry(
  entry_id uuid,
  folio_id uuid,
  reason text,
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_folio app_public.folios;
  v_entry app_public.journal_entries;
  v_reason text;
  v_on_folio bigint;
  v_total bigint;
  v_lines jsonb;
begin
  v_replay := app_private.idempotency_begin('correct_folio_entry', idempotency_key,
                pg_catalog.jsonb_build_object('entry_id', entry_id, 'folio_id', folio_id, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(correct_folio_entry.folio_id, app_hidden.staff_group_roles('cashiers'), 'correct folio charges');
  select * into v_entry from app_public.journal_entries e
   where e.property_id = v_folio.property_id and e.id = correct_folio_entry.entry_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such entry, or you cannot see it.';
  end if;
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  if v_entry.cause_type not in ('folio_charge', 'folio_allowance') then
    raise exception using errcode = 'INVLD', hint = 'NOT_CORRECTABLE',
      message = 'Only extras and allowances posted at the desk can be corrected here; a booking''s charges follow the booking.';
  end if;
  if exists (select 1 from app_public.journal_entries c
              where c.property_id = v_entry.property_id and c.reverses_entry_id = v_entry.id and c.cause_type = 'folio_correction') then
    raise exception using errcode = 'TRANS', hint = 'CORRECTED', message = pg_catalog.format('“%s” was corrected already.', v_entry.description);
  end if;
  select sum(p.amount) into v_total from app_public.postings p
   where p.property_id = v_entry.property_id and p.entry_id = v_entry.id and p.folio_id is not null;
  v_on_folio := app_private.charge_on_folio(v_entry.property_id, v_entry.id, v_folio.id);
  if v_on_folio <> v_total then
    raise exception using errcode = 'INVLD', hint = 'NOT_ON_FOLIO',
      message = pg_catalog.format('“%s” is not on this folio (it was posted to or moved to another one): correct it there.', v_entry.description);
  end if;
  -- Every posting of the entry but its folio's, reversed; the folio's
  -- reversed on the folio it sits on now.
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', a.code, 'purpose', a.purpose, 'tax_id', a.tax_id, 'provider', a.provider,
                                                            'amount', -p.amount, 'currency', p.currency))
    into v_lines
    from app_public.postings p
    join app_public.ledger_accounts a on a.property_id = p.property_id and a.id = p.account_id
   where p.property_id = v_entry.property_id and p.entry_id = v_entry.id and p.folio_id is null;
  v_lines := v_lines || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
    'purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -v_total, 'currency', v_folio.currency));
  perform app_private.post_entry(v_folio.property_id, 'folio_correction', v_folio.id, app_private.desk_key('correction', idempotency_key),
    pg_catalog.left('Correction of “' || v_entry.description || '”: ' || v_reason, 500), v_lines, v_entry.id);
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.correct_folio_entry(uuid, uuid, text, text) is
  E'Reverses an extra or allowance posted by mistake (at most once), with a reason, on the folio it sits on now. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, INVALID_TRANSITION (corrected already), IDEMPOTENCY_KEY_REUSED.';
