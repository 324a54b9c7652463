-- Why a new password is refused, or null when it is acceptable: 10 to 72
-- bytes (bcrypt reads only the first 72, so a longer one would be silently
-- cut), not the email address or its name part, not one character or a
-- keyboard run repeated, and not a commonly used password (the 10+ character
-- entries of the most common leaked-password lists, e.g. SecLists'
-- 10-million-password-list-top-10000, and Keepr's published demo password).
create or replace function app_private.password_refusal(password text, email text) returns text
  language plpgsql immutable
  set search_path to pg_catalog, public, pg_temp
as $$
declare
  v_lower text := pg_catalog.lower(password);
  v_local text := pg_catalog.lower(pg_catalog.split_part(email, '@', 1));
begin
  if password is null or pg_catalog.length(password) < 10 then
    return 'Passwords must be at least 10 characters long.';
  end if;
  if pg_catalog.octet_length(password) > 72 then
    return 'Passwords can be at most 72 bytes long (72 plain letters or digits, fewer with accents or emoji).';
  end if;
  if v_lower = pg_catalog.lower(email) or (pg_catalog.length(v_local) >= 4 and pg_catalog.strpos(v_lower, v_local) > 0) then
    return 'Your password cannot contain your email address.';
  end if;
  if v_lower ~ '^(.)\1*$' or v_lower ~ '^(.{2,4})\1+.{0,3}$' then
    return 'That password is a repeated pattern; choose one that is harder to guess.';
  end if;
  if pg_catalog.regexp_replace(v_lower, '[^a-z0-9]', '', 'g') = any (array[
       '1234567890', '12345678910', '123456789a', '1234567890a', '0123456789', '0987654321', '9876543210',
       '12345678900', '123456789123', '1234512345', '1122334455', '1029384756', '1234554321',
       'qwertyuiop', 'qwertyuiop123', 'qwerty123456', 'qwerty12345', 'qwerty1234', 'qwertyuiopasdfghjkl',
       'asdfghjkl1', 'asdfghjkl123', 'asdfghjkl12', 'zxcvbnm123', 'zxcvbnm1234', 'qazwsxedcrfv', '1qaz2wsx3edc',
       '1qaz2wsx3edc4rfv', 'zaq12wsxcde3', 'zaq1xsw2cde3', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5', 'q1w2e3r4t5y6',
       'a1b2c3d4e5', 'abc1234567', 'abcdefghij', 'abcd123456', 'aaaaa11111', '1234qwerasdf', '1234qwer', 'qweasdzxc123',
       'password12', 'password123', 'password1234', 'password12345', 'password123456', 'passw0rd123', 'passwordpassword',
       'mypassword1', 'mypassword123', 'newpassword', 'newpassword1', 'changeme123', 'letmein123', 'welcome123',
       'welcome1234', 'administrator', 'admin12345', 'admin123456', 'iloveyou12', 'iloveyou123', 'iloveyou1234',
       'football123', 'baseball123', 'basketball', 'basketball1', 'princess123', 'sunshine123', 'superman123',
       'starwars123', 'trustno1234', 'monkey1234', 'michael123', 'jennifer123', 'charlie123', 'liverpool1',
       'manchester', 'chocolate1', 'butterfly1', 'pokemon123', 'playstation', 'playstation2', 'minecraft1',
       'minecraft123', 'computer123', 'internet123', 'whatever123', 'qwertyqwerty', 'asdfasdfasdf', 'zxcvzxcvzxcv',
       'keeprdemopassword', 'keepr12345', 'hotel12345', 'booking123', 'welcomehome'
     ]) then
    return 'That password is one of the most commonly used; choose another.';
  end if;
  return null;
end;
$$;
comment on function app_private.password_refusal(text, text) is
  E'Why a new password is refused (length, 72-byte bcrypt limit, the email, a repeated pattern, a common password), or null.';
