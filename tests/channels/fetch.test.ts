// The feed fetcher's guard against internal addresses (issue 15 item 7),
// against real local servers:
// - `inside`: a server on every local address (:: dual-stack, port P) plus one
//   on 127.0.0.1:Q; it stands for the database, the metadata endpoint, an
//   admin port. It must never be reached: its TCP connections are counted.
// - `outside`: a server on 127.0.0.2:Q standing in for a public OTA server. A
//   test has no public address to serve from, so the tests that need one
//   resolve made-up names (*.ota.test) to 127.0.0.2 with an injected resolver
//   and permit that one address (`alsoPermit`); 127.0.0.1 and every other
//   address are judged by the real rule. The same port Q on 127.0.0.1 is the
//   `inside` server, so a name rebound from 127.0.0.2 to 127.0.0.1 would
//   reach it.
import { lookup as dnsLookup } from "node:dns/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { gzipSync, brotliCompressSync } from "node:zlib";
import { fetchFeed, FeedFetchError, internalRange, type FeedResolver, type FetchFeedOptions } from "../../channels/fetch.ts";

const calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n";
const PUBLIC = "127.0.0.2";

let insideAll: Server;
let insideLoopback: Server;
let outside: Server;
let P: number;
let Q: number;
let insideConnections = 0;
const outsideHits: string[] = [];

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function insideServer(): Server {
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/calendar" }).end(calendar));
  server.on("connection", () => insideConnections++);
  return server;
}

function outsideHandler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://outside");
  outsideHits.push(url.pathname);
  const accepts = String(req.headers["accept-encoding"] ?? "");
  switch (url.pathname) {
    case "/feed.ics":
      res.writeHead(200, { "content-type": "text/calendar" }).end(calendar);
      return;
    case "/gzip.ics":
      if (!accepts.includes("gzip")) res.writeHead(406).end();
      else res.writeHead(200, { "content-type": "text/calendar", "content-encoding": "gzip" }).end(gzipSync(calendar));
      return;
    case "/br.ics":
      if (!accepts.includes("br")) res.writeHead(406).end();
      else res.writeHead(200, { "content-type": "text/calendar", "content-encoding": "br" }).end(brotliCompressSync(calendar));
      return;
    case "/redirect":
      res.writeHead(Number(url.searchParams.get("status") ?? 302), { location: url.searchParams.get("to")! }).end();
      return;
    case "/loop":
      res.writeHead(301, { location: "/loop" }).end();
      return;
    case "/big.ics": // chunked, no content-length
      res.writeHead(200, { "content-type": "text/calendar" });
      for (let i = 0; i < 20; i++) res.write("X".repeat(1024));
      res.end();
      return;
    case "/declared-big.ics":
      res.writeHead(200, { "content-type": "text/calendar", "content-length": 100_000 }).end("X".repeat(100_000));
      return;
    case "/bomb.ics": // 10 MB of zeros, gzipped to about 10 KB
      res.writeHead(200, { "content-type": "text/calendar", "content-encoding": "gzip" }).end(gzipSync(Buffer.alloc(10 * 1024 * 1024)));
      return;
    case "/cut.ics":
      res.writeHead(200, { "content-type": "text/calendar", "content-length": 1000 });
      res.write("BEGIN:VCALENDAR\r\n");
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    case "/slow.ics":
      return; // never answers
    default:
      res.writeHead(Number(url.pathname.slice(1)) || 404).end();
  }
}

beforeAll(async () => {
  insideAll = insideServer();
  P = await listen(insideAll, 0, "::");
  // Q: a port free on both 127.0.0.2 (outside) and 127.0.0.1 (inside).
  for (let attempt = 0; ; attempt++) {
    outside = createServer(outsideHandler);
    Q = await listen(outside, 0, PUBLIC);
    insideLoopback = insideServer();
    try {
      await listen(insideLoopback, Q, "127.0.0.1");
      break;
    } catch (error) {
      await new Promise((resolve) => outside.close(resolve));
      if (attempt > 5) throw error;
    }
  }
});
afterAll(async () => {
  for (const server of [insideAll, insideLoopback, outside]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
beforeEach(() => {
  insideConnections = 0;
  outsideHits.length = 0;
});

/** A resolver for made-up names (*.ota.test): a fixed answer per name, or one answer per call (the last repeats); other names go to the system resolver. Counts calls. */
function resolver(names: Record<string, string[] | string[][]>): FeedResolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string) => {
    const answer = names[hostname];
    const n = calls.filter((c) => c === hostname).length;
    calls.push(hostname);
    if (!answer && !hostname.endsWith(".ota.test")) return dnsLookup(hostname, { all: true });
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    const addresses = (Array.isArray(answer[0]) ? (answer as string[][])[Math.min(n, answer.length - 1)]! : (answer as string[]));
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(fn, { calls });
}

const production = (extra: Partial<FetchFeedOptions> = {}): FetchFeedOptions => ({ allowInternal: false, timeoutMs: 3000, ...extra });
const viaOutside = (names: Record<string, string[] | string[][]> = {}) => {
  const lookup = resolver({ "feeds.ota.test": [PUBLIC], ...names });
  return { lookup, options: production({ lookup, alsoPermit: [PUBLIC] }) };
};

async function refused(url: string, options: FetchFeedOptions, message: RegExp): Promise<void> {
  const error = await fetchFeed(url, options).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(FeedFetchError);
  expect((error as Error).message).toMatch(message);
}

describe("every spelling of an internal address is refused without connecting", () => {
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal && !i.address.startsWith("fe80"))
    .flatMap((i) => (i!.family === "IPv4" ? [i!.address, `[::ffff:${i!.address}]`] : [`[${i!.address}]`]));
  const spellings = [
    "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "127.0.0.1.", "127.255.255.254",
    "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[::ffff:0:127.0.0.1]",
    "[::]", "0.0.0.0", "0", "[::ffff:0.0.0.0]",
    "169.254.169.254", "[::ffff:a9fe:a9fe]", "[::ffff:169.254.169.254]", "[fe80::1]",
    "10.0.0.1", "[::ffff:10.0.0.1]", "[::ffff:a00:1]", "172.16.0.1", "[::ffff:172.16.0.1]", "192.168.1.1", "[::ffff:c0a8:101]",
    "100.64.0.1", "[::ffff:100.64.0.1]", "198.18.0.1", "192.0.2.1", "203.0.113.7", "255.255.255.255", "224.0.0.1", "240.0.0.1",
    "[fc00::1]", "[fd00::1]", "[fec0::1]", "[ff02::1]", "[2002:7f00:1::]", "[2001::1]", "[2001:db8::1]", "[64:ff9b::a9fe:a9fe]",
    ...own,
  ];
  it.each(spellings)("http://%s:P/x.ics", async (host) => {
    await refused(`http://${host}:${P}/x.ics`, production(), /is an internal address/);
    await refused(`https://${host}:${P}/x.ics`, production(), /is an internal address/);
    expect(insideConnections).toBe(0);
  });

  it("the machine's own addresses are among them", () => {
    expect(own.length).toBeGreaterThan(0);
  });

  it("a zone id is not a URL", async () => {
    await refused(`http://[fe80::1%25lo]:${P}/x.ics`, production(), /not a URL/);
    expect(insideConnections).toBe(0);
  });

  it("localhost, through the system resolver", async () => {
    await refused(`http://localhost:${P}/x.ics`, production(), /^The feed's host localhost resolves to an internal address \((127\.0\.0\.1|::1), loopback\)\.$/);
    expect(insideConnections).toBe(0);
  });

  it("names that resolve to internal addresses, in any form", async () => {
    const lookup = resolver({
      "loop.ota.test": ["127.0.0.1"], "mapped.ota.test": ["::ffff:127.0.0.1"], "meta.ota.test": ["169.254.169.254"],
      "v6.ota.test": ["::1"], "mixed.ota.test": [PUBLIC, "127.0.0.1"], "mixed6.ota.test": ["::1", PUBLIC],
    });
    for (const name of ["loop", "mapped", "meta", "v6", "mixed", "mixed6"]) {
      await refused(`http://${name}.ota.test:${Q}/x.ics`, production({ lookup, alsoPermit: [PUBLIC] }), /resolves to an internal address/);
    }
    expect(insideConnections).toBe(0);
    expect(outsideHits).toEqual([]);
  });

  it("a name that does not resolve", async () => {
    await refused(`http://nowhere.ota.test:${Q}/x.ics`, production({ lookup: resolver({}) }), /^The feed's host nowhere.ota.test does not resolve\.$/);
  });
});

describe("the check is made where the connection is made", () => {
  it("a name rebound to an internal address after a good fetch is refused at the next connect", async () => {
    const lookup = resolver({ "rebind.ota.test": [[PUBLIC], ["127.0.0.1"]] });
    const options = production({ lookup, alsoPermit: [PUBLIC] });
    expect(await fetchFeed(`http://rebind.ota.test:${Q}/feed.ics`, options)).toBe(calendar);
    await refused(`http://rebind.ota.test:${Q}/feed.ics`, options, /resolves to an internal address \(127\.0\.0\.1, loopback\)/);
    expect(outsideHits).toEqual(["/feed.ics"]);
    expect(insideConnections).toBe(0);
    // One resolution per connection: no separate look before it.
    expect(lookup.calls).toEqual(["rebind.ota.test", "rebind.ota.test"]);
  });

  it("a name rebound between two hops of one fetch (redirected to itself) is refused on the second hop", async () => {
    const lookup = resolver({ "rebind.ota.test": [[PUBLIC], ["127.0.0.1"]] });
    const to = `http://rebind.ota.test:${Q}/feed.ics`;
    await refused(`http://rebind.ota.test:${Q}/redirect?to=${encodeURIComponent(to)}`, production({ lookup, alsoPermit: [PUBLIC] }),
      /^The feed redirected to rebind\.ota\.test, which resolves to an internal address \(127\.0\.0\.1, loopback\)\.$/);
    expect(outsideHits).toEqual(["/redirect"]);
    expect(insideConnections).toBe(0);
    expect(lookup.calls).toEqual(["rebind.ota.test", "rebind.ota.test"]);
  });

  it("without the permit, the stand-in public server is refused too (127.0.0.2 is loopback)", async () => {
    await refused(`http://feeds.ota.test:${Q}/feed.ics`, production({ lookup: resolver({ "feeds.ota.test": [PUBLIC] }) }), /loopback/);
    expect(outsideHits).toEqual([]);
  });
});

describe("redirects are followed, each hop checked", () => {
  const redirect = (to: string, status = 302) => `http://feeds.ota.test:${Q}/redirect?status=${status}&to=${encodeURIComponent(to)}`;

  it.each([
    ["127.0.0.1", () => `http://127.0.0.1:${P}/x.ics`],
    ["[::ffff:127.0.0.1]", () => `http://[::ffff:127.0.0.1]:${P}/x.ics`],
    ["[::ffff:a9fe:a9fe]", () => `http://[::ffff:a9fe:a9fe]/latest/meta-data/`],
    ["169.254.169.254", () => `http://169.254.169.254/latest/meta-data/`],
    ["[::1]", () => `https://[::1]:${P}/x.ics`],
    ["0.0.0.0", () => `http://0.0.0.0:${P}/x.ics`],
  ])("to %s: refused", async (_name, to) => {
    const { options } = viaOutside();
    await refused(redirect(to()), options, /^The feed redirected to .+, which is an internal address \(.+\)\.$/);
    expect(outsideHits).toEqual(["/redirect"]);
    expect(insideConnections).toBe(0);
  });

  it("to a name that resolves inside, or to localhost: refused", async () => {
    const { options } = viaOutside({ "inside.ota.test": ["127.0.0.1"] });
    await refused(redirect(`http://inside.ota.test:${P}/x.ics`, 307), options, /^The feed redirected to inside\.ota\.test, which resolves to an internal address \(127\.0\.0\.1, loopback\)\.$/);
    await refused(redirect(`http://localhost:${P}/x.ics`, 301), options, /^The feed redirected to localhost, which resolves to an internal address \((127\.0\.0\.1|::1), loopback\)\.$/);
    expect(insideConnections).toBe(0);
  });

  it("to anything but http(s): refused", async () => {
    const { options } = viaOutside();
    await refused(redirect("file:///etc/passwd"), options, /^The feed redirected to a file: URL; only http and https feeds can be read\.$/);
    await refused(redirect("gopher://127.0.0.1:70/"), options, /gopher: URL/);
  });

  it("at most 5 times", async () => {
    const { options } = viaOutside();
    await refused(`http://feeds.ota.test:${Q}/loop`, options, /^The feed redirected more than 5 times\.$/);
    expect(outsideHits).toEqual(Array(6).fill("/loop"));
  });

  it("a redirect to a public feed is followed (Airbnb and Google calendar URLs redirect)", async () => {
    const { options } = viaOutside({ "cdn.ota.test": [PUBLIC] });
    expect(await fetchFeed(redirect("/feed.ics"), options)).toBe(calendar);
    expect(await fetchFeed(redirect(`http://cdn.ota.test:${Q}/feed.ics`, 308), options)).toBe(calendar);
    expect(outsideHits).toEqual(["/redirect", "/feed.ics", "/redirect", "/feed.ics"]);
  });

  it("in development (allowInternal) redirects to internal addresses are followed", async () => {
    const { lookup } = viaOutside();
    expect(await fetchFeed(redirect(`http://127.0.0.1:${P}/x.ics`), { allowInternal: true, lookup })).toBe(calendar);
    expect(insideConnections).toBe(1);
  });
});

describe("reading a permitted feed", () => {
  it("a permitted address is fetched", async () => {
    const { options, lookup } = viaOutside();
    expect(await fetchFeed(`http://feeds.ota.test:${Q}/feed.ics`, options)).toBe(calendar);
    expect(await fetchFeed(`http://${PUBLIC}:${Q}/feed.ics`, options)).toBe(calendar);
    expect(lookup.calls).toEqual(["feeds.ota.test"]);
    expect(outsideHits).toEqual(["/feed.ics", "/feed.ics"]);
  });

  it("in development (allowInternal) loopback is fetched", async () => {
    expect(await fetchFeed(`http://127.0.0.1:${P}/x.ics`, { allowInternal: true })).toBe(calendar);
    expect(await fetchFeed(`http://[::1]:${P}/x.ics`, { allowInternal: true })).toBe(calendar);
  });

  it("gzip and brotli bodies are decoded", async () => {
    const { options } = viaOutside();
    expect(await fetchFeed(`http://feeds.ota.test:${Q}/gzip.ics`, options)).toBe(calendar);
    expect(await fetchFeed(`http://feeds.ota.test:${Q}/br.ics`, options)).toBe(calendar);
  });

  it("the size limit holds, declared or not, and after decoding", async () => {
    const { options } = viaOutside();
    const limited = { ...options, maxBytes: 10_000 };
    await refused(`http://feeds.ota.test:${Q}/declared-big.ics`, limited, /^The feed is larger than 10000 bytes\.$/);
    await refused(`http://feeds.ota.test:${Q}/big.ics`, limited, /^The feed is larger than 10000 bytes\.$/);
    await refused(`http://feeds.ota.test:${Q}/bomb.ics`, options, /^The feed is larger than 5242880 bytes\.$/);
  });

  it("the time limit holds", async () => {
    const { options } = viaOutside();
    const started = Date.now();
    await refused(`http://feeds.ota.test:${Q}/slow.ics`, { ...options, timeoutMs: 300 }, /^The feed did not answer within 0\.3 seconds\.$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a body cut short is an error, not a shorter calendar", async () => {
    const { options } = viaOutside();
    await refused(`http://feeds.ota.test:${Q}/cut.ics`, options, /^The feed was cut off/);
  });

  it("HTTP errors, bad URLs and credentials are explained", async () => {
    const { options } = viaOutside();
    await refused(`http://feeds.ota.test:${Q}/503`, options, /^The feed answered HTTP 503\.$/);
    await refused("not a url", options, /^The feed URL is not a URL\.$/);
    await refused("ftp://feeds.ota.test/x.ics", options, /^Only http and https feeds can be read\.$/);
    await refused(`http://user:secret@feeds.ota.test:${Q}/feed.ics`, options, /user name or password/);
  });
});

describe("internalRange", () => {
  it.each(["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"])("%s is public", (address) => {
    expect(internalRange(address)).toBeUndefined();
  });
  it.each([
    ["127.0.0.1", "loopback"], ["0.0.0.0", "unspecified"], ["0.1.2.3", "unspecified"], ["10.1.2.3", "private network"], ["172.31.255.255", "private network"],
    ["192.168.0.1", "private network"], ["100.127.255.255", "carrier-grade NAT"], ["169.254.169.254", "link-local"], ["198.19.255.255", "reserved or documentation"],
    ["192.0.2.1", "reserved or documentation"], ["198.51.100.1", "reserved or documentation"], ["203.0.113.1", "reserved or documentation"], ["192.0.0.8", "reserved or documentation"],
    ["240.0.0.1", "reserved or documentation"], ["255.255.255.255", "broadcast"], ["224.0.0.251", "multicast"],
    ["::", "unspecified"], ["::1", "loopback"], ["::ffff:7f00:1", "IPv4-mapped loopback 127.0.0.1"], ["::ffff:a9fe:a9fe", "IPv4-mapped link-local 169.254.169.254"],
    ["::ffff:10.0.0.1", "IPv4-mapped private network 10.0.0.1"], ["::7f00:1", "IPv4-compatible"], ["::ffff:0:7f00:1", "IPv4-translated"],
    ["64:ff9b::7f00:1", "NAT64 loopback 127.0.0.1"], ["64:ff9b::a00:1", "NAT64 private network 10.0.0.1"], ["64:ff9b:1::a00:1", "NAT64"],
    ["2002:7f00:1::", "6to4"], ["2002:808:808::", "6to4"], ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"], ["2001:db8::1", "reserved or documentation"],
    ["fc00::1", "unique local"], ["fd12:3456::1", "unique local"], ["fe80::1", "link-local"], ["fe80::1%eth0", "link-local"], ["fec0::1", "site-local"],
    ["ff02::1", "multicast"], ["100::1", "discard"], ["4000::1", "not global unicast"], ["not-an-ip", "not an IP address"],
  ])("%s is %s", (address, why) => {
    expect(internalRange(address)).toBe(why);
  });
});
