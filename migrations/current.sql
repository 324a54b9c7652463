--! include booking/app_public.room_type_held_until.sql

-- Issue 22 (G): a property's public contact and arrival instructions, for its guests: the guest app's Manage page
-- ("please contact the property"), the guest emails' footer and Reply-To, the confirmation and pre-arrival emails.
alter table app_public.properties add column if not exists contact_email text;
alter table app_public.properties add column if not exists contact_phone text;
alter table app_public.properties add column if not exists arrival_instructions text;
alter table app_public.properties drop constraint if exists properties_contact_email_check;
alter table app_public.properties add constraint properties_contact_email_check
  check (length(contact_email) <= 254 and contact_email ~ '^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$');
alter table app_public.properties drop constraint if exists properties_contact_phone_check;
alter table app_public.properties add constraint properties_contact_phone_check
  check (contact_phone ~ '^\+?[0-9][0-9 ()./-]{3,39}$');
alter table app_public.properties drop constraint if exists properties_arrival_instructions_check;
alter table app_public.properties add constraint properties_arrival_instructions_check
  check (length(arrival_instructions) between 1 and 2000);
grant update (contact_email, contact_phone, arrival_instructions) on app_public.properties to keepr_staff;
comment on column app_public.properties.contact_email is
  E'The address guests write to (public: the guest app shows it; guest emails are sent with it as Reply-To).';
comment on column app_public.properties.contact_phone is
  E'The phone number guests call (public: the guest app and the guest emails show it).';
comment on column app_public.properties.arrival_instructions is
  E'How to get in and find the property (keys, door codes given later, parking): in the confirmation and pre-arrival emails. At most 2,000 characters.';
