// Keepr's built-in guest messages (Handlebars), per guest language
// (shared/guest-languages.ts: en, pt, es). A property can replace any of them
// with its own wording (notification_templates); a language Keepr does not
// speak, or a message a language lacks, falls back to English
// (tests/worker/guest_languages.test.ts fails while one is missing).
// The context is described in render.ts (NotificationContext).

import type { GuestLanguage } from "../../shared/guest-languages.ts";

export type Kind = "confirmation" | "modification" | "cancellation" | "pre_arrival" | "payment_receipt" | "payment_failed" | "checkout_thanks";

export interface EmailTemplate {
  subject: string;
  text: string;
  html: string;
}

export interface LanguageTemplates {
  email: Partial<Record<Kind, EmailTemplate>>;
  sms: Partial<Record<Kind, string>>;
}

/** Every kind of message, for the checks that each language has each one. */
export const kinds: readonly Kind[] = ["confirmation", "modification", "cancellation", "pre_arrival", "payment_receipt", "payment_failed", "checkout_thanks"];

const stay = "{{property.name}}, {{date stay.arrival}} – {{date stay.departure}} ({{nights stay.nights}})";
const staySummaryHtml = `<p><strong>{{property.name}}</strong><br>{{room_type}} · {{rate_plan}}<br>{{date stay.arrival}} – {{date stay.departure}} ({{nights stay.nights}}) · {{guests stay.adults stay.children stay.child_ages}}</p>`;
// Every message ends with who sends it, where it is and how to reach it: the hotel's name, address, phone and email.
// Built for email clients as caniemail.com knows them (tests/worker/email_lint.test.ts lints every message with
// @jsx-email/doiuse-email): nothing on <body> (many clients drop it), the styles on a <div> inside it (a layout
// <table> would want role="presentation", which Orange, Hey and Windows Mail drop; Outlook for Windows ignores the
// div's max-width and shows the message full width, which reads as well), inline styles only, line breaks as <br>
// (not CSS white-space).
const htmlFrame = (body: string) =>
  `<!doctype html><html lang="{{language}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{property.name}}</title></head>` +
  `<body><div style="max-width:560px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2328">${body}` +
  `<p style="color:#57606a">{{property.name}}{{#if property.address}}<br>{{property.address}}{{/if}}<br>{{property.city}}` +
  `{{#if property.contact_phone}}<br><a href="tel:{{tel property.contact_phone}}">{{property.contact_phone}}</a>{{/if}}` +
  `{{#if property.contact_email}}<br><a href="mailto:{{property.contact_email}}">{{property.contact_email}}</a>{{/if}}</p></div></body></html>`;
const footerText =
  "\n--\n{{property.name}}\n{{#if property.address}}{{property.address}}\n{{/if}}{{property.city}}\n" +
  "{{#if property.contact_phone}}{{property.contact_phone}}\n{{/if}}{{#if property.contact_email}}{{property.contact_email}}\n{{/if}}";
const instructionsText = "{{#if property.arrival_instructions}}\n{{property.arrival_instructions}}\n{{/if}}";
const instructionsHtml = `{{#if property.arrival_instructions}}<p>{{lines property.arrival_instructions}}</p>{{/if}}`;
const manageText = (words: string) => `{{#if manage_url}}${words} {{manage_url}}\n{{/if}}`;
const manageHtml = (words: string) => `{{#if manage_url}}<p><a href="{{manage_url}}">${words}</a></p>{{/if}}`;
// The stay's .ics the confirmation, change and cancellation emails carry (channels/stay-calendar.ts), said in words.
const calendarAdd = {
  en: "Add the stay to your calendar: open the attached file stay-{{code}}.ics.",
  pt: "Adicione a estadia ao seu calendário: abra o ficheiro anexo stay-{{code}}.ics.",
  es: "Añada la estancia a su calendario: abra el archivo adjunto stay-{{code}}.ics.",
};
const calendarRemove = {
  en: "The attached file stay-{{code}}.ics takes the stay off your calendar.",
  pt: "O ficheiro anexo stay-{{code}}.ics retira a estadia do seu calendário.",
  es: "El archivo adjunto stay-{{code}}.ics quita la estancia de su calendario.",
};
// A booking group's one confirmation lists every room (its type, guests, who sleeps there, its own code and price).
const groupText = (words: { group: string; room: string; total: string }) =>
  `{{#if group}}${words.group} {{group.code}}{{#if group.name}} · {{group.name}}{{/if}}\n` +
  `{{#each group.rooms}}${words.room} {{room_no}}: {{room_type}} · {{guests adults children child_ages}}{{#if guest_name}} · {{guest_name}}{{/if}} · {{code}} · {{money total}}\n{{/each}}` +
  `${words.total}: {{money group.total}}\n\n{{/if}}`;
const groupHtml = (words: { group: string; room: string; total: string }) =>
  `{{#if group}}<p><strong>${words.group} {{group.code}}</strong>{{#if group.name}} · {{group.name}}{{/if}}` +
  `{{#each group.rooms}}<br>${words.room} {{room_no}}: {{room_type}} · {{guests adults children child_ages}}{{#if guest_name}} · {{guest_name}}{{/if}} · {{code}} · {{money total}}{{/each}}` +
  `<br>${words.total}: <strong>{{money group.total}}</strong></p>{{/if}}`;
const groupWords = {
  en: { group: "Group booking", room: "Room", total: "Group total" },
  pt: { group: "Reserva de grupo", room: "Quarto", total: "Total do grupo" },
  es: { group: "Reserva de grupo", room: "Habitación", total: "Total del grupo" },
};
// A change of a whole group (changeGroupDates, cancelGroup) is one message: every room's new dates and price, the
// totals before and after; or every room it cancelled with its fee, and the refund. A room changed or cancelled on
// its own says which room of which group it is.
interface GroupChangeWords {
  changedSubject: string; changedIntro: string; total: string; before: string; difference: string;
  cancelledSubject: string; cancelledIntro: string; fee: string; noFee: string; fees: string;
  refund: string; noRefund: string; roomOf: string;
}
const groupChangeWords: Record<"en" | "pt" | "es", GroupChangeWords> = {
  en: {
    changedSubject: "Your group booking {{group.code}} was changed",
    changedIntro: "your group booking {{group.code}} at {{property.name}} now reads:",
    total: "Group total", before: "before the change", difference: "difference",
    cancelledSubject: "Your group booking {{group.code}} is cancelled",
    cancelledIntro: "your group booking {{group.code}} at {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) is cancelled. The rooms cancelled:",
    fee: "cancellation fee", noFee: "no cancellation fee", fees: "Cancellation fees",
    refund: "We are refunding {{money group.refund}} to your card; it can take 5 to 10 days to appear.", noRefund: "There is nothing to refund.",
    roomOf: "Room {{group.room_no}} of group booking {{group.code}}.",
  },
  pt: {
    changedSubject: "A sua reserva de grupo {{group.code}} foi alterada",
    changedIntro: "a sua reserva de grupo {{group.code}} em {{property.name}} é agora:",
    total: "Total do grupo", before: "antes da alteração", difference: "diferença",
    cancelledSubject: "A sua reserva de grupo {{group.code}} foi cancelada",
    cancelledIntro: "a sua reserva de grupo {{group.code}} em {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) foi cancelada. Os quartos cancelados:",
    fee: "taxa de cancelamento", noFee: "sem taxa de cancelamento", fees: "Taxas de cancelamento",
    refund: "Estamos a reembolsar {{money group.refund}} no seu cartão; pode demorar 5 a 10 dias a aparecer.", noRefund: "Não há nada a reembolsar.",
    roomOf: "Quarto {{group.room_no}} da reserva de grupo {{group.code}}.",
  },
  es: {
    changedSubject: "Su reserva de grupo {{group.code}} ha cambiado",
    changedIntro: "su reserva de grupo {{group.code}} en {{property.name}} queda así:",
    total: "Total del grupo", before: "antes del cambio", difference: "diferencia",
    cancelledSubject: "Su reserva de grupo {{group.code}} está cancelada",
    cancelledIntro: "su reserva de grupo {{group.code}} en {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) está cancelada. Las habitaciones canceladas:",
    fee: "gastos de cancelación", noFee: "sin gastos de cancelación", fees: "Gastos de cancelación",
    refund: "Le estamos reembolsando {{money group.refund}} en su tarjeta; puede tardar de 5 a 10 días en aparecer.", noRefund: "No hay nada que reembolsar.",
    roomOf: "Habitación {{group.room_no}} de la reserva de grupo {{group.code}}.",
  },
};
const groupRoomLine = (room: string) =>
  `${room} {{room_no}}: {{room_type}} · {{date arrival}} – {{date departure}} ({{nights nights}}) · {{guests adults children child_ages}}{{#if guest_name}} · {{guest_name}}{{/if}} · {{code}} · {{money total}}`;
const groupChangedText = (w: GroupChangeWords, room: string) =>
  `${w.changedIntro}\n\n{{#each group.rooms}}${groupRoomLine(room)}\n{{/each}}` +
  `${w.total}: {{money group.total}}{{#if group.before}} (${w.before}: {{money group.before}}; ${w.difference}: {{signedMoney group.difference}}){{/if}}\n\n`;
const groupChangedHtml = (w: GroupChangeWords, room: string) =>
  `<p>${w.changedIntro}</p><p><strong>{{property.name}}</strong>{{#each group.rooms}}<br>${groupRoomLine(room)}{{/each}}</p>` +
  `<p>${w.total}: <strong>{{money group.total}}</strong>{{#if group.before}} (${w.before}: {{money group.before}}; ${w.difference}: <strong>{{signedMoney group.difference}}</strong>){{/if}}</p>`;
const groupCancelLine = (w: GroupChangeWords, room: string) =>
  `${room} {{room_no}}: {{room_type}} · {{code}} · {{#if penalty}}${w.fee}: {{money penalty}}{{else}}${w.noFee}{{/if}}`;
const groupCancelledText = (w: GroupChangeWords, room: string) =>
  `${w.cancelledIntro}\n\n{{#each group.rooms}}${groupCancelLine(w, room)}\n{{/each}}` +
  `${w.fees}: {{money group.penalty}}\n{{#if group.refund}}${w.refund}{{else}}${w.noRefund}{{/if}}\n`;
const groupCancelledHtml = (w: GroupChangeWords, room: string) =>
  `<p>${w.cancelledIntro}</p><p>{{#each group.rooms}}${groupCancelLine(w, room)}<br>{{/each}}${w.fees}: <strong>{{money group.penalty}}</strong></p>` +
  `<p>{{#if group.refund}}${w.refund.replace("{{money group.refund}}", "<strong>{{money group.refund}}</strong>")}{{else}}${w.noRefund}{{/if}}</p>`;
/** Subject, text, html of a message that reads one way for a whole group's change, another for one booking. */
const groupOr = (whole: { subject: string; text: string; body: string }, one: { subject: string; text: string; body: string }): EmailTemplate => ({
  subject: `{{#if group.whole}}${whole.subject}{{else}}${one.subject}{{/if}}`,
  text: `{{#if group.whole}}${whole.text}{{else}}${one.text}{{/if}}`,
  html: htmlFrame(`{{#if group.whole}}${whole.body}{{else}}${one.body}{{/if}}`),
});
const roomOfText = (w: GroupChangeWords) => `{{#if group}}${w.roomOf}\n{{/if}}`;
const roomOfHtml = (w: GroupChangeWords) => `{{#if group}}<p>${w.roomOf}</p>{{/if}}`;
const arrivalText = "Check-in from {{check_in_time}}{{#if property.check_out_time}}, check-out until {{property.check_out_time}}{{/if}}.";
const arrivalTextPt = "Check-in a partir das {{check_in_time}}{{#if property.check_out_time}}, check-out até às {{property.check_out_time}}{{/if}}.";
const arrivalTextEs = "Entrada a partir de las {{check_in_time}}{{#if property.check_out_time}}, salida hasta las {{property.check_out_time}}{{/if}}.";

const en: LanguageTemplates = {
  email: {
    confirmation: {
      subject: "Your booking {{code}} at {{property.name}} is confirmed",
      text: `Hello {{guest.name}},\n\nyour booking is confirmed.\n\n${stay}\n{{room_type}} · {{rate_plan}} · {{guests stay.adults stay.children stay.child_ages}}\n{{#if extras}}Extras:\n{{#each extras}}- {{extraLine this}}\n{{/each}}{{/if}}Total: {{money total}}\nConfirmation code: {{code}}\n\n${groupText(groupWords.en)}${arrivalText}\n${instructionsText}{{terms}}\n\n${calendarAdd.en}\n\n${manageText("View, change or cancel your booking (with your code and this email address):")}${footerText}`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>your booking is confirmed.</p>${staySummaryHtml}{{#if extras}}<p>Extras:{{#each extras}}<br>{{extraLine this}}{{/each}}</p>{{/if}}<p>Total: <strong>{{money total}}</strong><br>Confirmation code: <strong>{{code}}</strong></p>${groupHtml(groupWords.en)}<p>${arrivalText}</p>${instructionsHtml}<p>{{terms}}</p><p>${calendarAdd.en}</p>${manageHtml("View, change or cancel your booking")}`),
    },
    modification: groupOr(
      { subject: `${groupChangeWords.en.changedSubject}`, text: `Hello {{guest.name}},\n\n${groupChangedText(groupChangeWords.en, groupWords.en.room)}{{terms}}\n\n${calendarAdd.en}\n\n${manageText("Your booking:")}${footerText}`, body: `<p>Hello {{guest.name}},</p>${groupChangedHtml(groupChangeWords.en, groupWords.en.room)}<p>{{terms}}</p><p>${calendarAdd.en}</p>${manageHtml("Your booking")}` },
      { subject: "Your booking {{code}} was changed", text: `Hello {{guest.name}},\n\nyour booking {{code}} now reads:\n\n${roomOfText(groupChangeWords.en)}${stay}\n{{room_type}} · {{rate_plan}} · {{guests stay.adults stay.children stay.child_ages}}\n{{#if extras}}Extras:\n{{#each extras}}- {{extraLine this}}\n{{/each}}{{/if}}Total: {{money total}}\n\n{{terms}}\n\n${calendarAdd.en}\n\n${manageText("Your booking:")}${footerText}`, body: `<p>Hello {{guest.name}},</p><p>your booking {{code}} now reads:</p>${roomOfHtml(groupChangeWords.en)}${staySummaryHtml}{{#if extras}}<p>Extras:{{#each extras}}<br>{{extraLine this}}{{/each}}</p>{{/if}}<p>Total: <strong>{{money total}}</strong></p><p>{{terms}}</p><p>${calendarAdd.en}</p>${manageHtml("Your booking")}` },
    ),
    cancellation: groupOr(
      { subject: `${groupChangeWords.en.cancelledSubject}`, text: `Hello {{guest.name}},\n\n${groupCancelledText(groupChangeWords.en, groupWords.en.room)}\n${calendarRemove.en}\n\n${manageText("Your booking:")}${footerText}`, body: `<p>Hello {{guest.name}},</p>${groupCancelledHtml(groupChangeWords.en, groupWords.en.room)}<p>${calendarRemove.en}</p>${manageHtml("Your booking")}` },
      { subject: "Your booking {{code}} is cancelled", text: `Hello {{guest.name}},\n\nyour booking {{code}} at {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) is cancelled.\n${roomOfText(groupChangeWords.en)}{{#if penalty}}Cancellation fee: {{money penalty}}.{{else}}No cancellation fee.{{/if}}\n{{#if refund}}We are refunding {{money refund}} to your card; it can take 5 to 10 days to appear.{{else}}There is nothing to refund.{{/if}}\n\n${calendarRemove.en}\n\n${manageText("Your booking:")}${footerText}`, body: `<p>Hello {{guest.name}},</p><p>your booking {{code}} at {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) is cancelled.</p>${roomOfHtml(groupChangeWords.en)}<p>{{#if penalty}}Cancellation fee: <strong>{{money penalty}}</strong>.{{else}}No cancellation fee.{{/if}}<br>{{#if refund}}We are refunding <strong>{{money refund}}</strong> to your card; it can take 5 to 10 days to appear.{{else}}There is nothing to refund.{{/if}}</p><p>${calendarRemove.en}</p>${manageHtml("Your booking")}` },
    ),
    pre_arrival: {
      subject: "See you soon at {{property.name}}",
      text: `Hello {{guest.name}},\n\nwe look forward to welcoming you on {{date stay.arrival}}. ${arrivalText}\n${instructionsText}\n{{property.name}}\n{{property.address}}\n{{property.city}}\n\nBooking {{code}}{{#if balance}} · still to pay: {{money balance}}{{/if}}\n\n${manageText("Your booking:")}`,
      html: htmlFrame(`<p>Hello {{guest.name}},</p><p>we look forward to welcoming you on {{date stay.arrival}}. ${arrivalText}</p>${instructionsHtml}<p>Booking {{code}}{{#if balance}} · still to pay: {{money balance}}{{/if}}</p>${manageHtml("Your booking")}`),
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
    cancellation: "{{property.name}}: {{#if group.whole}}group booking {{group.code}}{{else}}booking {{code}}{{/if}} is cancelled.",
  },
};

const pt: LanguageTemplates = {
  email: {
    confirmation: {
      subject: "A sua reserva {{code}} em {{property.name}} está confirmada",
      text: `Olá {{guest.name}},\n\na sua reserva está confirmada.\n\n${stay}\n{{room_type}} · {{rate_plan}} · {{guests stay.adults stay.children stay.child_ages}}\n{{#if extras}}Extras:\n{{#each extras}}- {{extraLine this}}\n{{/each}}{{/if}}Total: {{money total}}\nCódigo de confirmação: {{code}}\n\n${groupText(groupWords.pt)}${arrivalTextPt}\n${instructionsText}{{terms}}\n\n${calendarAdd.pt}\n\n${manageText("Ver, alterar ou cancelar a reserva (com o código e este email):")}${footerText}`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>a sua reserva está confirmada.</p>${staySummaryHtml}{{#if extras}}<p>Extras:{{#each extras}}<br>{{extraLine this}}{{/each}}</p>{{/if}}<p>Total: <strong>{{money total}}</strong><br>Código de confirmação: <strong>{{code}}</strong></p>${groupHtml(groupWords.pt)}<p>${arrivalTextPt}</p>${instructionsHtml}<p>{{terms}}</p><p>${calendarAdd.pt}</p>${manageHtml("Ver, alterar ou cancelar a reserva")}`),
    },
    modification: groupOr(
      { subject: `${groupChangeWords.pt.changedSubject}`, text: `Olá {{guest.name}},\n\n${groupChangedText(groupChangeWords.pt, groupWords.pt.room)}{{terms}}\n\n${calendarAdd.pt}\n\n${manageText("A sua reserva:")}${footerText}`, body: `<p>Olá {{guest.name}},</p>${groupChangedHtml(groupChangeWords.pt, groupWords.pt.room)}<p>{{terms}}</p><p>${calendarAdd.pt}</p>${manageHtml("A sua reserva")}` },
      { subject: "A sua reserva {{code}} foi alterada", text: `Olá {{guest.name}},\n\na sua reserva {{code}} é agora:\n\n${roomOfText(groupChangeWords.pt)}${stay}\n{{room_type}} · {{rate_plan}} · {{guests stay.adults stay.children stay.child_ages}}\n{{#if extras}}Extras:\n{{#each extras}}- {{extraLine this}}\n{{/each}}{{/if}}Total: {{money total}}\n\n{{terms}}\n\n${calendarAdd.pt}\n\n${manageText("A sua reserva:")}${footerText}`, body: `<p>Olá {{guest.name}},</p><p>a sua reserva {{code}} é agora:</p>${roomOfHtml(groupChangeWords.pt)}${staySummaryHtml}{{#if extras}}<p>Extras:{{#each extras}}<br>{{extraLine this}}{{/each}}</p>{{/if}}<p>Total: <strong>{{money total}}</strong></p><p>{{terms}}</p><p>${calendarAdd.pt}</p>${manageHtml("A sua reserva")}` },
    ),
    cancellation: groupOr(
      { subject: `${groupChangeWords.pt.cancelledSubject}`, text: `Olá {{guest.name}},\n\n${groupCancelledText(groupChangeWords.pt, groupWords.pt.room)}\n${calendarRemove.pt}\n\n${manageText("A sua reserva:")}${footerText}`, body: `<p>Olá {{guest.name}},</p>${groupCancelledHtml(groupChangeWords.pt, groupWords.pt.room)}<p>${calendarRemove.pt}</p>${manageHtml("A sua reserva")}` },
      { subject: "A sua reserva {{code}} foi cancelada", text: `Olá {{guest.name}},\n\na sua reserva {{code}} em {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) foi cancelada.\n${roomOfText(groupChangeWords.pt)}{{#if penalty}}Taxa de cancelamento: {{money penalty}}.{{else}}Sem taxa de cancelamento.{{/if}}\n{{#if refund}}Estamos a reembolsar {{money refund}} no seu cartão; pode demorar 5 a 10 dias a aparecer.{{else}}Não há nada a reembolsar.{{/if}}\n\n${calendarRemove.pt}\n\n${manageText("A sua reserva:")}${footerText}`, body: `<p>Olá {{guest.name}},</p><p>a sua reserva {{code}} em {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) foi cancelada.</p>${roomOfHtml(groupChangeWords.pt)}<p>{{#if penalty}}Taxa de cancelamento: <strong>{{money penalty}}</strong>.{{else}}Sem taxa de cancelamento.{{/if}}<br>{{#if refund}}Estamos a reembolsar <strong>{{money refund}}</strong> no seu cartão; pode demorar 5 a 10 dias a aparecer.{{else}}Não há nada a reembolsar.{{/if}}</p><p>${calendarRemove.pt}</p>${manageHtml("A sua reserva")}` },
    ),
    pre_arrival: {
      subject: "Até breve em {{property.name}}",
      text: `Olá {{guest.name}},\n\nesperamos por si a {{date stay.arrival}}. ${arrivalTextPt}\n${instructionsText}\n{{property.name}}\n{{property.address}}\n{{property.city}}\n\nReserva {{code}}{{#if balance}} · por pagar: {{money balance}}{{/if}}\n\n${manageText("A sua reserva:")}`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>esperamos por si a {{date stay.arrival}}. ${arrivalTextPt}</p>${instructionsHtml}<p>Reserva {{code}}{{#if balance}} · por pagar: {{money balance}}{{/if}}</p>${manageHtml("A sua reserva")}`),
    },
    payment_receipt: {
      subject: "Pagamento recebido para a reserva {{code}}",
      text: `Olá {{guest.name}},\n\nrecebemos {{money payment.amount}} para a sua reserva {{code}} em {{property.name}}.\n{{#if balance}}Por pagar: {{money balance}}\n{{else}}A sua reserva está paga.\n{{/if}}`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>recebemos <strong>{{money payment.amount}}</strong> para a sua reserva {{code}} em {{property.name}}.</p><p>{{#if balance}}Por pagar: {{money balance}}{{else}}A sua reserva está paga.{{/if}}</p>`),
    },
    payment_failed: {
      subject: "O pagamento da reserva {{code}} não foi aceite",
      text: `Olá {{guest.name}},\n\no pagamento de {{money payment.amount}} da reserva {{code}} não foi aceite: {{payment.reason}}\nPague de novo com outro cartão na página da reserva{{#if manage_url}} ({{manage_url}}, com o código {{code}} e este email){{/if}}.\n{{#if payment_due_by}}Se continuar por pagar a {{moment payment_due_by}} (hora local de {{property.name}}), a reserva será cancelada segundo as suas condições.\n{{/if}}`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>o pagamento de {{money payment.amount}} da reserva {{code}} não foi aceite: {{payment.reason}}</p><p>Pague de novo com outro cartão {{#if manage_url}}na <a href="{{manage_url}}">página da reserva</a> (com o código {{code}} e este email){{else}}na página da reserva{{/if}}.</p>{{#if payment_due_by}}<p><strong>Se continuar por pagar a {{moment payment_due_by}}</strong> (hora local de {{property.name}}), a reserva será cancelada segundo as suas condições.</p>{{/if}}`),
    },
    checkout_thanks: {
      subject: "Obrigado pela sua estadia em {{property.name}}",
      text: `Olá {{guest.name}},\n\nobrigado pela sua estadia. Esperamos voltar a vê-lo.\n\n{{property.name}}\n`,
      html: htmlFrame(`<p>Olá {{guest.name}},</p><p>obrigado pela sua estadia. Esperamos voltar a vê-lo.</p>`),
    },
  },
  sms: {
    confirmation: "{{property.name}}: reserva {{code}} confirmada, {{date stay.arrival}} – {{date stay.departure}}.",
    pre_arrival: "{{property.name}}: até {{date stay.arrival}}, a partir das {{check_in_time}}. Reserva {{code}}.",
    cancellation: "{{property.name}}: {{#if group.whole}}a reserva de grupo {{group.code}}{{else}}a reserva {{code}}{{/if}} foi cancelada.",
  },
};

const es: LanguageTemplates = {
  email: {
    confirmation: {
      subject: "Su reserva {{code}} en {{property.name}} está confirmada",
      text: `Hola, {{guest.name}}:\n\nsu reserva está confirmada.\n\n${stay}\n{{room_type}} · {{rate_plan}} · {{guests stay.adults stay.children stay.child_ages}}\n{{#if extras}}Extras:\n{{#each extras}}- {{extraLine this}}\n{{/each}}{{/if}}Total: {{money total}}\nCódigo de confirmación: {{code}}\n\n${groupText(groupWords.es)}${arrivalTextEs}\n${instructionsText}{{terms}}\n\n${calendarAdd.es}\n\n${manageText("Ver, cambiar o cancelar su reserva (con su código y esta dirección de correo):")}${footerText}`,
      html: htmlFrame(`<p>Hola, {{guest.name}}:</p><p>su reserva está confirmada.</p>${staySummaryHtml}{{#if extras}}<p>Extras:{{#each extras}}<br>{{extraLine this}}{{/each}}</p>{{/if}}<p>Total: <strong>{{money total}}</strong><br>Código de confirmación: <strong>{{code}}</strong></p>${groupHtml(groupWords.es)}<p>${arrivalTextEs}</p>${instructionsHtml}<p>{{terms}}</p><p>${calendarAdd.es}</p>${manageHtml("Ver, cambiar o cancelar su reserva")}`),
    },
    modification: groupOr(
      { subject: `${groupChangeWords.es.changedSubject}`, text: `Hola, {{guest.name}}:\n\n${groupChangedText(groupChangeWords.es, groupWords.es.room)}{{terms}}\n\n${calendarAdd.es}\n\n${manageText("Su reserva:")}${footerText}`, body: `<p>Hola, {{guest.name}}:</p>${groupChangedHtml(groupChangeWords.es, groupWords.es.room)}<p>{{terms}}</p><p>${calendarAdd.es}</p>${manageHtml("Su reserva")}` },
      { subject: "Su reserva {{code}} ha cambiado", text: `Hola, {{guest.name}}:\n\nsu reserva {{code}} queda así:\n\n${roomOfText(groupChangeWords.es)}${stay}\n{{room_type}} · {{rate_plan}} · {{guests stay.adults stay.children stay.child_ages}}\n{{#if extras}}Extras:\n{{#each extras}}- {{extraLine this}}\n{{/each}}{{/if}}Total: {{money total}}\n\n{{terms}}\n\n${calendarAdd.es}\n\n${manageText("Su reserva:")}${footerText}`, body: `<p>Hola, {{guest.name}}:</p><p>su reserva {{code}} queda así:</p>${roomOfHtml(groupChangeWords.es)}${staySummaryHtml}{{#if extras}}<p>Extras:{{#each extras}}<br>{{extraLine this}}{{/each}}</p>{{/if}}<p>Total: <strong>{{money total}}</strong></p><p>{{terms}}</p><p>${calendarAdd.es}</p>${manageHtml("Su reserva")}` },
    ),
    cancellation: groupOr(
      { subject: `${groupChangeWords.es.cancelledSubject}`, text: `Hola, {{guest.name}}:\n\n${groupCancelledText(groupChangeWords.es, groupWords.es.room)}\n${calendarRemove.es}\n\n${manageText("Su reserva:")}${footerText}`, body: `<p>Hola, {{guest.name}}:</p>${groupCancelledHtml(groupChangeWords.es, groupWords.es.room)}<p>${calendarRemove.es}</p>${manageHtml("Su reserva")}` },
      { subject: "Su reserva {{code}} está cancelada", text: `Hola, {{guest.name}}:\n\nsu reserva {{code}} en {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) está cancelada.\n${roomOfText(groupChangeWords.es)}{{#if penalty}}Gastos de cancelación: {{money penalty}}.{{else}}Sin gastos de cancelación.{{/if}}\n{{#if refund}}Le estamos reembolsando {{money refund}} en su tarjeta; puede tardar de 5 a 10 días en aparecer.{{else}}No hay nada que reembolsar.{{/if}}\n\n${calendarRemove.es}\n\n${manageText("Su reserva:")}${footerText}`, body: `<p>Hola, {{guest.name}}:</p><p>su reserva {{code}} en {{property.name}} ({{date stay.arrival}} – {{date stay.departure}}, {{nights stay.nights}}) está cancelada.</p>${roomOfHtml(groupChangeWords.es)}<p>{{#if penalty}}Gastos de cancelación: <strong>{{money penalty}}</strong>.{{else}}Sin gastos de cancelación.{{/if}}<br>{{#if refund}}Le estamos reembolsando <strong>{{money refund}}</strong> en su tarjeta; puede tardar de 5 a 10 días en aparecer.{{else}}No hay nada que reembolsar.{{/if}}</p><p>${calendarRemove.es}</p>${manageHtml("Su reserva")}` },
    ),
    pre_arrival: {
      subject: "Hasta pronto en {{property.name}}",
      text: `Hola, {{guest.name}}:\n\nle esperamos el {{date stay.arrival}}. ${arrivalTextEs}\n${instructionsText}\n{{property.name}}\n{{property.address}}\n{{property.city}}\n\nReserva {{code}}{{#if balance}} · pendiente de pago: {{money balance}}{{/if}}\n\n${manageText("Su reserva:")}`,
      html: htmlFrame(`<p>Hola, {{guest.name}}:</p><p>le esperamos el {{date stay.arrival}}. ${arrivalTextEs}</p>${instructionsHtml}<p>Reserva {{code}}{{#if balance}} · pendiente de pago: {{money balance}}{{/if}}</p>${manageHtml("Su reserva")}`),
    },
    payment_receipt: {
      subject: "Pago recibido para la reserva {{code}}",
      text: `Hola, {{guest.name}}:\n\nhemos recibido {{money payment.amount}} para su reserva {{code}} en {{property.name}}.\n{{#if balance}}Pendiente de pago: {{money balance}}\n{{else}}Su reserva está pagada por completo.\n{{/if}}`,
      html: htmlFrame(`<p>Hola, {{guest.name}}:</p><p>hemos recibido <strong>{{money payment.amount}}</strong> para su reserva {{code}} en {{property.name}}.</p><p>{{#if balance}}Pendiente de pago: {{money balance}}{{else}}Su reserva está pagada por completo.{{/if}}</p>`),
    },
    payment_failed: {
      subject: "El pago de su reserva {{code}} no se ha completado",
      text: `Hola, {{guest.name}}:\n\nel pago de {{money payment.amount}} de la reserva {{code}} no se ha completado: {{payment.reason}}\nVuelva a pagar con otra tarjeta en la página de su reserva{{#if manage_url}} ({{manage_url}}, con su código {{code}} y esta dirección de correo){{/if}}.\n{{#if payment_due_by}}Si sigue sin pagar el {{moment payment_due_by}} (hora local de {{property.name}}), la reserva se cancelará según sus condiciones.\n{{/if}}`,
      html: htmlFrame(`<p>Hola, {{guest.name}}:</p><p>el pago de {{money payment.amount}} de la reserva {{code}} no se ha completado: {{payment.reason}}</p><p>Vuelva a pagar con otra tarjeta en {{#if manage_url}}<a href="{{manage_url}}">la página de su reserva</a> (con su código {{code}} y esta dirección de correo){{else}}la página de su reserva{{/if}}.</p>{{#if payment_due_by}}<p><strong>Si sigue sin pagar el {{moment payment_due_by}}</strong> (hora local de {{property.name}}), la reserva se cancelará según sus condiciones.</p>{{/if}}`),
    },
    checkout_thanks: {
      subject: "Gracias por alojarse en {{property.name}}",
      text: `Hola, {{guest.name}}:\n\ngracias por alojarse con nosotros. Esperamos volver a verle.\n\n{{property.name}}\n`,
      html: htmlFrame(`<p>Hola, {{guest.name}}:</p><p>gracias por alojarse con nosotros. Esperamos volver a verle.</p>`),
    },
  },
  sms: {
    confirmation: "{{property.name}}: reserva {{code}} confirmada, {{date stay.arrival}} – {{date stay.departure}}.",
    pre_arrival: "{{property.name}}: le esperamos el {{date stay.arrival}} a partir de las {{check_in_time}}. Reserva {{code}}.",
    cancellation: "{{property.name}}: {{#if group.whole}}la reserva de grupo {{group.code}}{{else}}la reserva {{code}}{{/if}} está cancelada.",
  },
};

/** Keepr's own wording in every guest language (typed by the registry: a new language fails typecheck here until it has its templates). */
export const builtInTemplates: Record<GuestLanguage, LanguageTemplates> = { en, pt, es };
