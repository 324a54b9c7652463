// The ways the simulated provider misbehaves on purpose, each with the
// probability of happening to one request (or one webhook delivery).
import { z } from "zod";

const rate = z.number().min(0).max(1);

export const failureConfigSchema = z.strictObject({
  /** 503 service_unavailable before anything is done. */
  transientRate: rate,
  /** The operation is done and committed, then the answer never comes (held for timeoutMs, then the connection is cut). */
  timeoutRate: rate,
  timeoutMs: z.number().int().min(0).max(600_000),
  /** Extra declines (card_declined) of cards that would otherwise succeed. */
  declineRate: rate,
  /** A webhook delivery attempt fails without reaching the receiver. */
  webhookFailureRate: rate,
  /** A delivered webhook is delivered a second time. */
  webhookDuplicateRate: rate,
});

export type FailureConfig = z.infer<typeof failureConfigSchema>;

export const noFailures: FailureConfig = {
  transientRate: 0,
  timeoutRate: 0,
  timeoutMs: 30_000,
  declineRate: 0,
  webhookFailureRate: 0,
  webhookDuplicateRate: 0,
};

export const failureConfigPatchSchema = failureConfigSchema.partial();

/** mulberry32: a small seedable PRNG, so a run with failures can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
