-- Releases an owner or maintenance block: its nights are free again.
create or replace function app_public.release_block(
  claim_id uuid,
  idempotency_key text
) returns app_public.inventory_claims
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
  set lock_timeout to '2s'
as $$
#variable_conflict use_column
declare
  v_replay jsonb;
  v_claim app_public.inventory_claims;
begin
  v_replay := app_private.idempotency_begin('release_block', idempotency_key, pg_catalog.jsonb_build_object('claim_id', claim_id));
  if v_replay is not null then
    return pg_catalog.jsonb_populate_record(null::app_public.inventory_claims, v_replay);
  end if;
  select * into v_claim from app_public.inventory_claims c where c.id = release_block.claim_id for update;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_claim.property_id, app_hidden.staff_group_roles('front_office'), 'release blocks');
  if v_claim.kind not in ('owner_block', 'maintenance_block') then
    raise exception using errcode = 'INVLD', message = 'Only owner and maintenance blocks are released this way.';
  end if;
  if v_claim.released_at is not null then
    raise exception using errcode = 'TRANS', message = 'This block was already released.';
  end if;
  update app_public.inventory_claims c set released_at = pg_catalog.now() where c.id = v_claim.id returning * into v_claim;
  perform app_private.idempotency_finish(idempotency_key, pg_catalog.to_jsonb(v_claim));
  return v_claim;
end;
$$;
comment on function app_public.release_block(uuid, text) is
  E'Releases an owner or maintenance block. Errors: NOT_FOUND, ACCESS_DENIED, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED.';
