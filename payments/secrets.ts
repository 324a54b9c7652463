// The payment provider's secrets, read by the HTTP process (webhooks, the
// simulated provider) and the worker (provider calls).
import { createHmac } from "node:crypto";
import type { Config } from "../core/config.ts";

/**
 * The provider's webhook signing secret and API key: from the environment,
 * or derived from the JWT secret (one secret to keep, the others follow;
 * HMAC keeps them independent). Deriving only serves the simulated
 * provider: with a real one, production requires PAYMENT_PROVIDER_API_KEY
 * and PAYMENT_WEBHOOK_SECRET (with PAYMENT_PROVIDER_URL; core/config.ts).
 */
export function paymentSecretsOf(config: Config, jwtSecret: string): { webhookSecret: string; apiKey: string } {
  const derive = (purpose: string) => createHmac("sha256", jwtSecret).update(purpose).digest("base64url");
  return {
    webhookSecret: config.PAYMENT_WEBHOOK_SECRET ?? derive("keepr payment webhooks"),
    apiKey: config.PAYMENT_PROVIDER_API_KEY ?? derive("keepr payment provider api key"),
  };
}
