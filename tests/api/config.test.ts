// core/config.ts: a production start is safe by default. With
// NODE_ENV=production and JWT_SECRET only it refuses, naming every setting
// it still needs at once; no demo data unless SEED=true (and then only with
// DEMO_PASSWORD, never the published password); the simulated payment
// provider only with SIMULATED_PROVIDER=true. Development keeps its
// zero-configuration defaults.
import { ConfigError, defaultGuestLane, loadConfig, publishedDemoPassword } from "../../core/config.ts";
import { defaultSharedBuffersMb } from "../../core/embedded-postgres.ts";
import { productionEnv } from "../helpers/production-env.ts";

const jwtSecret = "a-production-jwt-secret-of-at-least-32-chars";
const production = productionEnv(jwtSecret);

/** The problems a ConfigError lists, one setting name each (null when loadConfig accepts the environment). */
function problemsOf(env: Record<string, string>): string[] | null {
  try {
    loadConfig(env);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split("\n").slice(1).map((line) => line.trim().split(":")[0]!);
  }
}

function messageOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("loadConfig accepted the environment");
}

const without = (env: Record<string, string>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(env).filter(([key]) => !keys.includes(key)));

describe("production", () => {
  it("NODE_ENV=production and JWT_SECRET alone (what the docs used to say) refuse to start, naming every missing setting at once", () => {
    const message = messageOf({ NODE_ENV: "production", JWT_SECRET: jwtSecret });
    expect(problemsOf({ NODE_ENV: "production", JWT_SECRET: jwtSecret })).toEqual([
      "PUBLIC_URL", "PAYMENT_PROVIDER_URL", "PAYMENT_PROVIDER_API_KEY", "PAYMENT_WEBHOOK_SECRET", "SMTP_URL",
    ]);
    // Each says what to give instead, e.g. the simulated provider on purpose.
    expect(message).toContain("SIMULATED_PROVIDER=true");
    expect(message).toContain("OUTBOX_DIR");
  });

  it("a missing JWT_SECRET is listed with the other problems, invalid values included", () => {
    expect(problemsOf({ ...without(production, "JWT_SECRET", "PAYMENT_WEBHOOK_SECRET"), PORT: "not-a-port" })).toEqual([
      "PORT", "JWT_SECRET", "PAYMENT_WEBHOOK_SECRET",
    ]);
  });

  it("with every setting given: no demo data, no simulated provider, no internal channel URLs, nothing to warn about", () => {
    const config = loadConfig(production);
    expect(config).toMatchObject({
      isProduction: true,
      SEED: false,
      demoPassword: null,
      simulatedProvider: false,
      paymentProviderUrl: "https://payments.example.test",
      publicUrl: "https://book.example.test",
      channelAllowInternalUrls: false,
      warnings: [],
    });
  });

  it("a real provider needs its URL, API key and webhook secret; each missing one is named", () => {
    for (const key of ["PAYMENT_PROVIDER_URL", "PAYMENT_PROVIDER_API_KEY", "PAYMENT_WEBHOOK_SECRET"]) {
      expect(problemsOf(without(production, key))).toEqual([key]);
    }
    expect(problemsOf({ ...production, SIMULATED_PROVIDER: "false" })).toBeNull();
  });

  it("the simulated provider only when SIMULATED_PROVIDER=true is given, which needs no provider settings and is warned about", () => {
    const config = loadConfig({
      ...without(production, "PAYMENT_PROVIDER_URL", "PAYMENT_PROVIDER_API_KEY", "PAYMENT_WEBHOOK_SECRET"),
      SIMULATED_PROVIDER: "true",
    });
    expect(config.simulatedProvider).toBe(true);
    expect(config.paymentProviderUrl).toBe("https://book.example.test/simulated-provider");
    expect(config.warnings).toEqual([expect.stringContaining("SIMULATED_PROVIDER=true")]);
  });

  it("demo data only with SEED=true, and then only with a DEMO_PASSWORD of at least 12 characters that is not the published one", () => {
    expect(problemsOf({ ...production, SEED: "true" })).toEqual(["DEMO_PASSWORD"]);
    expect(problemsOf({ ...production, SEED: "true", DEMO_PASSWORD: publishedDemoPassword })).toEqual(["DEMO_PASSWORD"]);
    expect(problemsOf({ ...production, SEED: "true", DEMO_PASSWORD: "too-short" })).toEqual(["DEMO_PASSWORD"]);
    const config = loadConfig({ ...production, SEED: "true", DEMO_PASSWORD: "a-chosen-demo-password" });
    expect(config).toMatchObject({ SEED: true, demoPassword: "a-chosen-demo-password" });
    expect(config.warnings).toEqual([expect.stringContaining("SEED=true")]);
    // DEMO_PASSWORD alone loads nothing: SEED stays off.
    expect(loadConfig({ ...production, DEMO_PASSWORD: "a-chosen-demo-password" }).SEED).toBe(false);
  });

  it("mail: SMTP_URL, or a local outbox only when OUTBOX_DIR is given (warned about)", () => {
    expect(problemsOf(without(production, "SMTP_URL"))).toEqual(["SMTP_URL"]);
    const config = loadConfig({ ...without(production, "SMTP_URL"), OUTBOX_DIR: "/var/spool/keepr" });
    expect(config.outboxDir).toBe("/var/spool/keepr");
    expect(config.warnings).toEqual([expect.stringContaining("OUTBOX_DIR")]);
  });

  it("a mail or SMS fallback needs its primary and must be another provider; SMS gateways are https; without SMS_URL texts stay on disk (warned about)", () => {
    expect(problemsOf({ ...production, SMTP_FALLBACK_URL: "smtps://backup.example.test" })).toBeNull();
    expect(problemsOf({ ...without(production, "SMTP_URL"), OUTBOX_DIR: "/var/spool/keepr", SMTP_FALLBACK_URL: "smtps://backup.example.test" })).toEqual(["SMTP_FALLBACK_URL"]);
    expect(problemsOf({ ...production, SMTP_FALLBACK_URL: production.SMTP_URL! })).toEqual(["SMTP_FALLBACK_URL"]);
    expect(problemsOf({ ...production, SMTP_FALLBACK_URL: "http://backup.example.test" })).toEqual(["SMTP_FALLBACK_URL"]);
    expect(problemsOf({ ...production, SMS_URL: "http://127.0.0.1:9000/sms" })).toEqual(["SMS_URL"]);
    expect(problemsOf({ ...production, SMS_FALLBACK_URL: "http://sms.backup.example.test" })).toEqual(["SMS_FALLBACK_URL"]);
    expect(problemsOf({ ...production, SMS_FALLBACK_URL: "https://sms.backup.example.test" })).toBeNull();
    expect(problemsOf({ ...without(production, "SMS_URL"), SMS_FALLBACK_URL: "https://sms.backup.example.test" })).toEqual(["SMS_FALLBACK_URL"]);
    expect(loadConfig(without(production, "SMS_URL")).warnings).toEqual([expect.stringContaining("SMS_URL")]);
    // Outside production a gateway on this machine may be plain http; another host may not.
    expect(problemsOf({ NODE_ENV: "development", SMS_URL: "http://127.0.0.1:9000/sms" })).toBeNull();
    expect(problemsOf({ NODE_ENV: "development", SMS_URL: "http://sms.example.test/sms" })).toEqual(["SMS_URL"]);
  });

  it("SENTRY_DSN must be a DSN (key, host, project), https in production; unset is fine", () => {
    expect(problemsOf({ ...production, SENTRY_DSN: "https://public@errors.example.test/42" })).toBeNull();
    for (const dsn of ["https://errors.example.test/42", "https://public@errors.example.test/", "not a url", "ftp://public@errors.example.test/42"]) {
      expect(problemsOf({ ...production, SENTRY_DSN: dsn })).toEqual(["SENTRY_DSN"]);
    }
    expect(problemsOf({ ...production, SENTRY_DSN: "http://public@127.0.0.1:9000/42" })).toEqual(["SENTRY_DSN"]);
    expect(problemsOf({ NODE_ENV: "development", SENTRY_DSN: "http://public@127.0.0.1:9000/42" })).toBeNull();
    expect(problemsOf({ NODE_ENV: "development", SENTRY_DSN: "http://public@errors.example.test/42" })).toEqual(["SENTRY_DSN"]);
  });

  it("TRACE_UI_URL is an http(s) URL with {traceId} where the trace id goes; unset is fine", () => {
    expect(problemsOf(production)).toBeNull();
    expect(loadConfig({ ...production, TRACE_UI_URL: "https://jaeger.example.com/trace/{traceId}" }).TRACE_UI_URL).toBe("https://jaeger.example.com/trace/{traceId}");
    for (const url of ["https://jaeger.example.com/search", "javascript:alert('{traceId}')", "not a url {traceId}"]) {
      expect({ url, problems: problemsOf({ ...production, TRACE_UI_URL: url }) }).toEqual({ url, problems: ["TRACE_UI_URL"] });
    }
  });

  it("PUBLIC_URL is required (links in emails), and CHANNEL_ALLOW_INTERNAL_URLS=true is warned about", () => {
    expect(problemsOf(without(production, "PUBLIC_URL"))).toEqual(["PUBLIC_URL"]);
    const config = loadConfig({ ...production, CHANNEL_ALLOW_INTERNAL_URLS: "true" });
    expect(config.channelAllowInternalUrls).toBe(true);
    expect(config.warnings).toEqual([expect.stringContaining("CHANNEL_ALLOW_INTERNAL_URLS=true")]);
  });
});

describe("development and test keep their defaults", () => {
  it.each(["development", "test"])("%s: demo data with the published password, the simulated provider, the local outbox, no warnings", (NODE_ENV) => {
    const config = loadConfig({ NODE_ENV });
    expect(config).toMatchObject({
      isProduction: false,
      SEED: true,
      demoPassword: publishedDemoPassword,
      simulatedProvider: true,
      paymentProviderUrl: "http://127.0.0.1:3000/simulated-provider",
      outboxDir: ".data/outbox",
      channelAllowInternalUrls: true,
      warnings: [],
    });
    expect(loadConfig({ NODE_ENV, SEED: "false" }).SEED).toBe(false);
    expect(loadConfig({ NODE_ENV, PAYMENT_PROVIDER_URL: "http://127.0.0.1:4000/simulated-provider" }).simulatedProvider).toBe(false);
    expect(problemsOf({ NODE_ENV, SIMULATED_PROVIDER: "false" })).toEqual(["PAYMENT_PROVIDER_URL"]);
    expect(problemsOf({ NODE_ENV, DATABASE_URL: "postgres://keepr_owner@db/keepr" })).toEqual(["AUTH_DATABASE_URL"]);
  });
});

describe("the embedded Postgres's shared_buffers", () => {
  it("an eighth of the machine's memory, 128 MB to 2 GB, unless EMBEDDED_PG_SHARED_BUFFERS_MB says (16 MB at least)", () => {
    const gib = 2 ** 30;
    expect([0.5, 1, 2, 8, 16, 23.4, 64, 512].map((g) => defaultSharedBuffersMb(g * gib))).toEqual([128, 128, 256, 1024, 2048, 2048, 2048, 2048]);
    expect(loadConfig({ NODE_ENV: "development" }).EMBEDDED_PG_SHARED_BUFFERS_MB).toBeUndefined();
    expect(loadConfig({ NODE_ENV: "development", EMBEDDED_PG_SHARED_BUFFERS_MB: "512" }).EMBEDDED_PG_SHARED_BUFFERS_MB).toBe(512);
    for (const bad of ["8", "1.5", "lots"]) expect(problemsOf({ NODE_ENV: "development", EMBEDDED_PG_SHARED_BUFFERS_MB: bad })).toEqual(["EMBEDDED_PG_SHARED_BUFFERS_MB"]);
  });
});

describe("the guest lane's width", () => {
  it("one more guest read at once than the machine has cores, below the pool, unless API_PUBLIC_READ_CONCURRENCY says (0: off)", () => {
    expect([1, 2, 4, 16, 64].map((cores) => defaultGuestLane(10, cores))).toEqual([2, 3, 5, 9, 9]);
    expect(defaultGuestLane(1, 8)).toBe(1);
    expect(defaultGuestLane(2, 8)).toBe(1);
    expect(loadConfig({ NODE_ENV: "development" }).API_PUBLIC_READ_CONCURRENCY).toBe(defaultGuestLane(10));
    expect(loadConfig({ NODE_ENV: "development", API_POOL_SIZE: "3" }).API_PUBLIC_READ_CONCURRENCY).toBe(defaultGuestLane(3));
    expect(loadConfig({ NODE_ENV: "development", API_PUBLIC_READ_CONCURRENCY: "0" }).API_PUBLIC_READ_CONCURRENCY).toBe(0);
    expect(loadConfig({ NODE_ENV: "development", API_PUBLIC_READ_CONCURRENCY: "5" }).API_PUBLIC_READ_CONCURRENCY).toBe(5);
    for (const bad of ["-1", "1.5", "many"]) expect(problemsOf({ NODE_ENV: "development", API_PUBLIC_READ_CONCURRENCY: bad })).toEqual(["API_PUBLIC_READ_CONCURRENCY"]);
  });
});
