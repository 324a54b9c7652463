// The address of a mailbox written as `Name <address>` (MAIL_FROM), for the
// worker's From header and the ORGANIZER of a stay's calendar file.

/** "Keepr <no-reply@keepr.local>" → "no-reply@keepr.local"; a bare address as it is. */
export function addressOf(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1]?.trim() ?? from.trim();
}
