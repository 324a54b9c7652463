// Payments on the HTTP side: the provider's webhook endpoint and, when
// config.simulatedProvider, the simulated provider itself (mounted at
// /simulated-provider, so the guest's browser tokenizes cards there and the
// worker charges them): by default outside production; in production only
// with SIMULATED_PROVIDER=true (core/config.ts), since it takes test cards.
import express, { type Request, type Response, type Router } from "express";
import type pg from "pg";
import { verifyWebhookSignature, webhookSignatureHeader } from "../payments/provider.ts";
import { createSimulatedProvider, type SimulatedProvider } from "../payments/simulated/service.ts";
import type { Config } from "../core/config.ts";
import { inTransaction } from "../core/sql.ts";
import { sendError } from "./errors.ts";
import { reportError } from "../core/error-reporting.ts";
import type { Logger } from "../core/logger.ts";
import { paymentWebhookEvents, paymentWebhookTypes } from "../core/metrics.ts";

const webhookTypeLabel = (type: unknown) => ((paymentWebhookTypes as readonly unknown[]).includes(type) ? (type as string) : "other");

/**
 * POST /webhooks/payments/:provider. Reads the raw body (the signature is
 * over its bytes), checks the HMAC and the timestamp tolerance, then applies
 * the event once in the database (deduplicated by event id there, so a
 * replay or two servers receiving the same event change nothing twice).
 */
export function webhookRouter(options: { config: Config; secret: string; ownerPool: pg.Pool; logger: Logger }): Router {
  const { config, secret, ownerPool } = options;
  const router = express.Router();
  router.post("/payments/:provider", express.raw({ type: () => true, limit: "1mb" }), async (req: Request, res: Response) => {
    const provider = String(req.params.provider);
    if (provider !== "simulated") return sendError(res, 404, "NOT_FOUND", "No such payment provider.");
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifyWebhookSignature(body, req.header(webhookSignatureHeader), secret, config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS);
    if (!verdict.ok) {
      paymentWebhookEvents.inc({ type: "unknown", result: "rejected" });
      req.log.warn({ reason: verdict.reason }, "payment webhook rejected");
      return verdict.reason === "stale_timestamp"
        ? sendError(res, 400, "WEBHOOK_TIMESTAMP_STALE", "The webhook's timestamp is outside the tolerance.")
        : sendError(res, 400, "WEBHOOK_SIGNATURE_INVALID", "The webhook's signature does not verify.");
    }
    let event: { id?: unknown; type?: unknown };
    try {
      event = JSON.parse(body.toString("utf8"));
    } catch {
      paymentWebhookEvents.inc({ type: "unknown", result: "rejected" });
      return sendError(res, 400, "BAD_REQUEST", "The webhook body is not JSON.");
    }
    if (typeof event.id !== "string" || typeof event.type !== "string") {
      paymentWebhookEvents.inc({ type: "unknown", result: "rejected" });
      return sendError(res, 400, "BAD_REQUEST", "The webhook event has no id or type.");
    }
    try {
      const result = await inTransaction(ownerPool, { role: "keepr_worker" }, async (client) =>
        (await client.query<{ result: string }>("select app_private.apply_payment_event($1, $2) as result", [provider, event])).rows[0]!.result);
      paymentWebhookEvents.inc({ type: webhookTypeLabel(event.type), result: ["applied", "duplicate", "ignored"].includes(result) ? result : "other" });
      req.log.info({ eventId: event.id, type: event.type, result }, "payment webhook");
      res.json({ received: true, result });
    } catch (error) {
      // The provider retries a failed delivery; the event was not recorded.
      paymentWebhookEvents.inc({ type: webhookTypeLabel(event.type), result: "error" });
      req.log.error({ err: error, eventId: event.id }, "payment webhook failed");
      reportError(error, { where: "http", tags: { route: "webhook" } });
      sendError(res, 503, "UNAVAILABLE", "The event could not be applied now; deliver it again.");
    }
  });
  return router;
}

/** The simulated provider, sending its webhooks to this server. */
export async function startSimulatedProvider(options: {
  config: Config;
  secret: string;
  apiKey: string;
  ownerPool: pg.Pool;
  logger: Logger;
  webhookBaseUrl: string;
}): Promise<SimulatedProvider> {
  const log = options.logger.child({ component: "simulated-provider" });
  return createSimulatedProvider({
    pool: options.ownerPool,
    webhookUrl: `${options.webhookBaseUrl}/webhooks/payments/simulated`,
    webhookSecret: options.secret,
    apiKey: options.apiKey,
    logger: {
      debug: (fields, message) => log.debug(fields, message),
      info: (fields, message) => log.info(fields, message),
      warn: (fields, message) => log.warn(fields, message),
      error: (fields, message) => log.error(fields, message),
    },
    failureControl: !options.config.isProduction,
    // The guest app frames the card form from the public URL (and from this server's own origin, always allowed).
    cardFormFrameAncestors: [options.config.publicUrl],
  });
}
