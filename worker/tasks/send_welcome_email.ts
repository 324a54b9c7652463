// Welcomes a newly registered user. Payload { id }: the task re-reads the
// user and returns quietly when they are gone. The one side effect (the
// email) is keyed by the user id, so a retried job never sends two.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { asWorker } from "../database.ts";
import type { Mailer } from "../mailer.ts";

const payloadSchema = z.object({ id: z.string().uuid() });

export function makeSendWelcomeEmail(deps: { mailer: Mailer; publicUrl: string }): Task {
  return async (rawPayload, helpers) => {
    const { id } = payloadSchema.parse(rawPayload);
    const user = await helpers.withPgClient((client) =>
      asWorker(client, async (c) => {
        const { rows } = await c.query<{ email: string; display_name: string }>(
          "select email, display_name from app_public.users where id = $1",
          [id],
        );
        return rows[0];
      }),
    );
    if (!user) {
      helpers.logger.info(`user ${id} no longer exists; no welcome email`);
      return;
    }
    await deps.mailer.send({
      id: `welcome-${id}`,
      to: user.email,
      subject: "Welcome to Keepr",
      text: `Hello ${user.display_name},\n\nyour Keepr account is ready. Sign in at ${deps.publicUrl} to find and manage your stays.\n\n— Keepr\n`,
      html: `<p>Hello ${escapeHtml(user.display_name)},</p><p>your Keepr account is ready. <a href="${escapeHtml(deps.publicUrl)}">Sign in</a> to find and manage your stays.</p><p>— Keepr</p>`,
    });
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
