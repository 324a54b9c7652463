-- Posts an allowance (a reduction for a complaint, a goodwill gesture) to
-- a folio: Dr allowances (4900, contra revenue) / Cr the folio. A reason is
-- required. Owner, manager or accountant. Allowed on a settled folio (it
-- leaves a credit to refund).
create or replace function app_public.post_folio_allowance(
  folio_id uuid,
  amount bigint,
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
  v_reason text;
begin
  v_replay := app_private.idempotency_begin('post_folio_allowance', idempotency_key,
                pg_catalog.jsonb_build_object('folio_id', folio_id, 'amount', amount, 'reason', reason));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.folios, v_replay);
  end if;
  v_folio := app_private.lock_folio(post_folio_allowance.folio_id, app_hidden.staff_group_roles('back_office'), 'post allowances');
  perform app_private.check_desk_amount(amount, 100000000000, v_folio.currency, 'An allowance');
  v_reason := app_private.check_desk_text(reason, true, 300, 'A reason');
  perform app_private.post_entry(v_folio.property_id, 'folio_allowance', v_folio.id, app_private.desk_key('allowance', idempotency_key),
    pg_catalog.left('Allowance — ' || app_private.folio_place(v_folio) || ': ' || v_reason, 500),
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('purpose', 'allowances', 'amount', amount, 'currency', v_folio.currency),
      pg_catalog.jsonb_build_object('purpose', app_private.folio_receivable(v_folio), 'folio_id', v_folio.id, 'amount', -amount, 'currency', v_folio.currency)));
  select * into v_folio from app_public.folios f where f.property_id = v_folio.property_id and f.id = v_folio.id;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_folio));
  return v_folio;
end;
$$;
comment on function app_public.post_folio_allowance(uuid, bigint, text, text) is
  E'Posts an allowance with a reason: Dr allowances / Cr the folio (owner, manager, accountant). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED.';
