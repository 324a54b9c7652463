-- Moves charges from one folio to another of the same property and
-- currency (a split; the room to the company, the extras to the guest): one
-- entry that credits the first folio and debits the second with what of the
-- charges sits on the first now (two postings, however many charges: the
-- description names them, app_private.folio_routes keeps each one's amount). The charges are journal entries
-- (a booking's charges, an extra, …); each must sit on the first folio
-- and not have been corrected. Cashiers. Neither folio may be closed.
create or replace function app_public.route_folio_postings(
  from_folio_id uuid,
  to_folio_id uuid,
  entry_ids uuid[],
  idempotency_key text
) returns app_public.folios
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_from app_public.folios;
  v_to app_public.folios;
  v_first app_public.folios;
  v_items jsonb;
  v_count integer;
  v_route_id uuid;
begin
  v_replay := app_private.idempotency_begin('route_folio_postings', idempotency_key,
                pg_catalog.jsonb_build_object('from_folio_id', from_folio_id, 'to_folio_id', to_folio_id, 'entry_ids', entry_ids));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  if from_folio_id is not distinct from to_folio_id then
    raise exception using errcode = 'INVLD', message = 'Choose another folio to move the charges to.';
  end if;
  -- Locks in one order (a reservation's folio before a company's, then by
  -- id), so two routes between the same folios never deadlock.
  select * into v_first from app_public.folios f where f.id in (from_folio_id, to_folio_id)
   order by f.reservation_id is null, f.id limit 1;
  if v_first.id is null or v_first.id = from_folio_id then
    v_from := app_private.lock_folio(from_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
    v_to := app_private.lock_folio(to_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
  else
    v_to := app_private.lock_folio(to_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
    v_from := app_private.lock_folio(from_folio_id, app_hidden.staff_group_roles('cashiers'), 'move charges between folios');
  end if;
  if v_from.property_id <> v_to.property_id then
    raise exception using errcode = 'NTFND', message = 'No such folio, or you cannot see it.';
  end if;
  if v_from.currency <> v_to.currency then
    raise exception using errcode = 'INVLD', message = pg_catalog.format('%s is in %s and %s in %s: charges move only within one currency.',
                                                                         v_from.label, v_from.currency, v_to.label, v_to.currency);
  end if;
  if v_from.status = 'closed' or v_to.status = 'closed' then
    raise exception using errcode = 'FOLCL', message = 'A closed folio takes no more charges and gives none away.';
  end if;
  if entry_ids is null or pg_catalog.cardinality(entry_ids) not between 1 and 200 then
    raise exception using errcode = 'INVLD', message = 'Choose between 1 and 200 charges to move.';
  end if;
  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('entry_id', e.id, 'description', e.description,
                                                            'amount', app_private.charge_on_folio(e.property_id, e.id, v_from.id))
                              order by e.occurred_at, e.description, e.id),
         pg_catalog.count(*)
    into v_items, v_count
    from app_public.journal_entries e
   where e.property_id = v_from.property_id and e.id = any (entry_ids);
  if v_count <> (select pg_catalog.count(distinct x) from pg_catalog.unnest(entry_ids) x) then
    raise exception using errcode = 'NTFND', message = 'One of the charges does not exist, or you cannot see it.';
  end if;
  if exists (select 1 from pg_catalog.jsonb_array_elements(v_items) i where (i ->> 'amount')::bigint <= 0) then
    raise exception using errcode = 'INVLD', hint = 'NOT_ON_FOLIO',
      message = pg_catalog.format('%s is not a charge on %s.',
                                  (select '“' || (i ->> 'description') || '”' from pg_catalog.jsonb_array_elements(v_items) i
                                    where (i ->> 'amount')::bigint <= 0 limit 1), v_from.label);
  end if;
  if exists (select 1 from app_public.journal_entries c
              where c.property_id = v_from.property_id and c.reverses_entry_id = any (entry_ids) and c.cause_type = 'folio_correction') then
    raise exception using errcode = 'INVLD', hint = 'CORRECTED', message = 'A corrected charge cannot be moved.';
  end if;
  v_route_id := app_private.post_entry(v_from.property_id, 'folio_route', v_to.id, app_private.desk_key('route', idempotency_key),
    pg_catalog.left('Moved from '
                    || case when v_from.reservation_id = v_to.reservation_id then v_from.label || ' to ' || v_to.label
                            else app_private.folio_place(v_from) || ' to ' || app_private.folio_place(v_to) end || ': '
                    || (select pg_catalog.string_agg(i ->> 'description', '; ') from pg_catalog.jsonb_array_elements(v_items) i), 500),
    (select pg_catalog.jsonb_build_array(
              pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_from), 'folio_id', v_from.id,
                                            'amount', -sum((i ->> 'amount')::bigint), 'currency', v_from.currency),
              pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_to), 'folio_id', v_to.id,
                                            'amount', sum((i ->> 'amount')::bigint), 'currency', v_to.currency))
       from pg_catalog.jsonb_array_elements(v_items) i));
  insert into app_private.folio_routes (property_id, route_entry_id, entry_id, from_folio_id, to_folio_id, amount)
  select v_from.property_id, v_route_id, (i ->> 'entry_id')::uuid, v_from.id, v_to.id, (i ->> 'amount')::bigint
    from pg_catalog.jsonb_array_elements(v_items) i;
  select * into v_to from app_public.folios f where f.property_id = v_to.property_id and f.id = v_to.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_to));
  return v_to;
end;
$$;
comment on function app_public.route_folio_postings(uuid, uuid, uuid[], text) is
  E'Moves charges (journal entries that charged the first folio) to another folio of the property in the same currency, in one entry; returns the folio they moved to. Errors: NOT_FOUND, ACCESS_DENIED, FOLIO_CLOSED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
