// Idempotency keys for the booking mutations (docs/api.md, "Idempotency"):
// one key per guest action, kept with the action's state (storage.ts) and
// reused for every retry of it, so a double click, a second Enter, a retry
// after a timeout or a page refresh never does a thing twice.

/**
 * A random UUID (v4). crypto.getRandomValues rather than randomUUID: the
 * latter exists only in secure contexts, and a property may open the app
 * over plain http on its LAN.
 */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A key tied to the input it was used with: a changed input gets a new key (the old one would be IDEMPOTENCY_KEY_REUSED). */
export interface KeyedInput {
  key: string;
  input: string;
}

export function keyFor(previous: KeyedInput | undefined, input: unknown): KeyedInput {
  const serialized = JSON.stringify(input);
  return previous && previous.input === serialized ? previous : { key: newKey(), input: serialized };
}
