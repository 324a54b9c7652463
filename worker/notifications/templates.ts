// Keepr's built-in guest messages (Handlebars), per language. A property
// can replace any of them with its own wording (notification_templates);
// a language without a built-in template falls back to English.
// The context is described in render.ts (NotificationContext).

export type Kind = "confirmation" | "modification" | "cancellation" | "pre_arrival" | "payment_receipt" | "payment_failed" | "checkout_thanks";

export interface EmailTemplate {
  subject: string;
  text: string;
  html: string;
}

export interface LanguageTemplates {
  email: Record<Kind, EmailTemplate>;
  sms: Partial<Record<Kind, string>>;
}

const stay = "{{property.name}}, {{date stay.arrival}} – {{date stay.departure}} ({{stay.nights}} {{#if (eq stay.nights 1)}}night{{else}}nights{{/if}})";
const staySummaryHtml = `<p><strong>{{property.name}}</strong><br>{{room_type}} · {{rate_plan}}<br>{{date stay.arrival}} – {{date stay.departure}} · {{stay.adults}} adult(s){{#if stay.children}}, {{stay.children}} child(ren){{/if}}</p>`;
const htmlFrame = (body: string) => `<!doctype html><html lang="{{language}}"><body style="font-family:system-ui,sans-serif;color:#111;max-width:560px">${body}<p style="color:#555">{{property.name}} · {{property.city}}</p></body></html>`;

const en: LanguageTemplates = {
  email: {
    confirmation: {
      subject: "Your booking {{code}} at {{property.name}} is confirmed",
      text: `Hello {{guest.name}},\n\nyour booking is confirmed.\n\n${stay}\n{{room_type}} · {{rate_plan}}\nTotal: {{money total}}\nConfirmation code: {{code}}\n\n{{cancellation_terms}}\n\nManage your booking with your code and email address.\n`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>your booking is confirmed.</p>${staySummaryHtml}<p>Total: <strong>{{money total}}</strong><br>Confirmation code: <strong>{{code}}</strong></p><p>{{cancellation_terms}}</p>`),
    },
    modification: {
      subject: "Your booking {{code}} was changed",
      text: `Hello {{guest.name}},\n\nyour booking {{code}} now reads:\n\n${stay}\n{{room_type}} · {{rate_plan}}\nTotal: {{money total}}\n`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>your booking {{code}} now reads:</p>${staySummaryHtml}<p>Total: <strong>{{money total}}</strong></p>`),
    },
    cancellation: {
      subject: "Your booking {{code}} is cancelled",
      text: `Hello {{guest.name}},\n\nyour booking {{code}} at {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}) is cancelled.\n{{#if penalty}}Cancellation fee: {{money penalty}}\n{{/if}}{{#if refund}}We refund {{money refund}} to your card.\n{{/if}}`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>your booking {{code}} at {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}) is cancelled.</p>{{#if penalty}}<p>Cancellation fee: {{money penalty}}</p>{{/if}}{{#if refund}}<p>We refund {{money refund}} to your card.</p>{{/if}}`),
    },
    pre_arrival: {
      subject: "See you soon at {{property.name}}",
      text: `Hello {{guest.name}},\n\nwe look forward to welcoming you on {{date stay.arrival}} from {{check_in_time}}.\n\n{{property.name}}\n{{property.address}}\n{{property.city}}\n\nBooking {{code}}{{#if balance}} · still to pay: {{money balance}}{{/if}}\n`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>we look forward to welcoming you on {{date stay.arrival}} from {{check_in_time}}.</p><p>{{property.address}}<br>{{property.city}}</p><p>Booking {{code}}{{#if balance}} · still to pay: {{money balance}}{{/if}}</p>`),
    },
    payment_receipt: {
      subject: "Payment received for booking {{code}}",
      text: `Hello {{guest.name}},\n\nwe received {{money payment.amount}} for your booking {{code}} at {{property.name}}.\n{{#if balance}}Still to pay: {{money balance}}\n{{else}}Your booking is paid in full.\n{{/if}}`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>we received <strong>{{money payment.amount}}</strong> for your booking {{code}} at {{property.name}}.</p><p>{{#if balance}}Still to pay: {{money balance}}{{else}}Your booking is paid in full.{{/if}}</p>`),
    },
    payment_failed: {
      subject: "Your payment for booking {{code}} did not go through",
      text: `Hello {{guest.name}},\n\nyour payment of {{money payment.amount}} for booking {{code}} did not go through: {{payment.reason}}\nPlease pay again with another card from your booking page{{#if manage_url}} ({{manage_url}}, with your code {{code}} and this email address){{/if}}.\n{{#if payment_due_by}}If it is still unpaid on {{moment payment_due_by}} ({{property.name}}'s local time), the booking will be cancelled under its terms.\n{{/if}}`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>your payment of {{money payment.amount}} for booking {{code}} did not go through: {{payment.reason}}</p><p>Please pay again with another card from {{#if manage_url}}<a href="{{manage_url}}">your booking page</a> (with your code {{code}} and this email address){{else}}your booking page{{/if}}.</p>{{#if payment_due_by}}<p><strong>If it is still unpaid on {{moment payment_due_by}}</strong> ({{property.name}}'s local time), the booking will be cancelled under its terms.</p>{{/if}}`),
    },
    checkout_thanks: {
      subject: "Thank you for staying at {{property.name}}",
      text: `Hello {{guest.name}},\n\nthank you for staying with us. We hope to see you again.\n\n{{property.name}}\n`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>thank you for staying with us. We hope to see you again.</p>`),
    },
  },
  sms: {
    confirmation: "{{property.name}}: booking {{code}} confirmed, {{date stay.arrival}} – {{date stay.departure}}.",
    pre_arrival: "{{property.name}}: see you on {{date stay.arrival}} from {{check_in_time}}. Booking {{code}}.",
    cancellation: "{{property.name}}: booking {{code}} is cancelled.",
  },
};

const pt: LanguageTemplates = {
  email: {
    confirmation: {
      subject: "A sua reserva {{code}} em {{property.name}} está confirmada",
      text: `Olá {{guest.name}},\n\na sua reserva está confirmada.\n\n{{property.name}}, {{date stay.arrival}} – {{date stay.departure}} ({{stay.nights}} {{#if (eq stay.nights 1)}}noite{{else}}noites{{/if}})\n{{room_type}} · {{rate_plan}}\nTotal: {{money total}}\nCódigo de confirmação: {{code}}\n\n{{cancellation_terms}}\n`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>a sua reserva está confirmada.</p><p><strong>{{property.name}}</strong><br>{{room_type}} · {{rate_plan}}<br>{{date stay.arrival}} – {{date stay.departure}}</p><p>Total: <strong>{{money total}}</strong><br>Código de confirmação: <strong>{{code}}</strong></p><p>{{cancellation_terms}}</p>`),
    },
    modification: {
      subject: "A sua reserva {{code}} foi alterada",
      text: `Olá {{guest.name}},\n\na sua reserva {{code}} é agora:\n\n{{property.name}}, {{date stay.arrival}} – {{date stay.departure}}\nTotal: {{money total}}\n`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>a sua reserva {{code}} é agora:</p><p>{{date stay.arrival}} – {{date stay.departure}}</p><p>Total: <strong>{{money total}}</strong></p>`),
    },
    cancellation: {
      subject: "A sua reserva {{code}} foi cancelada",
      text: `Olá {{guest.name}},\n\na sua reserva {{code}} em {{property.name}} foi cancelada.\n{{#if penalty}}Taxa de cancelamento: {{money penalty}}\n{{/if}}{{#if refund}}Reembolsamos {{money refund}} no seu cartão.\n{{/if}}`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>a sua reserva {{code}} em {{property.name}} foi cancelada.</p>{{#if penalty}}<p>Taxa de cancelamento: {{money penalty}}</p>{{/if}}{{#if refund}}<p>Reembolsamos {{money refund}} no seu cartão.</p>{{/if}}`),
    },
    pre_arrival: {
      subject: "Até breve em {{property.name}}",
      text: `Olá {{guest.name}},\n\nesperamos por si a {{date stay.arrival}} a partir das {{check_in_time}}.\n\n{{property.address}}\n{{property.city}}\n\nReserva {{code}}{{#if balance}} · por pagar: {{money balance}}{{/if}}\n`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>esperamos por si a {{date stay.arrival}} a partir das {{check_in_time}}.</p><p>Reserva {{code}}{{#if balance}} · por pagar: {{money balance}}{{/if}}</p>`),
    },
    payment_receipt: {
      subject: "Pagamento recebido para a reserva {{code}}",
      text: `Olá {{guest.name}},\n\nrecebemos {{money payment.amount}} para a sua reserva {{code}}.\n{{#if balance}}Por pagar: {{money balance}}\n{{else}}A sua reserva está paga.\n{{/if}}`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>recebemos <strong>{{money payment.amount}}</strong> para a sua reserva {{code}}.</p><p>{{#if balance}}Por pagar: {{money balance}}{{else}}A sua reserva está paga.{{/if}}</p>`),
    },
    payment_failed: {
      subject: "O pagamento da reserva {{code}} não foi aceite",
      text: `Olá {{guest.name}},\n\no pagamento de {{money payment.amount}} da reserva {{code}} não foi aceite: {{payment.reason}}\nPague de novo com outro cartão na página da reserva{{#if manage_url}} ({{manage_url}}, com o código {{code}} e este email){{/if}}.\n{{#if payment_due_by}}Se continuar por pagar a {{moment payment_due_by}} (hora local de {{property.name}}), a reserva será cancelada segundo as suas condições.\n{{/if}}`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>o pagamento de {{money payment.amount}} da reserva {{code}} não foi aceite: {{payment.reason}}</p><p>Pague de novo com outro cartão {{#if manage_url}}na <a href="{{manage_url}}">página da reserva</a> (com o código {{code}} e este email){{else}}na página da reserva{{/if}}.</p>{{#if payment_due_by}}<p><strong>Se continuar por pagar a {{moment payment_due_by}}</strong> (hora local de {{property.name}}), a reserva será cancelada segundo as suas condições.</p>{{/if}}`),
    },
    checkout_thanks: {
      subject: "Obrigado pela sua estadia em {{property.name}}",
      text: `Olá {{guest.name}},\n\nobrigado pela sua estadia. Esperamos voltar a vê-lo.\n`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>obrigado pela sua estadia. Esperamos voltar a vê-lo.</p>`),
    },
  },
  sms: {
    confirmation: "{{property.name}}: reserva {{code}} confirmada, {{date stay.arrival}} – {{date stay.departure}}.",
    pre_arrival: "{{property.name}}: até {{date stay.arrival}}, a partir das {{check_in_time}}. Reserva {{code}}.",
    cancellation: "{{property.name}}: a reserva {{code}} foi cancelada.",
  },
};

export const builtInTemplates: Record<string, LanguageTemplates> = { en, pt };
