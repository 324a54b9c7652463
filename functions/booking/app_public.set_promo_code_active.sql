-- Deactivates a promo code (or activates it again), for owners and managers
-- of its property (NOT_FOUND for anyone else of no role there,
-- ACCESS_DENIED for other staff). A deactivated code is refused by quote,
-- at hold and at confirmation. Setting what it already is changes nothing.
create or replace function app_public.set_promo_code_active(
  promo_code_id uuid,
  is_active boolean
) returns app_public.promo_codes
  language plpgsql volatile security definer
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_variable
declare
  v_promo app_public.promo_codes;
begin
  select * into v_promo from app_public.promo_codes pc where pc.id = promo_code_id;
  if not found then
    raise exception using errcode = 'NTFND', message = 'No such record, or you cannot see it.';
  end if;
  perform app_private.require_staff(v_promo.property_id, app_hidden.staff_group_roles('managers'), 'manage promo codes');
  if is_active is null then
    raise exception using errcode = 'INVLD', hint = 'IS_ACTIVE', message = 'Say whether the promo code is active.';
  end if;
  if v_promo.is_active is distinct from is_active then
    update app_public.promo_codes pc set is_active = set_promo_code_active.is_active
     where pc.property_id = v_promo.property_id and pc.id = v_promo.id
    returning * into v_promo;
  end if;
  return v_promo;
end;
$$;
comment on function app_public.set_promo_code_active(uuid, boolean) is
  E'Deactivates (false) or reactivates (true) a promo code (owners and managers of its property). Errors: NOT_FOUND, ACCESS_DENIED, INVALID_INPUT (reason IS_ACTIVE).';
