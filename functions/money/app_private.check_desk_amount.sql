-- Refuses an amount of money typed at the desk that is not more than 0 and
-- at most the given limit (INVLD, the limit said for people).
create or replace function app_private.check_desk_amount(amount bigint, at_most bigint, currency text, what text) returns void
  language plpgsql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if amount is null or amount <= 0 or amount > at_most then
    raise exception using errcode = 'INVLD', hint = 'AMOUNT',
      message = pg_catalog.format('%s must be more than 0 and at most %s.', what, app_hidden.format_money(at_most, currency));
  end if;
end;
$$;
comment on function app_private.check_desk_amount(bigint, bigint, text, text) is
  E'Raises INVLD (reason AMOUNT) unless 0 < amount <= at_most.';
