// Guest accounts and passwordless sign-in (issue 22, docs/security.md#guest-accounts):
// the emailed link is single-use, expires, is stored only as a hash and never
// reveals whether an account exists; a guest account reads only its own
// bookings and can never act as staff.
import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";
import { becomeStatement } from "../../core/sql.ts";
import { addDays, book, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { anonymous, asOwner, fileDatabase, inRollback, refusalOf, sqlstateOf, staff } from "../helpers/db.ts";

const db = fileDatabase();

/** As an anonymous visitor: asks for a link; as the mailbox (the owner derives what the email carries): the link's secret. */
async function requestLink(client: pg.PoolClient, email: string, language = "en"): Promise<string> {
  await anonymous(client);
  const { rows } = await client.query<{ ok: boolean }>("select app_public.request_guest_sign_in($1, $2) as ok", [email, language]);
  expect(rows[0]!.ok).toBe(true);
  await asOwner(client);
  const sent = await client.query<{ token: string }>(
    `select app_private.guest_sign_in_token(r.id) as token from app_private.guest_sign_in_requests r
      where r.email = $1 and r.used_at is null order by r.created_at desc, r.id limit 1`,
    [email],
  );
  return sent.rows[0]!.token;
}

interface Signed {
  session_id: string;
  sub: string;
  role: string;
}

async function completeSignIn(client: pg.PoolClient, token: string): Promise<Signed> {
  await anonymous(client);
  const { rows } = await client.query<Signed>("select (t).role, (t).session_id, (t).sub from app_public.complete_guest_sign_in($1) t", [token]);
  return rows[0]!;
}

/** Becomes the guest account of a token, as the API would (role and session claim). */
async function becomeGuest(client: pg.PoolClient, signed: Signed): Promise<void> {
  await client.query("reset role");
  await client.query(becomeStatement({ role: signed.role, settings: { "jwt.claims.session_id": signed.session_id, "jwt.claims.sub": signed.sub, "keepr.request_id": "test" } })!);
}

async function signIn(client: pg.PoolClient, email: string): Promise<Signed> {
  const signed = await completeSignIn(client, await requestLink(client, email));
  await becomeGuest(client, signed);
  return signed;
}

async function hotelAsOwner(client: pg.PoolClient): Promise<Hotel> {
  await asOwner(client);
  return createHotel(client);
}

const jobsFor = async (client: pg.PoolClient) =>
  Number((await client.query<{ n: string }>("select count(*) as n from graphile_worker.jobs where task_identifier = 'send_guest_sign_in_email'")).rows[0]!.n);

describe("asking for a sign-in link", () => {
  it("answers the same for an email with an account and one without, and queues one email job for each in the same transaction", async () => {
    await inRollback(db.ownerPool, async (client) => {
      await signIn(client, "known@test.example");
      await asOwner(client);
      const before = await jobsFor(client);
      await anonymous(client);
      const known = await client.query("select app_public.request_guest_sign_in('KNOWN@test.example') as ok");
      const unknown = await client.query("select app_public.request_guest_sign_in('nobody@test.example') as ok");
      expect(known.rows).toEqual(unknown.rows);
      expect(known.rows).toEqual([{ ok: true }]);
      await asOwner(client);
      expect(await jobsFor(client)).toBe(before + 2);
      // The request makes no account: the first sign-in does.
      const { rows } = await client.query("select email from app_public.guest_accounts where email = 'nobody@test.example'");
      expect(rows).toEqual([]);
    });
  });

  it("stores only a hash of the link's secret, which expires 15 minutes after the request", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const token = await requestLink(client, "hash@test.example");
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const { rows } = await client.query<{ row: string; hash: Buffer; ttl: string }>(
        "select r::text as row, token_hash as hash, (expires_at - created_at)::text as ttl from app_private.guest_sign_in_requests r where email = 'hash@test.example'",
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.row).not.toContain(token);
      expect(rows[0]!.hash.equals(createHash("sha256").update(token).digest())).toBe(true);
      expect(rows[0]!.ttl).toBe("00:15:00");
    });
  });

  it("sends at most 5 links per email in 15 minutes, and still answers true", async () => {
    await inRollback(db.ownerPool, async (client) => {
      await anonymous(client);
      for (let i = 0; i < 7; i++) {
        const { rows } = await client.query("select app_public.request_guest_sign_in('flood@test.example') as ok");
        expect(rows).toEqual([{ ok: true }]);
      }
      await asOwner(client);
      const { rows } = await client.query("select count(*)::int as n from app_private.guest_sign_in_requests where email = 'flood@test.example'");
      expect(rows).toEqual([{ n: 5 }]);
      expect(await jobsFor(client)).toBe(5);
    });
  });

  it("refuses a malformed email or language with a typed error", async () => {
    await inRollback(db.ownerPool, async (client) => {
      await anonymous(client);
      expect(await refusalOf(client, "select app_public.request_guest_sign_in('not an email')")).toBe("INVEM");
      expect(await refusalOf(client, "select app_public.request_guest_sign_in($1)", [`${"a".repeat(300)}@test.example`])).toBe("INVEM");
      expect(await refusalOf(client, "select app_public.request_guest_sign_in(null)")).toBe("INVEM");
      expect(await refusalOf(client, "select app_public.request_guest_sign_in('a@test.example', 'xx')")).toBe("INVLD LANGUAGE");
    });
  });
});

describe("using a sign-in link", () => {
  it("the first sign-in creates the account; a later one (any letter case) signs in to the same account", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const first = await signIn(client, "Ada@Test.example");
      expect(first.role).toBe("keepr_guest");
      const { rows } = await client.query("select email, language from app_public.current_guest_account()");
      expect(rows).toEqual([{ email: "Ada@Test.example", language: "en" }]);
      const second = await signIn(client, "ada@test.EXAMPLE");
      expect(second.sub).toBe(first.sub);
      expect(second.session_id).not.toBe(first.session_id);
      await asOwner(client);
      const count = await client.query("select count(*)::int as n from app_public.guest_accounts where email = 'ada@test.example'");
      expect(count.rows).toEqual([{ n: 1 }]);
    });
  });

  it("a link works once: replayed, expired, forged or oversized it gets SIGN_IN_LINK_INVALID", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const token = await requestLink(client, "once@test.example");
      await completeSignIn(client, token);
      expect(await sqlstateOf(client, "select app_public.complete_guest_sign_in($1)", [token])).toBe("LINKX");

      const late = await requestLink(client, "late@test.example");
      await client.query("update app_private.guest_sign_in_requests set expires_at = now() - interval '1 second' where email = 'late@test.example'");
      await anonymous(client);
      expect(await sqlstateOf(client, "select app_public.complete_guest_sign_in($1)", [late])).toBe("LINKX");
      expect(await sqlstateOf(client, "select app_public.complete_guest_sign_in($1)", [randomBytes(32).toString("base64url")])).toBe("LINKX");
      expect(await sqlstateOf(client, "select app_public.complete_guest_sign_in($1)", ["x".repeat(100_000)])).toBe("LINKX");
      expect(await sqlstateOf(client, "select app_public.complete_guest_sign_in('')")).toBe("LINKX");
      // The worker sends nothing for a used or expired link.
      await asOwner(client);
      const { rows } = await client.query(
        "select g.* from app_private.guest_sign_in_requests r, app_private.guest_sign_in_email(r.id) g where r.email in ('once@test.example', 'late@test.example')",
      );
      expect(rows).toEqual([]);
    });
  });

  it("two concurrent uses of one link: exactly one signs in", async () => {
    const email = `race-${randomBytes(4).toString("hex")}@test.example`;
    const a = await db.ownerPool.connect();
    const b = await db.ownerPool.connect();
    try {
      await a.query("begin");
      const token = await requestLink(a, email);
      await a.query("commit");
      await a.query("begin");
      await b.query("begin");
      await anonymous(a);
      await anonymous(b);
      // Whichever takes the link's row lock first signs in (either may, on a busy machine); the other waits on
      // that lock, and once the first commits it finds the link used.
      const use = (client: typeof a) =>
        client.query("select app_public.complete_guest_sign_in($1)", [token]).then(() => "ok", (e: { code?: string }) => e.code ?? String(e)).then((answer) => ({ client, answer }));
      const attempts = [use(a), use(b)];
      const first = await Promise.race(attempts);
      expect(first.answer).toBe("ok");
      await first.client.query("commit");
      const second = await attempts[first.client === a ? 1 : 0]!;
      expect(second.answer).toBe("LINKX");
      await second.client.query("rollback");
    } finally {
      a.release();
      b.release();
    }
  });

  it("logout ends the guest session: its token reads nothing afterwards", async () => {
    await inRollback(db.ownerPool, async (client) => {
      await signIn(client, "bye@test.example");
      expect((await client.query("select app_hidden.current_guest_account_id() is not null as live")).rows).toEqual([{ live: true }]);
      expect((await client.query("select app_public.logout() as ended")).rows).toEqual([{ ended: true }]);
      expect((await client.query("select app_hidden.current_guest_account_id() as id")).rows).toEqual([{ id: null }]);
      expect((await client.query("select app_public.current_guest_account() as a")).rows).toEqual([{ a: null }]);
      expect(await sqlstateOf(client, "select app_public.my_bookings()")).toBe(null);
      expect(await sqlstateOf(client, "select app_public.attach_booking('X', 'bye@test.example')")).toBe("LOGIN");
    });
  });
});

describe("an expired guest session", () => {
  it("reads nothing and may do nothing, like a signed-out one", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const signed = await signIn(client, "expired@test.example");
      await asOwner(client);
      await client.query("update app_private.guest_sessions set expires_at = now() - interval '1 second' where id = $1", [signed.session_id]);
      await becomeGuest(client, signed);
      expect((await client.query("select app_public.current_guest_account() as a")).rows).toEqual([{ a: null }]);
      expect(await sqlstateOf(client, "select app_public.update_guest_account('Eve')")).toBe("LOGIN");
    });
  });
});

describe("a guest account's bookings", () => {
  it("a booking made while signed in belongs to the account; an anonymous one does not; my bookings lists only its own", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const hotel = await hotelAsOwner(client);
      const arrival = localDate(hotel.timeZone, 10);
      await signIn(client, "mine@test.example");
      const mine = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 2));
      await anonymous(client);
      const other = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
      await signIn(client, "mine@test.example");
      const { rows } = await client.query<{ id: string }>("select id from app_public.my_bookings()");
      expect(rows.map((r) => r.id)).toEqual([mine.reservation_id]);
      // Through the reservations' own policy, too: the anonymous booking is not readable.
      const visible = await client.query("select id from app_public.reservations where id = any($1)", [[mine.reservation_id, other.reservation_id]]);
      expect(visible.rows).toEqual([{ id: mine.reservation_id }]);
      // Manage: a booking token for it.
      const token = await client.query("select (t).role, (t).reservation_id from app_public.guest_booking_token($1) t", [mine.reservation_id]);
      expect(token.rows).toEqual([{ role: "keepr_anonymous", reservation_id: mine.reservation_id }]);
      expect(await sqlstateOf(client, "select app_public.guest_booking_token($1)", [other.reservation_id])).toBe("NTFND");
    });
  });

  it("another guest account sees none of it, and cannot take a Manage token for it", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const hotel = await hotelAsOwner(client);
      const arrival = localDate(hotel.timeZone, 12);
      await signIn(client, "owner-of@test.example");
      const mine = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
      await signIn(client, "intruder@test.example");
      expect((await client.query("select id from app_public.my_bookings()")).rows).toEqual([]);
      expect((await client.query("select id from app_public.reservations where id = $1", [mine.reservation_id])).rows).toEqual([]);
      expect(await sqlstateOf(client, "select app_public.guest_booking_token($1)", [mine.reservation_id])).toBe("NTFND");
      // Even knowing its code and email: attached to another account, the same NOT_FOUND.
      expect(await sqlstateOf(client, "select app_public.attach_booking($1, 'ada@example.com')", [mine.confirmation_code])).toBe("NTFND");
      expect((await client.query("select id from app_public.guest_accounts")).rows).toHaveLength(1);
    });
  });

  it("attaching a booking made without an account needs its code and its email; a wrong one of either is the same NOT_FOUND", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const hotel = await hotelAsOwner(client);
      const arrival = localDate(hotel.timeZone, 14);
      await anonymous(client);
      const booked = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
      await signIn(client, "attach@test.example");
      const wrongCode = await refusalOf(client, "select app_public.attach_booking('NOPE1234', 'ada@example.com')");
      const wrongEmail = await refusalOf(client, "select app_public.attach_booking($1, 'eve@example.com')", [booked.confirmation_code]);
      expect(wrongCode).toBe("NTFND");
      expect(wrongEmail).toBe(wrongCode);
      const attached = await client.query("select id from app_public.attach_booking($1, ' ADA@example.com ')", [booked.confirmation_code.toLowerCase()]);
      expect(attached.rows).toEqual([{ id: booked.reservation_id }]);
      // Again: a no-op, not an error.
      expect(await sqlstateOf(client, "select app_public.attach_booking($1, 'ada@example.com')", [booked.confirmation_code])).toBe(null);
      expect((await client.query("select id from app_public.my_bookings()")).rows).toEqual([{ id: booked.reservation_id }]);
    });
  });

  it("a guest account reads the booking group of its rooms", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const hotel = await hotelAsOwner(client);
      const arrival = localDate(hotel.timeZone, 16);
      await signIn(client, "group@test.example");
      const booked = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
      await asOwner(client);
      const group = await client.query<{ id: string }>(
        "insert into app_public.booking_groups (property_id, group_code, contact_email) values ($1, 'G-TESTGRP2', 'group@test.example') returning id",
        [hotel.propertyId],
      );
      await client.query("update app_public.reservations set group_id = $1, room_no = 1 where id = $2", [group.rows[0]!.id, booked.reservation_id]);
      await signIn(client, "group@test.example");
      expect((await client.query("select id from app_public.booking_groups")).rows).toEqual([{ id: group.rows[0]!.id }]);
      await signIn(client, "other-group@test.example");
      expect((await client.query("select id from app_public.booking_groups")).rows).toEqual([]);
    });
  });
});

describe("guest accounts and staff rights stay apart", () => {
  it("a guest account's token is no user: no current user, no property, and staff functions answer NOT_FOUND", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const hotel = await hotelAsOwner(client);
      await signIn(client, "not-staff@test.example");
      const { rows } = await client.query(
        "select app_hidden.current_user_id() as user_id, (select count(*)::int from app_hidden.current_property_ids()) as properties, app_public.current_user() as u",
      );
      expect(rows).toEqual([{ user_id: null, properties: 0, u: null }]);
      // The staff guards: another's booking is NOT_FOUND (nothing revealed).
      await asOwner(client);
      const arrival = localDate(hotel.timeZone, 18);
      await staff(client, hotel.frontDesk);
      const desk = await book(client, hotel.ratePlanId, arrival, addDays(arrival, 1));
      await signIn(client, "not-staff@test.example");
      expect(await sqlstateOf(client, "select app_public.cancel_reservation($1, gen_random_uuid()::text, 'mine now')", [desk.reservation_id])).toBe("NTFND");
      expect(await sqlstateOf(client, "select app_public.quote_change($1, $2::date, $3::date)", [desk.reservation_id, arrival, addDays(arrival, 2)])).toBe("NTFND");
      expect(await sqlstateOf(client, "select * from app_public.search_reservations($1)", [hotel.propertyId])).toBe("42501");
      expect((await client.query("select id from app_public.guests")).rows).toEqual([]);
    });
  });

  it("a staff session is no guest account: the guest functions refuse it and show it nothing", async () => {
    await inRollback(db.ownerPool, async (client) => {
      const hotel = await hotelAsOwner(client);
      await staff(client, hotel.frontDesk);
      expect((await client.query("select app_hidden.current_guest_account_id() as id, app_public.current_guest_account() as a")).rows).toEqual([{ id: null, a: null }]);
      expect((await client.query("select * from app_public.my_bookings()")).rows).toEqual([]);
      expect(await sqlstateOf(client, "select app_public.attach_booking('X', 'a@test.example')")).toBe("LOGIN");
      expect(await sqlstateOf(client, "select app_public.update_guest_account('Ada')")).toBe("LOGIN");
      expect(await sqlstateOf(client, "select app_public.guest_booking_token(gen_random_uuid())")).toBe("LOGIN");
    });
  });

  it("an anonymous visitor cannot call the signed-in functions at all", async () => {
    await inRollback(db.ownerPool, async (client) => {
      await anonymous(client);
      for (const sql of ["select app_public.my_bookings()", "select app_public.current_guest_account()", "select app_public.attach_booking('X', 'a@test.example')"]) {
        expect(await sqlstateOf(client, sql)).toBe("42501");
      }
    });
  });
});

describe("saved details", () => {
  it("are saved and validated with typed errors", async () => {
    await inRollback(db.ownerPool, async (client) => {
      await signIn(client, "details@test.example");
      const { rows } = await client.query("select full_name, phone, country, language from app_public.update_guest_account('  Ada Lovelace ', '+44 20 7946 0000', 'gb', 'pt')");
      expect(rows).toEqual([{ full_name: "Ada Lovelace", phone: "+44 20 7946 0000", country: "GB", language: "pt" }]);
      expect(await refusalOf(client, "select app_public.update_guest_account(phone => 'call me')")).toBe("INVPH");
      expect(await refusalOf(client, "select app_public.update_guest_account(country => 'ZZ')")).toBe("INVLD COUNTRY");
      expect(await refusalOf(client, "select app_public.update_guest_account(language => 'de')")).toBe("INVLD LANGUAGE");
      expect(await refusalOf(client, "select app_public.update_guest_account(full_name => $1)", ["x".repeat(201)])).toBe("INVNM");
      // Blank clears; language stays.
      const cleared = await client.query("select full_name, phone, country, language from app_public.update_guest_account('', ' ', null, null)");
      expect(cleared.rows).toEqual([{ full_name: null, phone: null, country: null, language: "pt" }]);
    });
  });
});

describe("cleanup", () => {
  it("the cron forgets links a day old and sessions ended 30 days ago, and keeps the rest", async () => {
    await inRollback(db.ownerPool, async (client) => {
      await signIn(client, "old@test.example");
      await signIn(client, "live@test.example");
      await asOwner(client);
      await client.query("update app_private.guest_sign_in_requests set created_at = now() - interval '25 hours' where email = 'old@test.example'");
      await client.query(
        "update app_private.guest_sessions s set revoked_at = now() - interval '31 days' from app_public.guest_accounts a where a.id = s.guest_account_id and a.email = 'old@test.example'",
      );
      const before = (await client.query("select count(*)::int as n from app_private.guest_sign_in_requests")).rows[0].n as number;
      await client.query("set local role keepr_worker");
      expect((await client.query("select app_private.purge_guest_sign_ins() as n")).rows).toEqual([{ n: 2 }]);
      await asOwner(client);
      expect((await client.query("select count(*)::int as n from app_private.guest_sign_in_requests")).rows).toEqual([{ n: before - 1 }]);
      expect((await client.query("select email from app_private.guest_sign_in_requests where email in ('old@test.example', 'live@test.example')")).rows).toEqual([{ email: "live@test.example" }]);
      // The account itself stays.
      expect((await client.query("select count(*)::int as n from app_public.guest_accounts where email = 'old@test.example'")).rows).toEqual([{ n: 1 }]);
    });
  });
});
