-- Run by graphile-migrate (as the superuser) after it re-creates a database:
-- only Keepr's login roles may connect.
revoke all on database :DATABASE_NAME from public;
grant connect, temporary on database :DATABASE_NAME to keepr_authenticator, keepr_analyst;
