-- An amount in minor units as the exact decimal of its currency's major
-- units, with exactly the currency's digits: 14400 EUR → 144.00, 1200 JPY
-- → 1200, 1250 BHD → 1.250. Exports and reports print this, never the
-- minor units.
create or replace function app_hidden.major_units(amount bigint, currency text) returns numeric
  language sql immutable parallel safe
  set search_path to pg_catalog, public, pg_temp
as $$
  select pg_catalog.round(major_units.amount::numeric / (10::numeric ^ app_hidden.currency_digits(major_units.currency)),
                          app_hidden.currency_digits(major_units.currency));
$$;
comment on function app_hidden.major_units(bigint, text) is
  E'An amount in minor units as an exact decimal in major units with the currency''s digits (14400 EUR → 144.00, 1200 JPY → 1200).';
