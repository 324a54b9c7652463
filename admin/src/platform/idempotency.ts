// Idempotency keys for the API's booking and money mutations
// (docs/api.md, "Idempotency"): one key per user action, reused for every
// retry of that action, so a double click, a second Enter or a retry after a
// timeout never does a thing twice. The type makes a key impossible to
// forget: runKeyed (dataProvider.ts) only takes an IdempotencyKey, and only
// newIdempotencyKey makes one.

declare const brand: unique symbol;
export type IdempotencyKey = string & { readonly [brand]: "IdempotencyKey" };

/**
 * A random UUID (v4). crypto.getRandomValues rather than crypto.randomUUID:
 * the latter exists only in secure contexts, and the console may be opened
 * over plain http on a hotel's LAN.
 */
export function newIdempotencyKey(): IdempotencyKey {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as IdempotencyKey;
}

/**
 * The key of one user action (e.g. one confirm dialog). `keyFor(input)`
 * returns the same key for every attempt, with one exception: after the API
 * refused an attempt outright (a GraphQL error: the server rolled back and
 * kept nothing under the key), a *different* input gets a fresh key, since
 * it is a new request. After a failure whose outcome is unknown (network,
 * timeout) the key is kept whatever the input: if the first attempt did
 * commit, the API answers IDEMPOTENCY_KEY_REUSED instead of acting twice.
 */
export class ActionKey {
  private current: { key: IdempotencyKey; input: string } | null = null;
  private refused = false;

  keyFor(input: unknown): IdempotencyKey {
    const fingerprint = JSON.stringify(input);
    if (!this.current || (this.refused && this.current.input !== fingerprint)) {
      this.current = { key: newIdempotencyKey(), input: fingerprint };
    }
    this.refused = false;
    return this.current.key;
  }

  /** Records how an attempt ended: `definitive` when the API answered with an error (nothing was done). */
  failed(definitive: boolean): void {
    this.refused = definitive;
  }
}
