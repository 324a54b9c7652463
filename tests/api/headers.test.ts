// Security headers on every kind of response, in development and in
// production configuration: nosniff everywhere (the API, health checks, both
// browser apps and their files, the invoice page, realtime's HTTP API, the
// simulated provider, errors and 404s), a policy that forbids framing on
// every page but the card form, which only the configured origins may frame,
// and the console connecting to its own origin only.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig } from "../../core/config.ts";
import { startHttpServer, type HttpServer } from "../../server/http.ts";
import { createLogger } from "../../core/logger.ts";
import { makeReadiness } from "../../server/readiness.ts";
import { startRealtimeService, type RealtimeService } from "../../realtime/service.ts";
import { actAs, createTestDatabase, inCommit, testPool, type TestDatabase } from "../helpers/db.ts";
import { addDays, book, createHotel, localDate, type Hotel } from "../helpers/booking.ts";
import { fixturePassword } from "../helpers/fixtures.ts";

const publicUrl = "https://keepr.example";

/** A browser app's build: index.html, a hashed asset and a public file. */
function fakeBuild(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `keepr-headers-${name}-`));
  mkdirSync(path.join(dir, "assets"));
  mkdirSync(path.join(dir, "photos"));
  writeFileSync(path.join(dir, "index.html"), `<!doctype html><title>${name}</title>`);
  writeFileSync(path.join(dir, "assets", "app-abc123.js"), "console.log(1);");
  writeFileSync(path.join(dir, "photos", "room.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  return dir;
}

interface Running {
  http: HttpServer;
  realtime: RealtimeService;
  apiPool: pg.Pool;
}

let db: TestDatabase;
let h: Hotel;
let invoiceId: string;
const servers: Record<"development" | "production", Running | undefined> = { development: undefined, production: undefined };
/** A server configured with a real payment provider's card form (PAYMENT_FORM_ORIGIN). */
let withPaymentForm: Running | undefined;
const paymentFormOrigin = "https://pay.example.test";
/** A server with a map tile server (MAP_TILES_URL), a subdomain in its host. */
let withMap: Running | undefined;
const tilesUrl = "https://{s}.tiles.example.test/{z}/{x}/{y}{r}.png";

async function start(mode: "development" | "production", env: Record<string, string> = {}): Promise<Running> {
  const config = loadConfig({
    ...env,
    NODE_ENV: mode,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "keepr-headers-")),
    JWT_SECRET: db.jwtSecret,
    SEED: "false",
    ...(mode === "production" ? { PUBLIC_URL: publicUrl, SIMULATED_PROVIDER: "true", OUTBOX_DIR: mkdtempSync(path.join(tmpdir(), "keepr-outbox-")) } : {}),
  });
  const logger = createLogger(config.LOG_LEVEL);
  const apiPool = testPool({ connectionString: db.authenticatorUrl, max: 3 });
  const http = await startHttpServer({
    config, logger, apiPool, ownerPool: db.ownerPool, jwtSecret: db.jwtSecret, readiness: makeReadiness(apiPool, db.ownerPool),
    admin: { distDir: fakeBuild("admin"), realtime: true },
    web: { distDir: fakeBuild("web") },
  });
  const realtime = startRealtimeService({ server: http.server, apiPool, databaseUrl: db.authenticatorUrl, replicationUrl: db.replicationUrl, jwtSecret: db.jwtSecret, logger });
  return { http, realtime, apiPool };
}

beforeAll(async () => {
  db = await createTestDatabase();
  h = await createHotel(db.ownerPool);
  // An issued invoice, for the printable page.
  invoiceId = await inCommit(db.ownerPool, async (c) => {
    await actAs(c, { role: "keepr_staff", userId: h.frontDesk });
    const arrival = localDate(h.timeZone, 10);
    const { reservation_id } = await book(c, h.ratePlanId, arrival, addDays(arrival, 2));
    const folio = (await c.query("select id from app_public.folios where reservation_id = $1", [reservation_id])).rows[0].id;
    return (await c.query("select id from app_public.issue_invoice($1, $2)", [folio, randomUUID()])).rows[0].id as string;
  });
  await db.ownerPool.query("insert into app_private.user_secrets (user_id, password_hash) values ($1, crypt($2, gen_salt('bf', 4))) on conflict do nothing", [h.frontDesk, fixturePassword]);
  servers.development = await start("development");
  servers.production = await start("production");
  withPaymentForm = await start("production", { PAYMENT_FORM_ORIGIN: `${paymentFormOrigin}/` });
  withMap = await start("production", { MAP_TILES_URL: tilesUrl, MAP_TILES_ATTRIBUTION: "© Example Maps & contributors" });
});
afterAll(async () => {
  for (const running of [...Object.values(servers), withPaymentForm, withMap]) {
    await running?.realtime.stop();
    await running?.http.close();
    await running?.apiPool.end();
  }
  await db?.drop();
});

/** A policy as directive → sources. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get("content-security-policy") ?? "";
  return new Map(header.split(";").map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/);
    return [name!, sources] as const;
  }));
}

async function deskToken(url: string): Promise<string> {
  const email = (await db.ownerPool.query("select email from app_public.users where id = $1", [h.frontDesk])).rows[0].email;
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { result } }", variables: { e: email, p: fixturePassword } }),
  });
  return ((await res.json()) as { data: { login: { result: string } } }).data.login.result;
}

describe.each(["development", "production"] as const)("in %s", (mode) => {
  const url = () => servers[mode]!.http.url;

  /** Every kind of route: [name, path, request, expected status]. */
  const routes: Array<[string, string, RequestInit, number]> = [
    ["API, POST", "/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) }, 200],
    ["API, GET", `/graphql?${new URLSearchParams({ query: "{ __typename }" })}`, { headers: { accept: "application/json" } }, 200],
    ["API, an error", "/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }, 400],
    ["health", "/healthz", {}, 200],
    ["readiness", "/readyz", {}, 200],
    ["console", "/admin/", {}, 200],
    ["console, a route", "/admin/reservations", {}, 200],
    ["console, an asset", "/admin/assets/app-abc123.js", {}, 200],
    ["console, its settings", "/admin/config.json", {}, 200],
    ["guest app, its settings", "/config.json", {}, 200],
    ["console, a missing file", "/admin/assets/nope.js", {}, 404],
    ["guest app", "/", {}, 200],
    ["guest app, a route", "/book", {}, 200],
    ["guest app, a photo", "/photos/room.svg", {}, 200],
    ["invoice, not found", `/invoices/${randomUUID()}`, {}, 404],
    ["invoice, a bad token", `/invoices/${randomUUID()}`, { headers: { authorization: "Bearer nope" } }, 401],
    ["realtime HTTP", "/realtime/v1/api/broadcast", { method: "POST" }, 401],
    ["simulated provider, API", "/simulated-provider/v1/charges/ch_nope", {}, 401],
    ["simulated provider, 404", "/simulated-provider/nope", {}, 404],
    ["payment webhook", "/webhooks/payments/simulated", { method: "POST", body: "{}" }, 400],
    ["exports, unknown link", `/exports/${"0".repeat(48)}`, {}, 404],
    ["iCal, unknown feed", "/ical/nope.ics", {}, 404],
    ["a malformed path", "/invoices/%E0%A4%A", {}, 400],
    ["404", "/no-such-endpoint", {}, 404],
  ];

  it.each(routes)("%s (%s) says nosniff", async (_name, p, init, status) => {
    const res = await fetch(`${url()}${p}`, init);
    await res.arrayBuffer();
    expect({ p, status: res.status, nosniff: res.headers.get("x-content-type-options") }).toEqual({ p, status, nosniff: "nosniff" });
    if (p.startsWith("/realtime/")) return; // answered by the realtime service, before express
    // Nothing of Keepr's is framed, except the card form.
    expect(csp(res).get("frame-ancestors")).toEqual(["'none'"]);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toMatch(/^(no-referrer|same-origin)$/);
    expect(res.headers.get("x-powered-by")).toBeNull();
    if (mode === "production") expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
    else expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("what is not a page allows nothing (default-src 'none')", async () => {
    for (const p of ["/healthz", "/no-such-endpoint", "/admin/config.json", "/config.json", "/photos/room.svg"]) {
      const res = await fetch(`${url()}${p}`);
      expect({ p, policy: csp(res).get("default-src") }).toEqual({ p, policy: ["'none'"] });
    }
  });

  it("the console connects to its own origin only: 'self' and its websocket origin, no ws: or wss: anywhere", async () => {
    const res = await fetch(`${url()}/admin/`);
    const policy = csp(res);
    const own = url().replace(/^http/, "ws");
    const expected = mode === "production" ? ["'self'", own, "wss://keepr.example"] : ["'self'", own];
    expect(policy.get("connect-src")).toEqual(expected);
    expect(policy.get("script-src")).toEqual(["'self'"]);
    // A Host header that is not a plain host gives nothing to the policy.
    const { request } = await import("node:http");
    const forged = await new Promise<string>((resolve, reject) => {
      const req = request(`${url()}/admin/`, { headers: { host: "evil.example; script-src *" } }, (r) => {
        r.resume();
        resolve(String(r.headers["content-security-policy"]));
      });
      req.on("error", reject);
      req.end();
    });
    expect(forged).not.toContain("evil");
    expect(forged).toContain("script-src 'self';");
  });

  it("the guest app's photos may be shown by other sites; everything else is same-origin", async () => {
    const photo = await fetch(`${url()}/photos/room.svg`);
    expect(photo.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    for (const p of ["/", "/admin/assets/app-abc123.js", "/healthz"]) {
      expect({ p, corp: (await fetch(`${url()}${p}`)).headers.get("cross-origin-resource-policy") }).toEqual({ p, corp: "same-origin" });
    }
  });

  it("the guest app's page keeps its own policy", async () => {
    const policy = csp(await fetch(`${url()}/`));
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("frame-src")).toEqual(["'self'"]);
  });

  it("the invoice page: no framing, its one style by hash, nothing else", async () => {
    const res = await fetch(`${url()}/invoices/${invoiceId}`, { headers: { authorization: `Bearer ${await deskToken(url())}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Invoice INV-");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const policy = csp(res);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("default-src")).toEqual(["'none'"]);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(policy.get("style-src")).toEqual([`'sha256-${createHash("sha256").update(style).digest("base64")}'`]);
  });

  it("GraphiQL (development only) has a policy with frame-ancestors, and no eval", async () => {
    const res = await fetch(`${url()}/graphiql`);
    await res.arrayBuffer();
    if (mode === "production") {
      expect(res.status).toBe(404);
      expect(csp(res).get("default-src")).toEqual(["'none'"]);
      return;
    }
    expect(res.status).toBe(200);
    const policy = csp(res);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("script-src")).not.toContain("'unsafe-eval'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const asset = await fetch(`${url()}/ruru-static/ruru.js`);
    await asset.arrayBuffer();
    expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
    expect(csp(asset).get("worker-src")).toEqual(["'self'"]);
  });

  it("the card form may be framed by this server's origin and the public URL's only", async () => {
    const own = url();
    const form = (origin: string) => fetch(`${own}/simulated-provider/card-form?${new URLSearchParams({ origin })}`);
    const res = await form(own);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBeNull();
    const allowed = mode === "production" ? ["'self'", own, publicUrl] : ["'self'", own];
    expect(csp(res).get("frame-ancestors")).toEqual(allowed);
    if (mode === "production") expect((await form(publicUrl)).status).toBe(200);
    const foreign = await form("http://evil.example");
    await foreign.arrayBuffer();
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("a real payment provider's card form (PAYMENT_FORM_ORIGIN)", () => {
  it("the guest app's page may frame it: frame-src carries its origin, and nothing else changes", async () => {
    const policy = csp(await fetch(`${withPaymentForm!.http.url}/`));
    expect(policy.get("frame-src")).toEqual(["'self'", paymentFormOrigin]);
    const without = csp(await fetch(`${servers.production!.http.url}/`));
    expect(new Map([...policy].filter(([name]) => name !== "frame-src"))).toEqual(new Map([...without].filter(([name]) => name !== "frame-src")));
  });

  it("without it, no foreign frame is allowed anywhere", async () => {
    for (const running of Object.values(servers)) {
      for (const p of ["/", "/admin/"]) {
        const header = (await fetch(`${running!.http.url}${p}`)).headers.get("content-security-policy") ?? "";
        expect({ p, header }).toEqual({ p, header: expect.not.stringContaining(paymentFormOrigin) });
        expect({ p, frame: csp(await fetch(`${running!.http.url}${p}`)).get("frame-src") ?? ["(default-src)"] }).toEqual({ p, frame: p === "/" ? ["'self'"] : ["(default-src)"] });
      }
    }
  });

  it.each([
    ["not https", "development", "http://pay.example.test", "PAYMENT_FORM_ORIGIN: must be https (http only for localhost)"],
    ["http in production, even for localhost", "production", "http://localhost:4242", "PAYMENT_FORM_ORIGIN: must be https in production"],
    ["a URL with a path", "development", "https://pay.example.test/form", "PAYMENT_FORM_ORIGIN: must be an origin such as https://pay.example.com"],
    ["something that would add a directive", "development", "https://pay.example.test;script-src", "PAYMENT_FORM_ORIGIN: must be an origin such as https://pay.example.com"],
  ])("a bad value (%s) stops the start with a config error naming it", (_what, mode, value, message) => {
    const env = { NODE_ENV: mode, PAYMENT_FORM_ORIGIN: value, ...(mode === "production" ? { JWT_SECRET: db.jwtSecret, PUBLIC_URL: publicUrl, SIMULATED_PROVIDER: "true", OUTBOX_DIR: tmpdir() } : {}) };
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ code: "CONFIG", message: expect.stringContaining(message) }));
  });

  it("http is allowed for a card form on this machine outside production", () => {
    expect(loadConfig({ NODE_ENV: "development", PAYMENT_FORM_ORIGIN: "http://localhost:4242" }).paymentFormOrigin).toBe("http://localhost:4242");
  });
});

describe("the map's tiles (MAP_TILES_URL, issue 22)", () => {
  it("both apps read the tile server from their settings and may show its images: img-src carries its origin, and nothing else changes", async () => {
    const url = withMap!.http.url;
    const tiles = { url: tilesUrl, attribution: "© Example Maps & contributors" };
    await expect((await fetch(`${url}/config.json`)).json()).resolves.toEqual({ mapTiles: tiles });
    await expect((await fetch(`${url}/admin/config.json`)).json()).resolves.toMatchObject({ mapTiles: tiles });
    for (const p of ["/", "/admin/"]) {
      const policy = csp(await fetch(`${url}${p}`));
      expect({ p, img: policy.get("img-src") }).toEqual({ p, img: ["'self'", "data:", "https:", "https://*.tiles.example.test"] });
      const without = csp(await fetch(`${servers.production!.http.url}${p}`));
      const rest = (m: Map<string, string[]>) => new Map([...m].filter(([name]) => name !== "img-src" && name !== "connect-src"));
      expect(rest(policy)).toEqual(rest(without));
    }
  });

  it("without it (a production start too) the apps are told there is no map", async () => {
    for (const running of Object.values(servers)) {
      await expect((await fetch(`${running!.http.url}/config.json`)).json()).resolves.toEqual({ mapTiles: null });
      await expect((await fetch(`${running!.http.url}/admin/config.json`)).json()).resolves.toMatchObject({ mapTiles: null });
    }
  });

  it.each([
    ["no {z}/{x}/{y}", "development", "https://tiles.example.test/tile.png", "MAP_TILES_URL: must be an http(s) URL template"],
    ["something that would add a directive", "development", "https://tiles.example.test/{z}/{x}/{y}.png;script-src", "MAP_TILES_URL: must be an http(s) URL template"],
    ["{s} inside a label", "development", "https://a{s}.tiles.example.test/{z}/{x}/{y}.png", "MAP_TILES_URL: must be an http(s) URL template"],
    ["not https", "development", "http://tiles.example.test/{z}/{x}/{y}.png", "MAP_TILES_URL: must be https (http only for localhost)"],
    ["http in production, even for localhost", "production", "http://localhost:4000/{z}/{x}/{y}.png", "MAP_TILES_URL: must be https in production"],
  ])("a bad value (%s) stops the start with a config error naming it", (_what, mode, value, message) => {
    const env = { NODE_ENV: mode, MAP_TILES_URL: value, MAP_TILES_ATTRIBUTION: "© Example", ...(mode === "production" ? { JWT_SECRET: db.jwtSecret, PUBLIC_URL: publicUrl, SIMULATED_PROVIDER: "true", OUTBOX_DIR: tmpdir() } : {}) };
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ code: "CONFIG", message: expect.stringContaining(message) }));
  });

  it("the attribution the tile server's terms ask for is required with it, and is plain text", () => {
    expect(() => loadConfig({ NODE_ENV: "development", MAP_TILES_URL: "https://tiles.example.test/{z}/{x}/{y}.png" })).toThrow(
      expect.objectContaining({ code: "CONFIG", message: expect.stringContaining("MAP_TILES_ATTRIBUTION: required with MAP_TILES_URL") }),
    );
    expect(() => loadConfig({ NODE_ENV: "development", MAP_TILES_URL: "https://tiles.example.test/{z}/{x}/{y}.png", MAP_TILES_ATTRIBUTION: "<script>" })).toThrow(
      expect.objectContaining({ code: "CONFIG", message: expect.stringContaining("MAP_TILES_ATTRIBUTION") }),
    );
    expect(loadConfig({ NODE_ENV: "development", MAP_TILES_URL: "http://127.0.0.1:4000/t/{z}/{x}/{y}.png", MAP_TILES_ATTRIBUTION: "Test tiles" }).mapTiles).toEqual({
      url: "http://127.0.0.1:4000/t/{z}/{x}/{y}.png", attribution: "Test tiles", origin: "http://127.0.0.1:4000",
    });
  });
});
