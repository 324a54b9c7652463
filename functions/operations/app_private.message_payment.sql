-- The payment a guest message is about (a declined card: cause
-- 'payment:<attempt id>…'): its amount and the reason given. Null for any
-- other message. A function of its own (issue 23), as
-- app_private.message_group is: run only for those messages, planned once
-- per worker connection.
create or replace function app_private.message_payment(n app_public.notifications) returns jsonb
  language plpgsql stable
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if n.cause !~ '^payment:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(:|$)' then
    return null;
  end if;
  return (select jsonb_build_object('amount', a.amount, 'reason', a.failure_message)
            from app_public.payment_attempts a
           where a.property_id = n.property_id and a.id = split_part(n.cause, ':', 2)::uuid);
end;
$$;
comment on function app_private.message_payment(app_public.notifications) is
  E'A guest message''s payment (amount and reason) when the message is about one, else null.';
