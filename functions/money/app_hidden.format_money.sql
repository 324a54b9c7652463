-- Money for people, in every text Keepr writes (ledger descriptions,
-- messages, anomalies): €1,234.50, $12.00, £3.00, ¥1,200, CHF 45.00,
-- BHD 1.250, -€50.00. Exact (numeric, never a float), thousands grouped
-- with commas, the currency's own minor-unit digits. The console and the
-- guest app format the same amounts in the reader's locale (formatMoney).
create or replace function app_hidden.format_money(amount bigint, currency text) returns text
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select case when format_money.amount is null then null else
         case when format_money.amount < 0 then '-' else '' end
         || case pg_catalog.upper(format_money.currency)
              when 'EUR' then '€' when 'USD' then '$' when 'GBP' then '£' when 'JPY' then '¥'
              else pg_catalog.upper(format_money.currency) || ' ' end
         || pg_catalog.to_char(app_hidden.major_units(pg_catalog.abs(format_money.amount), format_money.currency),
                               'FM9,999,999,999,999,999,990'
                               || case when app_hidden.currency_digits(format_money.currency) > 0
                                       then '.' || pg_catalog.repeat('0', app_hidden.currency_digits(format_money.currency)) else '' end)
         end;
$$;
comment on function app_hidden.format_money(bigint, text) is
  E'Money for people: minor units in their currency as text (5000 EUR → €50.00, 1200 JPY → ¥1,200, 1250 BHD → BHD 1.250).';
