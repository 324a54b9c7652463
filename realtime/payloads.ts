// The payloads a client pushes on a channel (phx_join, broadcast, presence,
// access_token), validated with zod at the door. Shapes follow what
// realtime-js 2.119 sends (RealtimeChannel.subscribe/send/track and
// RealtimeClient.setAuth); unknown keys are ignored so newer clients still
// join, wrong types are refused with a message naming the field.
import { z } from "zod";

const postgresChangeSchema = z.object({
  event: z.string(),
  schema: z.string(),
  table: z.string().optional(),
  filter: z.string().optional(),
  select: z.array(z.string()).optional(),
});
export type PostgresChangeRequest = z.infer<typeof postgresChangeSchema>;

export const joinPayloadSchema = z.object({
  config: z
    .object({
      broadcast: z
        .object({
          self: z.boolean().optional(),
          ack: z.boolean().optional(),
          replay: z.unknown().optional(),
        })
        .optional(),
      presence: z.object({ key: z.string().optional(), enabled: z.boolean().optional() }).optional(),
      postgres_changes: z.array(postgresChangeSchema).optional(),
      private: z.boolean().optional(),
      postgres_changes_options: z.object({ wait: z.boolean().optional() }).optional(),
    })
    .optional(),
  access_token: z.string().nullable().optional(),
  /** The older clients' name for access_token. */
  user_token: z.string().nullable().optional(),
});
export type JoinPayload = z.infer<typeof joinPayloadSchema>;

/** A broadcast pushed as JSON: vsn 1.0.0 clients, and vsn 2.0.0 ones whose payload is not a user event. */
export const broadcastPayloadSchema = z.object({
  event: z.string().min(1),
  payload: z.unknown().optional(),
});

export const presencePayloadSchema = z.object({
  event: z.string().transform((event) => event.toLowerCase()).pipe(z.enum(["track", "untrack"])),
  payload: z.unknown().optional(),
});

export const accessTokenPayloadSchema = z.object({
  access_token: z.string().nullable().optional(),
});

/** One line naming the offending field, e.g. "config.postgres_changes.0.event: Invalid input: expected string". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "payload"}: ${issue.message}`).join("; ");
}
