-- How people name a card: "Visa •• 4242" (brand as the card says it, the
-- last four digits). Null without the last four.
create or replace function app_private.card_label(brand text, last4 text) returns text
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case when last4 is null then null
              else case lower(coalesce(brand, ''))
                     when 'visa' then 'Visa'
                     when 'mastercard' then 'Mastercard'
                     when 'amex' then 'American Express'
                     when 'discover' then 'Discover'
                     when 'jcb' then 'JCB'
                     when 'diners' then 'Diners Club'
                     when 'unionpay' then 'UnionPay'
                     else 'Card'
                   end || ' •• ' || last4
         end;
$$;
comment on function app_private.card_label(text, text) is E'A card as people name it: "Visa •• 4242".';
