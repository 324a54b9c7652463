// The one place that reads the environment. Everything else receives a
// validated Config. See .env.example for every variable.
import { z } from "zod";

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** `npm run realtime` alone listens here (default PORT + 1); `npm start` serves realtime on PORT. */
  REALTIME_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  DATA_DIR: z.string().default(".data"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54320),
  DATABASE_URL: postgresUrl.optional(),
  AUTH_DATABASE_URL: postgresUrl.optional(),
  ROOT_DATABASE_URL: postgresUrl.optional(),
  SHADOW_DATABASE_URL: postgresUrl.optional(),
  /** A login with REPLICATION for the realtime server (external Postgres); the embedded one makes its own. */
  REALTIME_DATABASE_URL: postgresUrl.optional(),

  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
  SESSION_TOKEN_AUDIENCE: z.string().default("keepr"),

  SEED: booleanish.default(true),
  /** Whether `npm start` builds the browser apps (admin/dist, web/dist) when they are missing or out of date. */
  ADMIN_BUILD: booleanish.default(true),
  WORKER: booleanish.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),

  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  API_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  GRAPHQL_MAX_LIST_DEPTH: z.coerce.number().int().min(1).max(20).default(4),
  GRAPHQL_MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).default(100_000),

  OUTBOX_DIR: z.string().optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional(),
  MAIL_FROM: z.string().default("Keepr <no-reply@keepr.local>"),

  WORKER_DEAD_AFTER_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),

  PAYMENT_PROVIDER_URL: z.string().url().optional(),
  PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  PAYMENT_WEBHOOK_SECRET: z.string().min(32, "PAYMENT_WEBHOOK_SECRET must be at least 32 characters").optional(),
  PAYMENT_PROVIDER_API_KEY: z.string().min(16, "PAYMENT_PROVIDER_API_KEY must be at least 16 characters").optional(),
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  SIMULATED_PROVIDER: booleanish.optional(),

  CHANNEL_ALLOW_INTERNAL_URLS: booleanish.optional(),
  EXPORT_DIR: z.string().optional(),
  EXPORT_S3_BUCKET: z.string().min(3).max(63).optional(),
  EXPORT_S3_ENDPOINT: z.string().url().optional(),
  EXPORT_S3_REGION: z.string().default("us-east-1"),
  EXPORT_S3_PREFIX: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/, "must be empty or end with /").default("exports/"),
  EXPORT_S3_FORCE_PATH_STYLE: booleanish.optional(),
  EXPORT_S3_ACCESS_KEY_ID: z.string().optional(),
  EXPORT_S3_SECRET_ACCESS_KEY: z.string().optional(),
  EXPORT_DOWNLOAD_URL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
});

export type Config = z.infer<typeof schema> & {
  isProduction: boolean;
  outboxDir: string;
  publicUrl: string;
  /** Whether this server hosts the simulated payment provider (default: unless PAYMENT_PROVIDER_URL names another). */
  simulatedProvider: boolean;
  /** Where the worker reaches the payment provider. */
  paymentProviderUrl: string;
  /** Whether channel feed URLs may point at internal addresses (default: outside production). */
  channelAllowInternalUrls: boolean;
  /** Where export files are stored. */
  exportDir: string;
};

export class ConfigError extends Error {
  readonly code = "CONFIG";
}

/** Reads and validates the environment once. Throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ConfigError(`Invalid environment:\n${problems}`);
  }
  const c = parsed.data;
  if (c.DATABASE_URL && !c.AUTH_DATABASE_URL) {
    throw new ConfigError(
      "Invalid environment:\n  AUTH_DATABASE_URL: required with DATABASE_URL (the API connects as the authenticator role, never as the owner)",
    );
  }
  const isProduction = c.NODE_ENV === "production";
  if (isProduction && !c.JWT_SECRET) {
    throw new ConfigError("Invalid environment:\n  JWT_SECRET: required in production");
  }
  const publicUrl = c.PUBLIC_URL ?? `http://${c.HOST === "0.0.0.0" ? "localhost" : c.HOST}:${c.PORT}`;
  const simulatedProvider = c.SIMULATED_PROVIDER ?? !c.PAYMENT_PROVIDER_URL;
  if (!simulatedProvider && !c.PAYMENT_PROVIDER_URL) {
    throw new ConfigError("Invalid environment:\n  PAYMENT_PROVIDER_URL: required when SIMULATED_PROVIDER is off");
  }
  return {
    ...c,
    isProduction,
    outboxDir: c.OUTBOX_DIR ?? `${c.DATA_DIR}/outbox`,
    publicUrl,
    simulatedProvider,
    paymentProviderUrl: c.PAYMENT_PROVIDER_URL ?? `${publicUrl}/simulated-provider`,
    channelAllowInternalUrls: c.CHANNEL_ALLOW_INTERNAL_URLS ?? !isProduction,
    exportDir: c.EXPORT_DIR ?? `${c.DATA_DIR}/exports`,
  };
}
