-- Counts one use of a promo code at a confirmation, in one conditional
-- update of its row (uses + 1 where still active and under max_uses): of two
-- confirmations racing for its last use, the second waits for the first's
-- row lock, then finds none left: PROMO_CODE, reason USED_UP (INACTIVE when
-- deactivated meanwhile). `what` names what was being confirmed in the
-- message ("hold", "group"). confirm_group counts a group's one use with it,
-- confirm_booking a single booking's.
create or replace function app_private.use_promo_code(property_id uuid, promo_code_id uuid, what text)
  returns void
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
#variable_conflict use_column
begin
  update app_public.promo_codes pc set uses = pc.uses + 1
   where pc.property_id = use_promo_code.property_id and pc.id = use_promo_code.promo_code_id
     and pc.is_active and (pc.max_uses is null or pc.uses < pc.max_uses);
  if not found then
    raise exception using errcode = 'PROMO',
      hint = case when exists (select 1 from app_public.promo_codes pc
                                where pc.property_id = use_promo_code.property_id and pc.id = use_promo_code.promo_code_id and not pc.is_active)
                  then 'INACTIVE' else 'USED_UP' end,
      message = pg_catalog.format('The promo code of this %s was used up or withdrawn meanwhile; please quote again without it.', what);
  end if;
end;
$$;
comment on function app_private.use_promo_code(uuid, uuid, text) is
  E'Counts one use of a promo code at a confirmation (atomic: the last use goes to one caller); PROMO_CODE (USED_UP or INACTIVE) when none is left.';
