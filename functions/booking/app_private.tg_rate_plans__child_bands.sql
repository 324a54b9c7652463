-- Keeps a rate plan's children's age bands (issue 22) sound, before it is
-- written, with a typed error for the console (INVALID_INPUT, reason
-- CHILD_BANDS): ages 1 to 17, the free band below the adult band, one
-- supplement (an amount of 0 to 100,000,000 minor units or a percent of 0
-- to 100 of the night) exactly when some age pays it, none when the plan
-- does not price children by age. The table's check
-- (rate_plans_child_bands_check) says the same as the last word.
create or replace function app_private.tg_rate_plans__child_bands()
  returns trigger
  language plpgsql volatile
  set search_path to pg_catalog, public, pg_temp
as $$
begin
  if new.child_free_below_age not between 1 and 17 or new.child_adult_from_age not between 1 and 17 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = 'Children''s ages are 1 to 17: free below an age, priced as adults from an age.';
  end if;
  if new.child_free_below_age > new.child_adult_from_age then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = pg_catalog.format('Children are free below %s but priced as adults from %s: the free age must not be above the adult age.',
                                  new.child_free_below_age, new.child_adult_from_age);
  end if;
  if pg_catalog.num_nonnulls(new.child_supplement_amount, new.child_supplement_percent) > 1 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = 'A child''s supplement is an amount per night or a percent of the night, not both.';
  end if;
  if new.child_supplement_amount not between 0 and 100000000 or new.child_supplement_percent not between 0 and 100 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = 'A child''s supplement is an amount of 0 or more, or 0 % to 100 % of the night.';
  end if;
  if new.child_free_below_age is null and new.child_adult_from_age is null then
    if pg_catalog.num_nonnulls(new.child_supplement_amount, new.child_supplement_percent) > 0 then
      raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
        message = 'A child''s supplement needs the ages it is for: set the free age, the adult age or both.';
    end if;
  elsif coalesce(new.child_free_below_age, 0) < coalesce(new.child_adult_from_age, 18)
        and pg_catalog.num_nonnulls(new.child_supplement_amount, new.child_supplement_percent) = 0 then
    raise exception using errcode = 'INVLD', hint = 'CHILD_BANDS',
      message = pg_catalog.format('Children aged %s to %s pay a supplement: give it as an amount per night or a percent of the night.',
                                  coalesce(new.child_free_below_age, 0), coalesce(new.child_adult_from_age, 18) - 1);
  end if;
  return new;
end;
$$;
comment on function app_private.tg_rate_plans__child_bands() is
  E'Before a rate plan is written: its children''s age bands are 1-17, free below adult, with one supplement exactly when an age pays it (INVALID_INPUT, reason CHILD_BANDS).';
