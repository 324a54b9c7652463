// Reading the development outbox's emails in tests: an .eml's text with its
// quoted-printable soft line breaks joined and escapes decoded, and the
// guest sign-in link it carries.
import { readFileSync } from "node:fs";

/** An .eml as text a test can search (quoted-printable decoded, UTF-8). */
export function readableEmail(file: string): string {
  const raw = readFileSync(file, "utf8").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(raw, "latin1").toString("utf8");
}

/** The sign-in link of a guest sign-in email (send_guest_sign_in_email), or undefined. */
export function signInLinkOf(email: string): string | undefined {
  return /https?:\/\/[^\s"<>]+\/account#token=[A-Za-z0-9_-]{43}/.exec(email)?.[0];
}
