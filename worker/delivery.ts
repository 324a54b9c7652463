// Delivery through a primary provider and a fallback (email: SMTP_URL and
// SMTP_FALLBACK_URL; SMS: SMS_URL and SMS_FALLBACK_URL), each behind a
// circuit breaker (opossum). A message goes to the first provider whose
// circuit is not open; when that provider does not take it, to the next.
//
// Exactly once: a provider that answered "no" (refused the connection,
// answered an error) did not take the message, so the next may. A provider
// that may have taken it (no answer after the message was sent: a timeout or
// a dropped connection after SMTP DATA) is never followed by another: the
// error says which provider, and the caller retries there only, later, with
// the same message id (the SMTP Message-ID, the SMS gateway's idempotency
// key), which the provider or the receiving server can deduplicate.
//
// A circuit opens after PROVIDER_BREAKER_FAILURES failures in a row (opossum's
// own rule, a failure percentage over a rolling window, never trips at a
// small hotel's volume, so the count is kept here and the breaker opened by
// hand); after PROVIDER_BREAKER_RESET_MS it lets one message through
// (half-open), closes when that succeeds, opens again when it fails. One
// breaker per provider per process, whatever the number of task lists.
//
// Metrics (prom-client's default registry):
//   keepr_notification_deliveries_total{channel,provider,outcome}  outcome=delivered|failed, one per try at a provider
//   keepr_provider_circuit_open{channel,provider}                  1 while open or half-open, 0 when closed
// provider is the provider's role, "primary" or "fallback".
import { EventEmitter } from "node:events";
import CircuitBreaker from "opossum";
import { Counter, Gauge } from "prom-client";

export type Channel = "email" | "sms";
export type ProviderRole = "primary" | "fallback";

/**
 * How a failed try at a provider ended:
 * - message: the provider refused this message for good (an address or
 *   number it will never take); no other provider is tried, and the
 *   provider itself is fine;
 * - refused: the provider did not take it (connection refused, an error
 *   answer); the next provider may;
 * - ambiguous: the provider may have taken it; only it may be asked again.
 */
export type FailureKind = "message" | "refused" | "ambiguous";

export interface Provider<M> {
  role: ProviderRole;
  /** What it is, for logs and errors: "smtp smtp.example.com:465", "outbox", "gateway sms.example.com". */
  label: string;
  send(message: M): Promise<{ messageId: string }>;
  /** Whether a failed send may be retried elsewhere; permanent: the same answer would come again (an SMTP 5xx). */
  classify(error: unknown): { kind: FailureKind; permanent: boolean };
}

/** A provider refused the message itself (a bad address): final, not an outage. */
export class MessageRefused extends Error {
  readonly provider: ProviderRole;
  constructor(message: string, provider: ProviderRole, cause: unknown) {
    super(message, { cause });
    this.name = "MessageRefused";
    this.provider = provider;
  }
}

/**
 * No provider took the message: each was down, refused it, or had its
 * circuit open; or one may have taken it (ambiguous). Retried by the job; an
 * expected outage, counted in the metrics rather than reported as an error.
 */
export class ProvidersUnavailable extends Error {
  /** Every provider tried answered a permanent refusal (and none was skipped): retrying will not help. */
  readonly permanent: boolean;
  /** The provider that may have taken the message: ask only it again. */
  readonly ambiguous: ProviderRole | null;
  constructor(message: string, options: { permanent?: boolean; ambiguous?: ProviderRole; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "ProvidersUnavailable";
    this.permanent = options.permanent ?? false;
    this.ambiguous = options.ambiguous ?? null;
  }
}

/** A delivery that retrying will not change: the message refused, or every provider refusing for good. */
export const isPermanentDeliveryError = (error: unknown): boolean =>
  error instanceof MessageRefused || (error instanceof ProvidersUnavailable && error.permanent);

export interface BreakerSettings {
  /** Failures in a row that open the circuit. */
  failures: number;
  /** How long it stays open before one message probes the provider. */
  resetMs: number;
}

const deliveries = new Counter({
  name: "keepr_notification_deliveries_total",
  help: "Tries at delivering a message (email or SMS) at a provider, by outcome: delivered (the provider took it) or failed.",
  labelNames: ["channel", "provider", "outcome"] as const,
});

const circuitOpen = new Gauge({
  name: "keepr_provider_circuit_open",
  help: "1 while the circuit breaker of a mail or SMS provider is open or half-open (its messages go to the fallback), 0 when closed.",
  labelNames: ["channel", "provider"] as const,
});

export type CircuitState = "closed" | "open" | "halfOpen";

/** Each circuit's changes, for the worker's log: "change" with { channel, provider, state }. */
export const circuitChanges = new EventEmitter<{ change: [{ channel: Channel; provider: ProviderRole; state: CircuitState }] }>();

type AnyProvider = Provider<unknown>;
type Breaker = CircuitBreaker<[AnyProvider, unknown], { messageId: string }>;

/** One breaker per provider (channel, role, where it is) in this process. */
const breakers = new Map<string, Breaker>();

function breakerOf(channel: Channel, provider: AnyProvider, key: string, settings: BreakerSettings): Breaker {
  const id = `${channel} ${provider.role} ${key}`;
  const existing = breakers.get(id);
  if (existing) return existing;
  const breaker: Breaker = new CircuitBreaker((p: AnyProvider, message: unknown) => p.send(message), {
    // The providers' own timeouts end a try (and close its connection);
    // opossum's would leave the send running and could not tell whether the
    // message had been handed over.
    timeout: false,
    resetTimeout: settings.resetMs,
    // Opened by hand below, after failures in a row.
    volumeThreshold: Number.MAX_SAFE_INTEGER,
    // A message refused for its own sake says the provider is up.
    errorFilter: (error: unknown) => provider.classify(error).kind === "message",
    name: id,
  });
  const labels = { channel, provider: provider.role };
  let inARow = 0;
  breaker.on("failure", () => {
    inARow += 1;
    if (breaker.closed && inARow >= settings.failures) breaker.open();
  });
  breaker.on("success", () => {
    inARow = 0;
  });
  const changed = (state: CircuitState) => circuitChanges.emit("change", { channel, provider: provider.role, state });
  breaker.on("open", () => {
    circuitOpen.set(labels, 1);
    changed("open");
  });
  breaker.on("halfOpen", () => {
    circuitOpen.set(labels, 1);
    changed("halfOpen");
  });
  breaker.on("close", () => {
    inARow = 0;
    circuitOpen.set(labels, 0);
    changed("closed");
  });
  circuitOpen.set(labels, 0);
  breakers.set(id, breaker);
  return breaker;
}

/** The state of a provider's circuit in this process (for tests and the logs): closed, open or halfOpen; null when it has none yet. */
export function circuitState(channel: Channel, role: ProviderRole, key: string): CircuitState | null {
  const breaker = breakers.get(`${channel} ${role} ${key}`);
  if (!breaker) return null;
  return breaker.halfOpen ? "halfOpen" : breaker.opened ? "open" : "closed";
}

export interface Failover<M> {
  /** The providers' labels, in order. */
  readonly providers: string[];
  /** Delivers to the first provider that takes it, or only to `only` (the one that may already have it). */
  send(message: M, options?: { only?: ProviderRole }): Promise<{ messageId: string; provider: ProviderRole }>;
}

/**
 * Delivery over providers in order, each with its breaker. key(provider)
 * names where a provider is (its URL or directory): two task lists of one
 * process share the breaker of a provider.
 */
export function failover<M>(channel: Channel, providers: Array<Provider<M> & { key: string }>, settings: BreakerSettings): Failover<M> {
  const entries = providers.map((provider) => ({ provider, breaker: breakerOf(channel, provider as AnyProvider, provider.key, settings) }));
  return {
    providers: providers.map((p) => `${p.role}: ${p.label}`),
    async send(message, options = {}) {
      const failures: string[] = [];
      let allPermanent = true;
      let lastError: unknown;
      for (const { provider, breaker } of entries) {
        if (options.only && provider.role !== options.only) continue;
        let sent: { messageId: string };
        try {
          sent = await breaker.fire(provider as AnyProvider, message);
        } catch (error) {
          lastError = error;
          if ((error as { code?: string }).code === "EOPENBREAKER") {
            failures.push(`${provider.role}: circuit open`);
            allPermanent = false;
            continue;
          }
          deliveries.inc({ channel, provider: provider.role, outcome: "failed" });
          const { kind, permanent } = provider.classify(error);
          const reason = error instanceof Error ? error.message : String(error);
          if (kind === "message") throw new MessageRefused(reason, provider.role, error);
          if (kind === "ambiguous") {
            throw new ProvidersUnavailable(`${provider.role} may have taken the message (${reason}); it is asked again later, no other provider is`, {
              ambiguous: provider.role, cause: error,
            });
          }
          failures.push(`${provider.role}: ${reason}`);
          allPermanent &&= permanent;
          continue;
        }
        deliveries.inc({ channel, provider: provider.role, outcome: "delivered" });
        return { messageId: sent.messageId, provider: provider.role };
      }
      throw new ProvidersUnavailable(`no ${channel} provider took the message: ${failures.join("; ") || "none configured"}`, {
        permanent: failures.length > 0 && allPermanent, cause: lastError,
      });
    },
  };
}
