// Waiting for a state in tests: poll until it holds, fail after a deadline
// saying what was awaited. Tests wait for states, never for fixed times.

/**
 * Polls condition every 100 ms until it holds; fails after timeoutMs saying
 * what it waited for, and what state() tells then (a log's tail, say).
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000, state?: () => unknown,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)${state ? `\n${String(state())}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls fn every 100 ms until it gives a value (not null, undefined or false), which it returns; fails after ms. */
export async function waitForValue<T>(what: string, fn: () => T | null | undefined | false | Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${ms} ms)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
