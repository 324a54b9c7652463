// Randomised tests: a small seeded PRNG (mulberry32), so a failing run can be
// replayed, and the seed each run uses (KEEPR_TEST_SEED, else from the clock),
// which the test prints.

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run, printed with how to replay it. */
export function testSeed(what: string): number {
  const seed = Number(process.env.KEEPR_TEST_SEED ?? Date.now() % 1_000_000);
  console.log(`${what}: seed ${seed} (rerun with KEEPR_TEST_SEED=${seed})`);
  return seed;
}

/** An integer in [min, max]. */
export const between = (next: Random, min: number, max: number): number => min + Math.floor(next() * (max - min + 1));

/** One of the items. */
export const pick = <T>(next: Random, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
