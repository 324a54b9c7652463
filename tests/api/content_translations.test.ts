// Translations through the API (issues 21 and 22): a search's room type and
// rate plan names and the room types' texts in the guest's language with the
// fallback (searchAvailability's `language`, nameIn, descriptionIn), the
// setters' typed errors as clients see them, and the guest app's language
// (Keepr-Language) recorded on the reservation a hold makes; anything else in
// that header is ignored.
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { addDays, createHotel, localDate, newKey, type Hotel } from "../helpers/booking.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { fixturePassword } from "../helpers/fixtures.ts";

let db: TestDatabase;
let server: TestServer;
let h: Hotel;
let managerToken: string;
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  h = await createHotel(db.ownerPool, { units: 3 });
  await db.ownerPool.query("update app_public.properties set language = 'en' where id = $1", [h.propertyId]);
  await db.ownerPool.query("update app_public.room_types set description = 'Bright.' where id = $1", [h.roomTypeId]);
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4)))", [h.manager, fixturePassword]);
  const email = (await db.ownerPool.query<{ email: string }>("select email from app_public.users where id = $1", [h.manager])).rows[0]!.email;
  const login = await server.graphql(`mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }`, { e: email, p: fixturePassword });
  managerToken = login.body.data!.login.result as string;
});
afterAll(async () => {
  await server.close();
  await db.drop();
});

const codeOf = (res: { body: { errors?: Array<{ extensions?: { code?: string; reason?: string } }> } }) =>
  [res.body.errors?.[0]?.extensions?.code, res.body.errors?.[0]?.extensions?.reason].filter(Boolean).join(" ");

it("a manager translates; guests read their language with the fallback in search results and room types", async () => {
  expect(managerToken).toEqual(expect.any(String));
  const set = await server.graphql(
    `mutation($id: UUID!) { setRoomTypeTranslation(input: {roomTypeId: $id, language: "es", name: "Habitación doble"}) { result { language name description } } }`,
    { id: h.roomTypeId }, { token: managerToken },
  );
  expect(set.body).toEqual({ data: { setRoomTypeTranslation: { result: { language: "es", name: "Habitación doble", description: null } } } });
  expect(codeOf(await server.graphql(
    `mutation($id: UUID!) { setRatePlanTranslation(input: {ratePlanId: $id, language: "de", name: "Flexibel"}) { result { name } } }`,
    { id: h.ratePlanId }, { token: managerToken },
  ))).toBe("INVALID_INPUT LANGUAGE");
  expect(codeOf(await server.graphql(
    `mutation($id: UUID!) { setRatePlanTranslation(input: {ratePlanId: $id, language: "es", name: "Flexible"}) { result { name } } }`,
    { id: h.ratePlanId },
  ))).toBe("FORBIDDEN"); // anonymous: no execute right
  const arrival = localDate(h.timeZone, 30);
  const search = await server.graphql(
    `query($a: Date!, $d: Date!, $p: UUID!) {
       es: searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p, language: "es") { nodes { roomTypeName ratePlanName } }
       pt: searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p, language: "pt") { nodes { roomTypeName ratePlanName } }
       own: searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p) { nodes { roomTypeName ratePlanName } } }`,
    { a: arrival, d: addDays(arrival, 2), p: h.propertyId },
  );
  expect(search.body.errors).toBeUndefined();
  expect(search.body.data).toEqual({
    es: { nodes: [{ roomTypeName: "Habitación doble", ratePlanName: "Flexible" }] },
    pt: { nodes: [{ roomTypeName: "Double", ratePlanName: "Flexible" }] },
    own: { nodes: [{ roomTypeName: "Double", ratePlanName: "Flexible" }] },
  });
  // The guest app's search document: the language is a variable, so each language is its own answer (and cache key).
  for (const [language, name] of [["es", "Habitación doble"], ["pt", "Double"], ["es", "Habitación doble"], [null, "Double"]] as const) {
    const guest = await server.graphql(
      `query Search($a: Date!, $d: Date!, $p: UUID, $language: String) {
         searchAvailability(arrival: $a, departure: $d, adults: 2, propertyId: $p, includeUnavailable: true, language: $language) { nodes { roomTypeName } } }`,
      { a: arrival, d: addDays(arrival, 2), p: h.propertyId, language },
    );
    expect(guest.body.data!.searchAvailability.nodes).toEqual([{ roomTypeName: name }]);
  }
  const types = await server.graphql(
    `query($id: UUID!) { roomTypeByRowId(rowId: $id) { name: nameIn(language: "es") description: descriptionIn(language: "es") } }`,
    { id: h.roomTypeId },
  );
  expect(types.body.data!.roomTypeByRowId).toEqual({ name: "Habitación doble", description: "Bright." });
});

it("a hold records the guest app's language (Keepr-Language); an unknown value is no language", async () => {
  const holdWith = async (offset: number, headers: Record<string, string>) => {
    const arrival = localDate(h.timeZone, offset);
    const q = await server.graphql(`query($p: UUID!, $a: Date!, $d: Date!) { quote(ratePlanId: $p, arrival: $a, departure: $d) { quoteToken } }`, {
      p: h.ratePlanId, a: arrival, d: addDays(arrival, 1),
    });
    const held = await server.graphql(
      `mutation($t: String!, $k: String!) { createHold(input: {quoteToken: $t, idempotencyKey: $k}) { result { reservationId } } }`,
      { t: q.body.data!.quote.quoteToken, k: newKey() },
      { headers },
    );
    expect(held.body.errors).toBeUndefined();
    const { rows: [r] } = await db.ownerPool.query("select language from app_public.reservations where id = $1", [held.body.data!.createHold.result.reservationId]);
    return r.language;
  };
  expect(await holdWith(40, { "keepr-language": "es" })).toBe("es");
  expect(await holdWith(42, { "Keepr-Language": "pt" })).toBe("pt");
  expect(await holdWith(44, { "keepr-language": "de" })).toBeNull();
  expect(await holdWith(46, { "keepr-language": "es'; select 1; --" })).toBeNull();
  expect(await holdWith(48, {})).toBeNull();
  // A language the table makes guest-facing is taken from the next request on, with no restart (issue 22: adding one is data).
  await db.ownerPool.query("update app_public.languages set guest_facing = true where code = 'de'");
  try {
    expect(await holdWith(50, { "keepr-language": "de" })).toBe("de");
    expect(await holdWith(52, { "keepr-language": "xx" })).toBeNull();
  } finally {
    await db.ownerPool.query("update app_public.languages set guest_facing = false where code = 'de'");
  }
  expect(await holdWith(54, { "keepr-language": "de" })).toBeNull();
});

it("anyone reads the languages Keepr knows (allLanguages); no API writes them, and a language argument outside them is INVALID_INPUT LANGUAGE", async () => {
  const read = await server.graphql(`{ allLanguages(orderBy: CODE_ASC) { nodes { code ownName guestFacing } } }`);
  expect(read.body).toEqual({ data: { allLanguages: { nodes: [
    { code: "de", ownName: "Deutsch", guestFacing: false },
    { code: "en", ownName: "English", guestFacing: true },
    { code: "es", ownName: "Español", guestFacing: true },
    { code: "fr", ownName: "Français", guestFacing: false },
    { code: "pt", ownName: "Português", guestFacing: true },
  ] } } });
  const write = await server.graphql(`mutation { createLanguage(input: {language: {code: "it", englishName: "Italian", ownName: "Italiano"}}) { clientMutationId } }`, {}, { token: managerToken });
  expect(write.body.errors?.[0]?.message).toMatch(/createLanguage/);
  const refused = await server.graphql(
    `mutation($id: UUID!) { setRoomTypeTranslation(input: {roomTypeId: $id, language: "xx", name: "X"}) { result { name } } }`,
    { id: h.roomTypeId }, { token: managerToken },
  );
  expect(codeOf(refused)).toBe("INVALID_INPUT LANGUAGE");
  expect(refused.body.errors?.[0]?.message).toBe("Language: one the guest app speaks (en, es, pt).");
  // Written through its table, a language it does not know is the same typed refusal (the foreign key's).
  const property = await server.graphql(
    `mutation($id: UUID!) { updatePropertyByRowId(input: {rowId: $id, propertyPatch: {language: "xx"}}) { property { language } } }`,
    { id: h.propertyId }, { token: managerToken },
  );
  expect(codeOf(property)).toBe("INVALID_INPUT LANGUAGE");
  const template = await server.graphql(
    `mutation($id: UUID!) { createNotificationTemplate(input: {notificationTemplate: {propertyId: $id, template: confirmation, channel: email, language: "xx", subject: "S", bodyText: "B"}}) { clientMutationId } }`,
    { id: h.propertyId }, { token: managerToken },
  );
  expect(codeOf(template)).toBe("INVALID_INPUT LANGUAGE");
});
