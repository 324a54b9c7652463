// Random identifiers made on the client, such as the idempotency keys of
// booking and money mutations (docs/api.md, "Idempotency"). Runs in
// browsers and in Node (Web Crypto is global in both).

/**
 * A random UUID (v4). crypto.getRandomValues rather than crypto.randomUUID:
 * the latter exists only in secure contexts, and a property may open its
 * apps over plain http on its LAN.
 */
export function randomUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
