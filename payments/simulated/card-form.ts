// The simulated provider's hosted card form: the page a merchant's checkout
// frames (as with a real provider's hosted fields), so the card number,
// expiry and CVC are typed into the provider's own page and posted by it to
// POST /v1/tokens; the merchant's page only ever receives the token, brand
// and last four digits, by postMessage. Keepr's guest app frames it in a
// sandboxed iframe without allow-same-origin: even on the same host, the
// app's scripts cannot read the fields.
//
//   GET <mount>/card-form?origin=<the merchant page's origin>&lang=en|pt|es
//   (a language of shared/guest-languages.ts; without lang, the browser's Accept-Language; else English)
//
// Messages (window.postMessage, every one with `source: "keepr-card-form"`):
//   merchant → form  { type: "tokenize", requestId }
//                    { type: "check", requestId }    show the fields' errors, do not tokenize
//   form → merchant  { type: "ready" }
//                    { type: "submit" }              Enter pressed in the form
//                    { type: "token", requestId, token: { id, brand, last4, expMonth, expYear } }
//                    { type: "error", requestId, code, message }
//                    { type: "checked", requestId, ok }
// The form answers only messages from `origin` and posts only to it.
//
// Who may frame it: the provider's own origin and the origins it is
// configured with (frameAncestors: Keepr passes its public URL), listed in
// the page's frame-ancestors; `origin` must be one of them (400 otherwise).
import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import { acceptedLanguages, fallbackLanguage, firstSpoken, isGuestLanguage, type GuestLanguage } from "../../shared/guest-languages.ts";

interface Labels {
  title: string; number: string; expiry: string; expiryPlaceholder: string; cvc: string; secure: string;
  invalid_number: string; invalid_expiry: string; expired: string; invalid_cvc: string; unavailable: string;
}

// One set per guest language (typed by the registry: a language added there fails typecheck here until it has its labels).
const labels: Record<GuestLanguage, Labels> = {
  en: {
    title: "Card details",
    number: "Card number",
    expiry: "Expiry (MM/YY)",
    expiryPlaceholder: "MM/YY",
    cvc: "CVC",
    secure: "Your card details go straight to the payment provider, never to the property.",
    invalid_number: "Enter a valid card number.",
    invalid_expiry: "Enter the expiry date as MM/YY.",
    expired: "This card has expired.",
    invalid_cvc: "Enter the 3-digit CVC (4 digits for American Express).",
    unavailable: "The payment service cannot be reached. Try again in a moment.",
  },
  pt: {
    title: "Dados do cartão",
    number: "Número do cartão",
    expiry: "Validade (MM/AA)",
    expiryPlaceholder: "MM/AA",
    cvc: "CVC",
    secure: "Os dados do cartão vão diretamente para o fornecedor de pagamentos, nunca para o alojamento.",
    invalid_number: "Introduza um número de cartão válido.",
    invalid_expiry: "Introduza a validade como MM/AA.",
    expired: "Este cartão expirou.",
    invalid_cvc: "Introduza o CVC de 3 dígitos (4 no American Express).",
    unavailable: "Não foi possível contactar o serviço de pagamentos. Tente de novo dentro de momentos.",
  },
  es: {
    title: "Datos de la tarjeta",
    number: "Número de tarjeta",
    expiry: "Caducidad (MM/AA)",
    expiryPlaceholder: "MM/AA",
    cvc: "CVC",
    secure: "Los datos de su tarjeta van directamente al proveedor de pagos, nunca al alojamiento.",
    invalid_number: "Introduzca un número de tarjeta válido.",
    invalid_expiry: "Introduzca la caducidad como MM/AA.",
    expired: "Esta tarjeta ha caducado.",
    invalid_cvc: "Introduzca el CVC de 3 dígitos (4 en American Express).",
    unavailable: "No se puede contactar con el servicio de pagos. Inténtelo de nuevo en un momento.",
  },
};
export type CardFormLanguage = GuestLanguage;

// Colours meet WCAG AA contrast on white (text #1f2328 15:1, muted #57606a 6.4:1, error #b42318 6.5:1).
const style = `
*{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff;color:#1f2328;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
form{display:grid;gap:10px;padding:2px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px}
label{display:block;font-weight:600;font-size:14px;margin-bottom:4px}
input{width:100%;min-height:44px;padding:8px 10px;font:inherit;border:1px solid #6e7781;border-radius:6px;background:#fff;color:inherit}
input:focus{outline:3px solid #0b5cad;outline-offset:1px;border-color:#0b5cad}
input[aria-invalid=true]{border-color:#b42318}
.error{margin:4px 0 0;color:#b42318;font-size:14px}
.errors{margin-top:-10px}
.errors:has(.error:not(:empty)){margin-top:-6px}
.error:empty{display:none}
label{white-space:nowrap}
.note{margin:0;color:#57606a;font-size:13px}
`;

const script = `
(function () {
  var params = new URLSearchParams(location.search);
  var origin = params.get("origin");
  var data = document.getElementById("labels").textContent;
  var text = JSON.parse(data);
  var tokensUrl = document.body.getAttribute("data-tokens-url");
  var form = document.getElementById("card");
  var fields = { number: document.getElementById("number"), expiry: document.getElementById("expiry"), cvc: document.getElementById("cvc") };
  var errorBox = document.getElementById("error");
  var fieldErrors = { number: document.getElementById("number-error"), expiry: document.getElementById("expiry-error"), cvc: document.getElementById("cvc-error") };
  function post(message) { message.source = "keepr-card-form"; parent.postMessage(message, origin); }
  function luhn(d) { var s = 0; for (var i = 0; i < d.length; i++) { var n = d.charCodeAt(d.length - 1 - i) - 48; if (i % 2) { n *= 2; if (n > 9) n -= 9; } s += n; } return s % 10 === 0; }
  // Every field's problem at once, each under its field; the focus goes to the first. A problem of no field
  // (the service unreachable) goes in the form's own error line.
  function mark(problems, message, keepFocus) {
    var first = null;
    for (var k in fields) {
      var p = problems && problems[k];
      if (p) { fields[k].setAttribute("aria-invalid", "true"); if (!first) first = k; } else { fields[k].removeAttribute("aria-invalid"); }
      fieldErrors[k].textContent = p ? p.message : "";
    }
    if (first && !keepFocus) fields[first].focus();
    errorBox.textContent = message || "";
  }
  fields.expiry.addEventListener("input", function () {
    var v = fields.expiry.value.replace(/[^0-9]/g, "").slice(0, 4);
    fields.expiry.value = v.length > 2 ? v.slice(0, 2) + "/" + v.slice(2) : v;
  });
  // Checks every field: { problems: {field: {code, message}}, first } or { card }.
  function check() {
    var problems = {}, first = null;
    function problem(field, code, message) { problems[field] = { code: code, message: message }; if (!first) first = field; }
    var digits = fields.number.value.replace(/[\\s-]/g, "");
    if (!/^[0-9]{12,19}$/.test(digits) || !luhn(digits)) problem("number", "invalid_number", text.invalid_number);
    var m = /^(0[1-9]|1[0-2])\\/?([0-9]{2})$/.exec(fields.expiry.value.replace(/\\s/g, ""));
    var month = m ? Number(m[1]) : 0, year = m ? 2000 + Number(m[2]) : 0, now = new Date();
    if (!m) problem("expiry", "invalid_expiry", text.invalid_expiry);
    else if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)) problem("expiry", "expired_card", text.expired);
    var amex = /^3[47]/.test(digits);
    if (!(amex ? /^[0-9]{4}$/ : /^[0-9]{3}$/).test(fields.cvc.value.trim())) problem("cvc", "invalid_cvc", text.invalid_cvc);
    if (first) return { problems: problems, first: first };
    return { card: { number: digits, exp_month: month, exp_year: year, cvc: fields.cvc.value.trim() } };
  }
  var busy = false;
  function tokenize(requestId) {
    if (busy) return;
    var checked = check();
    if (checked.first) {
      mark(checked.problems, "");
      var p = checked.problems[checked.first];
      var all = [];
      for (var k in checked.problems) all.push(checked.problems[k].message);
      post({ type: "error", requestId: requestId, code: p.code, message: all.join(" ") });
      return;
    }
    mark(null, "");
    busy = true;
    fetch(tokensUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(checked.card) })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (r) {
        busy = false;
        if (r.ok) {
          post({ type: "token", requestId: requestId, token: { id: r.body.id, brand: r.body.brand, last4: r.body.last4, expMonth: r.body.exp_month, expYear: r.body.exp_year } });
        } else {
          var code = r.body && r.body.error ? r.body.error.code : "card_error";
          var field = code === "invalid_number" ? "number" : code === "invalid_cvc" ? "cvc" : /expiry/.test(code) ? "expiry" : null;
          var message = field === "number" ? text.invalid_number : field === "cvc" ? text.invalid_cvc : field ? text.invalid_expiry : text.unavailable;
          var problems = {};
          if (field) problems[field] = { code: code, message: message };
          mark(problems, field ? "" : message);
          post({ type: "error", requestId: requestId, code: code, message: message });
        }
      }, function () {
        busy = false;
        mark(null, text.unavailable);
        post({ type: "error", requestId: requestId, code: "unavailable", message: text.unavailable });
      });
  }
  // Shows what is wrong with the card without tokenizing it (when the page's own fields are wrong too: every
  // error at once), keeping the focus where it is.
  function validate(requestId) {
    var checked = check();
    mark(checked.first ? checked.problems : null, "", true);
    post({ type: "checked", requestId: requestId, ok: !checked.first });
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== parent || !event.data) return;
    if (event.data.type === "tokenize") tokenize(String(event.data.requestId || ""));
    else if (event.data.type === "check") validate(String(event.data.requestId || ""));
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); post({ type: "submit" }); });
  post({ type: "ready" });
})();
`;

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
const styleHash = sha256(style);
const scriptHash = sha256(script);

/** The merchant origin the form talks to, or null when the parameter is not an http(s) origin. */
function merchantOrigin(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 200) return null;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value ? url.origin : null;
  } catch {
    return null;
  }
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface CardFormOptions {
  /** Origins (besides the provider's own) whose pages may frame the form. */
  frameAncestors?: readonly string[];
}

/** GET <mount>/card-form: the hosted card form page, frameable only by the provider's own origin and the configured ones. */
export function cardFormHandler(options: CardFormOptions = {}): (req: Request, res: Response) => void {
  // (Port 0, a server's "any port" before it listens, names no origin a browser can load.)
  const configured = (options.frameAncestors ?? [])
    .map((o) => new URL(o))
    .filter((u) => u.port !== "0")
    .map((u) => merchantOrigin(u.origin))
    .filter((o): o is string => o !== null);
  return (req, res) => sendCardForm(req, res, configured);
}

function sendCardForm(req: Request, res: Response, configured: readonly string[]): void {
  // The provider's own origin, when the Host header makes a well-formed one (nothing else may reach the policy).
  const self = merchantOrigin(`${req.protocol}://${req.get("host")}`);
  const ancestors = [...new Set([...(self ? [self] : []), ...configured])];
  const origin = merchantOrigin(req.query.origin);
  if (!origin || !ancestors.includes(origin)) {
    res.status(400).type("text").set("cache-control", "no-store")
      .send("origin must be the http(s) origin of the page framing the form, one this provider is configured to be framed by");
    return;
  }
  const lang: CardFormLanguage = isGuestLanguage(req.query.lang) ? req.query.lang : (firstSpoken(acceptedLanguages(req.get("accept-language"))) ?? fallbackLanguage);
  const text = labels[lang];
  const tokensUrl = `${req.baseUrl}/v1/tokens`;
  // Labels travel as JSON in a data block (not script): the hashed script stays the same for every language.
  const labelsJson = JSON.stringify(text).replace(/</g, "\\u003c");
  res
    .status(200)
    .set({
      "cache-control": "no-cache",
      // Without lang=, the words follow Accept-Language.
      vary: "Accept-Language",
      "content-security-policy": [
        "default-src 'none'",
        `script-src ${scriptHash}`,
        `style-src ${styleHash}`,
        // The form's document may be sandboxed (an opaque origin): name the provider's origin, not only 'self'.
        `connect-src 'self'${self ? ` ${self}` : ""}`,
        "form-action 'none'",
        "base-uri 'none'",
        `frame-ancestors 'self' ${ancestors.join(" ")}`,
      ].join("; "),
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
    })
    // frame-ancestors decides who frames the form: an X-Frame-Options the
    // host application sets for every page (Keepr's: DENY) would refuse all.
    .removeHeader("x-frame-options");
  res
    .type("html")
    .send(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
        `<title>${escapeHtml(text.title)}</title><style>${style}</style></head>` +
        `<body data-tokens-url="${escapeHtml(tokensUrl)}">` +
        `<form id="card" novalidate>` +
        `<div><label for="number">${escapeHtml(text.number)}</label><input id="number" name="cardnumber" inputmode="numeric" autocomplete="cc-number" maxlength="23" required aria-describedby="number-error error"><p id="number-error" class="error"></p></div>` +
        `<div class="pair"><div><label for="expiry">${escapeHtml(text.expiry)}</label><input id="expiry" name="exp-date" inputmode="numeric" autocomplete="cc-exp" maxlength="5" placeholder="${escapeHtml(text.expiryPlaceholder)}" required aria-describedby="expiry-error error"></div>` +
        `<div><label for="cvc">${escapeHtml(text.cvc)}</label><input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required aria-describedby="cvc-error error"></div></div>` +
        // The pair's errors under it, full width (a narrow column would wrap them in many lines).
        `<div class="errors"><p id="expiry-error" class="error"></p><p id="cvc-error" class="error"></p></div>` +
        `<p id="error" class="error" role="alert"></p><p class="note">${escapeHtml(text.secure)}</p>` +
        `<button type="submit" hidden tabindex="-1"></button></form>` +
        `<script type="application/json" id="labels">${labelsJson}</script>` +
        `<script>${script}</script></body></html>`,
    );
}
