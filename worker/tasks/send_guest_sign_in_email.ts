// Emails a guest the single-use link that signs them in (requestGuestSignIn).
// Payload { id } of the sign-in request: the task asks the database for the
// link's secret (derived from the id with a key only the database holds;
// the request row keeps only its hash), and returns quietly when the request
// is gone, used or expired. The one side effect (the email) is keyed by the
// request id, so a retried job never sends two.
// The secret travels in the link's fragment (#token=…), which browsers never
// send to a server, so it reaches no access log.
import type { Task } from "graphile-worker";
import { z } from "zod";
import { asWorker } from "../database.ts";
import type { Mailer } from "../mailer.ts";
import { escapeHtml } from "./send_welcome_email.ts";

const payloadSchema = z.object({ id: z.string().uuid() });

const texts = {
  en: {
    subject: "Your sign-in link",
    intro: "Use this link to sign in to your guest account. It works once, within 15 minutes.",
    action: "Sign in",
    ignore: "If you did not ask for it, ignore this email: nobody can sign in without the link.",
  },
  pt: {
    subject: "O seu link de acesso",
    intro: "Use este link para entrar na sua conta de hóspede. Funciona uma vez, durante 15 minutos.",
    action: "Entrar",
    ignore: "Se não o pediu, ignore este email: ninguém consegue entrar sem o link.",
  },
  es: {
    subject: "Su enlace de acceso",
    intro: "Use este enlace para entrar en su cuenta de huésped. Funciona una vez, durante 15 minutos.",
    action: "Entrar",
    ignore: "Si no lo ha pedido, ignore este correo: nadie puede entrar sin el enlace.",
  },
} as const;

export function makeSendGuestSignInEmail(deps: { mailer: Mailer; publicUrl: string }): Task {
  return async (rawPayload, helpers) => {
    const { id } = payloadSchema.parse(rawPayload);
    const request = await helpers.withPgClient((client) =>
      asWorker(client, async (c) => {
        const { rows } = await c.query<{ email: string; token: string; language: string }>(
          "select email, token, language from app_private.guest_sign_in_email($1)",
          [id],
        );
        return rows[0];
      }),
    );
    if (!request) {
      helpers.logger.info(`sign-in request ${id} is gone, used or expired; no email`);
      return;
    }
    const words = texts[request.language as keyof typeof texts] ?? texts.en;
    const link = `${deps.publicUrl.replace(/\/$/, "")}/account#token=${encodeURIComponent(request.token)}`;
    await deps.mailer.send({
      id: `guest-sign-in-${id}`,
      to: request.email,
      subject: words.subject,
      text: `${words.intro}\n\n${words.action}: ${link}\n\n${words.ignore}\n\n— Keepr\n`,
      html: `<p>${words.intro}</p><p><a href="${escapeHtml(link)}">${words.action}</a></p><p>${words.ignore}</p><p>— Keepr</p>`,
    });
  };
}
