// The settings a production start needs (core/config.ts refuses to start
// without them; docs/running.md, "Production checklist"): a real payment
// provider's three settings, SMTP, an SMS gateway, the public URL and the JWT
// secret. The provider, SMTP server and gateway named here are never reached
// by the tests that use this (no worker runs, no mail is sent).
export function productionEnv(jwtSecret: string): Record<string, string> {
  return {
    NODE_ENV: "production",
    JWT_SECRET: jwtSecret,
    PUBLIC_URL: "https://book.example.test",
    SMTP_URL: "smtp://127.0.0.1:1",
    SMS_URL: "https://sms.example.test/v1/messages",
    PAYMENT_PROVIDER_URL: "https://payments.example.test",
    PAYMENT_PROVIDER_API_KEY: "test-provider-api-key-0123456789",
    PAYMENT_WEBHOOK_SECRET: "test-webhook-secret-0123456789abcdef0123456789",
  };
}
