// Idempotency keys for the API's booking and money mutations
// (docs/api.md, "Idempotency"): one key per user action, reused for every
// retry of that action, so a double click, a second Enter or a retry after a
// timeout never does a thing twice. The type makes a key impossible to
// forget: runKeyed (dataProvider.ts) only takes an IdempotencyKey, and only
// newIdempotencyKey makes one.

import { randomUuid } from "../../../shared/ids.ts";

declare const brand: unique symbol;
export type IdempotencyKey = string & { readonly [brand]: "IdempotencyKey" };

/** A fresh key: a random UUID (shared/ids.ts). */
export function newIdempotencyKey(): IdempotencyKey {
  return randomUuid() as IdempotencyKey;
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
