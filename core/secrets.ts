// Development secrets: generated on first start and kept in
// DATA_DIR/secrets.json (mode 600, git-ignored). Production passes them in
// the environment instead.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const secretsSchema = z.object({
  superuserPassword: z.string().min(16),
  ownerPassword: z.string().min(16),
  authenticatorPassword: z.string().min(16),
  analystPassword: z.string().min(16),
  realtimePassword: z.string().min(16),
  jwtSecret: z.string().min(32),
});
export type Secrets = z.infer<typeof secretsSchema>;

export const generateSecrets = (): Secrets => ({
  superuserPassword: randomBytes(18).toString("base64url"),
  ownerPassword: randomBytes(18).toString("base64url"),
  authenticatorPassword: randomBytes(18).toString("base64url"),
  analystPassword: randomBytes(18).toString("base64url"),
  realtimePassword: randomBytes(18).toString("base64url"),
  jwtSecret: randomBytes(48).toString("base64url"),
});

export function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) {
    // A secret added since the file was written is generated and kept.
    const stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const secrets = secretsSchema.parse({ ...generateSecrets(), ...stored });
    if (Object.keys(secrets).some((key) => !(key in stored))) writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
    return secrets;
  }
  const secrets = generateSecrets();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  return secrets;
}
