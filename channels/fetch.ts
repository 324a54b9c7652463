// Fetching an OTA feed: the URL is a staff member's input, so it is checked
// like one (docs/channels.md, "What a feed URL may reach"). Only http(s).
// Unless allowed (development and tests), only globally routable unicast
// addresses are connected to: the address is checked where the connection is
// made (the lookup given to node's http/https resolves the name and
// classifies every answer; an IP literal is classified before connecting;
// the connected socket's remote address is checked again), so a DNS answer
// that changes after an earlier look (rebinding) gains nothing. Redirects are
// followed by hand, at most 5, each hop checked the same way. The body is
// read up to a size limit (after gzip or brotli decoding) within a time limit.
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction, type Socket } from "node:net";
import { pipeline, type Duplex, type Readable } from "node:stream";
import zlib from "node:zlib";
import ipaddr from "ipaddr.js";
import { inSpan, SpanKind } from "../core/tracing.ts";

export class FeedFetchError extends Error {}

/** Resolves a host name to all its addresses (the system resolver, dns.lookup, unless a test gives another). */
export type FeedResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export type FetchFeedOptions = {
  /** Development and tests: any address may be fetched from. */
  allowInternal: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** Tests only: resolves host names instead of the system resolver. */
  lookup?: FeedResolver;
  /** Tests only: these exact addresses count as public (a test has no public address to serve from). */
  alsoPermit?: readonly string[];
};

const nat64 = ipaddr.parseCIDR("64:ff9b::/96");
const globalUnicast = ipaddr.parseCIDR("2000::/3");
const words: Record<string, string> = {
  linkLocal: "link-local", carrierGradeNat: "carrier-grade NAT", uniqueLocal: "unique local", private: "private network",
  reserved: "reserved or documentation", rfc6052: "NAT64", rfc6145: "IPv4-translated", ipv4Mapped: "IPv4-mapped",
  "6to4": "6to4", teredo: "Teredo", deprecatedSiteLocal: "site-local", segmentRouting: "segment routing",
};

/**
 * Why an address may not be fetched from, in words ("loopback", "private
 * network", ...), or undefined for a globally routable unicast address. The
 * ranges are ipaddr.js's (IANA's special-purpose registries): an IPv4
 * address must be in none of them; an IPv6 address must be in none and inside
 * 2000::/3. An IPv4-mapped address (::ffff:a.b.c.d) and a NAT64 one
 * (64:ff9b::a.b.c.d) are judged by the IPv4 address they carry; other
 * transition forms (IPv4-compatible ::a.b.c.d, 6to4, Teredo, local NAT64) are
 * refused outright.
 */
export function internalRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const ip = ipaddr.parse(address);
  if (ip.kind() === "ipv4") {
    const range = (ip as ipaddr.IPv4).range();
    return range === "unicast" ? undefined : (words[range] ?? range);
  }
  const v6 = ip as ipaddr.IPv6;
  const carried = v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6.match(nat64) ? new ipaddr.IPv4(v6.toByteArray().slice(12)) : undefined;
  if (carried) {
    const inner = internalRange(carried.toString());
    return inner && `${v6.isIPv4MappedAddress() ? "IPv4-mapped" : "NAT64"} ${inner} ${carried.toString()}`;
  }
  const range = v6.range();
  if (range !== "unicast") return words[range] ?? range;
  if (!v6.match(globalUnicast)) return v6.toNormalizedString().startsWith("0:0:0:0:0:0:") ? "IPv4-compatible" : "not global unicast";
  return undefined;
}

export function isInternalAddress(address: string): boolean {
  return internalRange(address) !== undefined;
}

const canonical = (address: string) => (ipaddr.isValid(address) ? ipaddr.parse(address).toString() : address);

const systemResolver: FeedResolver = (hostname) => dnsLookup(hostname, { all: true });

/** The http(s) agent of one fetch: every socket's remote address is checked once connected, before a request is written on it. */
function guardedAgent(protocol: "http:" | "https:", refuse: (address: string) => string | undefined) {
  const Base = protocol === "https:" ? https.Agent : http.Agent;
  return new (class extends Base {
    override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void) {
      const socket = super.createConnection(options, callback) as Socket;
      socket.once("connect", () => {
        const why = refuse(socket.remoteAddress ?? "");
        if (why) socket.destroy(new FeedFetchError(`The feed's connection reached an internal address (${socket.remoteAddress}, ${why}).`));
      });
      return socket;
    }
  })({ keepAlive: false });
}

function feedUrl(href: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    throw new FeedFetchError(base ? "The feed redirected to something that is not a URL." : "The feed URL is not a URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FeedFetchError(base ? `The feed redirected to a ${url.protocol} URL; only http and https feeds can be read.` : "Only http and https feeds can be read.");
  }
  if (url.username || url.password) throw new FeedFetchError("Feed URLs with a user name or password are not supported.");
  return url;
}

export async function fetchFeed(url: string, options: FetchFeedOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const resolver = options.lookup ?? systemResolver;
  const permitted = new Set((options.alsoPermit ?? []).map(canonical));
  const refuse = (address: string) => (options.allowInternal || permitted.has(canonical(address)) ? undefined : internalRange(address));
  let current = feedUrl(url);

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new FeedFetchError(`The feed did not answer within ${timeoutMs / 1000} seconds.`)), timeoutMs);
  const agents = { "http:": guardedAgent("http:", refuse), "https:": guardedAgent("https:", refuse) };
  try {
    for (let hop = 0; ; hop++) {
      const response = await get(current, hop > 0, { resolver, refuse, agent: agents[current.protocol as "http:" | "https:"], signal: deadline.signal });
      const status = response.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status)) {
        response.destroy();
        if (!response.headers.location) throw new FeedFetchError(`The feed answered HTTP ${status} without saying where to.`);
        if (hop >= maxRedirects) throw new FeedFetchError(`The feed redirected more than ${maxRedirects} times.`);
        current = feedUrl(response.headers.location, current);
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new FeedFetchError(`The feed answered HTTP ${status}.`);
      }
      return await readBody(response, maxBytes, deadline.signal);
    }
  } catch (error) {
    if (deadline.signal.aborted) throw deadline.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    agents["http:"].destroy();
    agents["https:"].destroy();
  }
}

/**
 * One GET, traced (inside a traced job or request) as an HTTP client span
 * with the host but not the path or query, which can carry the channel's
 * token ("/ical/…?s=…").
 */
function get(url: URL, redirected: boolean, ctx: Parameters<typeof getOnce>[2]): Promise<http.IncomingMessage> {
  const attributes = { "http.request.method": "GET", "url.scheme": url.protocol.slice(0, -1), "server.address": url.hostname, "keepr.channel.feed_redirected": redirected };
  return inSpan("GET", { kind: SpanKind.CLIENT, attributes, onlyInTrace: true }, async (span) => {
    const response = await getOnce(url, redirected, ctx);
    span.setAttribute("http.response.status_code", response.statusCode ?? 0);
    return response;
  });
}

/** One GET, to an address that passed `refuse` (a literal before connecting; a name in the lookup, at connect time). */
function getOnce(
  url: URL,
  redirected: boolean,
  ctx: { resolver: FeedResolver; refuse: (address: string) => string | undefined; agent: http.Agent; signal: AbortSignal },
): Promise<http.IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const where = redirected ? `The feed redirected to ${host}, which` : `The feed's host ${host}`;
  if (isIP(host)) {
    const why = ctx.refuse(host);
    if (why) return Promise.reject(new FeedFetchError(`${where} is an internal address (${why}).`));
  }
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const family = lookupOptions.family === 4 || lookupOptions.family === "IPv4" ? 4 : lookupOptions.family === 6 || lookupOptions.family === "IPv6" ? 6 : 0;
    Promise.resolve().then(() => ctx.resolver(hostname)).then(
      (answers) => {
        const addresses = answers.filter((a) => family === 0 || a.family === family);
        if (addresses.length === 0) return new FeedFetchError(`${where} does not resolve.`);
        for (const { address } of addresses) {
          const why = ctx.refuse(address);
          if (why) return new FeedFetchError(`${where} resolves to an internal address (${address}, ${why}).`);
        }
        return addresses;
      },
      () => new FeedFetchError(`${where} does not resolve.`),
    ).then((result) => {
      if (result instanceof Error) callback(result, "");
      else if (lookupOptions.all) callback(null, result);
      else callback(null, result[0]!.address, result[0]!.family);
    });
  };
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(ctx.signal.reason);
    const request = (url.protocol === "https:" ? https : http).request({
      hostname: host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: "GET",
      agent: ctx.agent,
      lookup,
      headers: { accept: "text/calendar, text/plain;q=0.5, */*;q=0.1", "accept-encoding": "gzip, br", "user-agent": "Keepr calendar sync" },
    });
    const onAbort = () => request.destroy(ctx.signal.reason);
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    request.once("response", (response) => {
      ctx.signal.removeEventListener("abort", onAbort);
      resolve(response);
    });
    request.on("error", (error) => {
      ctx.signal.removeEventListener("abort", onAbort);
      reject(error instanceof FeedFetchError ? error : new FeedFetchError(`The feed could not be fetched: ${error.message}`));
    });
    request.end();
  });
}

async function readBody(response: http.IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<string> {
  if (Number(response.headers["content-length"] ?? 0) > maxBytes) {
    response.destroy();
    throw new FeedFetchError(`The feed is larger than ${maxBytes} bytes.`);
  }
  const encoding = (response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip" ? zlib.createGunzip()
    : encoding === "br" ? zlib.createBrotliDecompress()
    : encoding === "deflate" ? zlib.createInflate()
    : encoding === "identity" || encoding === "" ? undefined
    : null;
  if (decoder === null) {
    response.destroy();
    throw new FeedFetchError(`The feed is encoded as ${encoding}, which Keepr cannot read.`);
  }
  const body: Readable = decoder ? pipeline(response, decoder, () => {}) : response;
  const onAbort = () => response.destroy(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        response.destroy();
        throw new FeedFetchError(`The feed is larger than ${maxBytes} bytes.`);
      }
      chunks.push(chunk);
    }
    // A body that ends early must not read as a complete (shorter) calendar.
    if (!response.complete) throw new Error("the connection closed before the end");
  } catch (error) {
    if (error instanceof FeedFetchError) throw error;
    if (signal.aborted) throw signal.reason;
    throw new FeedFetchError(`The feed was cut off: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return Buffer.concat(chunks).toString("utf8");
}
