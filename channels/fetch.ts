// Fetching an OTA feed: the URL is a staff member's input, so it is checked
// like one. Only http(s); unless allowed (development and tests), no host
// that resolves to a loopback, private, link-local or otherwise internal
// address (a feed URL must not reach the database or a cloud metadata
// endpoint). The body is read up to a size limit and a time limit.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

export class FeedFetchError extends Error {}

const internalV4 = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16],
  [0xac100000, 12], [0xc0000000, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xe0000000, 4], [0xf0000000, 4],
] as const;

export function isInternalAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const n = address.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
    return internalV4.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));
  }
  const a = address.toLowerCase();
  if (a.startsWith("::ffff:")) return isInternalAddress(a.slice(7));
  return a === "::" || a === "::1" || a.startsWith("fc") || a.startsWith("fd") || a.startsWith("fe8") || a.startsWith("fe9")
    || a.startsWith("fea") || a.startsWith("feb") || a.startsWith("ff");
}

export async function fetchFeed(url: string, options: { allowInternal: boolean; timeoutMs?: number; maxBytes?: number }): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FeedFetchError("The feed URL is not a URL.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new FeedFetchError("Only http and https feeds can be read.");
  if (!options.allowInternal) {
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
    if (addresses.length === 0) throw new FeedFetchError(`The feed's host ${host} does not resolve.`);
    if (addresses.some(isInternalAddress)) throw new FeedFetchError(`The feed's host ${host} is an internal address.`);
  }
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  let response: Response;
  try {
    response = await fetch(parsed, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      redirect: options.allowInternal ? "follow" : "error",
      headers: { accept: "text/calendar, text/plain;q=0.5, */*;q=0.1", "user-agent": "Keepr calendar sync" },
    });
  } catch (error) {
    throw new FeedFetchError(`The feed could not be fetched: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new FeedFetchError(`The feed answered HTTP ${response.status}.`);
  if (Number(response.headers.get("content-length") ?? 0) > maxBytes) throw new FeedFetchError(`The feed is larger than ${maxBytes} bytes.`);
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new FeedFetchError(`The feed is larger than ${maxBytes} bytes.`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FeedFetchError) throw error;
    throw new FeedFetchError(`The feed was cut off: ${error instanceof Error ? error.message : String(error)}`);
  }
  return Buffer.concat(chunks).toString("utf8");
}
