// Idempotency keys for the booking mutations (docs/api.md, "Idempotency"):
// one key per guest action, kept with the action's state (storage.ts) and
// reused for every retry of it, so a double click, a second Enter, a retry
// after a timeout or a page refresh never does a thing twice.
import { randomUuid } from "../../shared/ids.ts";

/** A key tied to the input it was used with: a changed input gets a new key (the old one would be IDEMPOTENCY_KEY_REUSED). */
export interface KeyedInput {
  key: string;
  input: string;
}

export function keyFor(previous: KeyedInput | undefined, input: unknown): KeyedInput {
  const serialized = JSON.stringify(input);
  return previous && previous.input === serialized ? previous : { key: randomUuid(), input: serialized };
}
