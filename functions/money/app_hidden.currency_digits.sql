-- The minor-unit digits of an ISO 4217 currency: 0 for JPY, KRW, ISK, …,
-- 3 for BHD, KWD, OMR, …, 4 for CLF, 2 for every other. Amounts are kept in
-- minor units; this is what turns them into the currency's major units.
create or replace function app_hidden.currency_digits(currency text) returns integer
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case pg_catalog.upper(currency_digits.currency)
    when 'BIF' then 0 when 'CLP' then 0 when 'DJF' then 0 when 'GNF' then 0 when 'ISK' then 0
    when 'JPY' then 0 when 'KMF' then 0 when 'KRW' then 0 when 'PYG' then 0 when 'RWF' then 0
    when 'UGX' then 0 when 'UYI' then 0 when 'VND' then 0 when 'VUV' then 0 when 'XAF' then 0
    when 'XOF' then 0 when 'XPF' then 0
    when 'BHD' then 3 when 'IQD' then 3 when 'JOD' then 3 when 'KWD' then 3 when 'LYD' then 3
    when 'OMR' then 3 when 'TND' then 3
    when 'CLF' then 4 when 'UYW' then 4
    else 2
  end;
$$;
comment on function app_hidden.currency_digits(text) is
  E'Minor-unit digits of an ISO 4217 currency (ISO 4217 exponent): JPY 0, EUR 2, BHD 3.';
