// Messages with parameters and plurals, for the guest app and the guest
// emails: "{name}" is replaced by a parameter, and the ICU MessageFormat
// plural argument chooses the words by the language's own plural rules
// (Intl.PluralRules: English one/other; Portuguese one for 0 and 1 in pt-BR,
// for 1 only in pt-PT; other languages' few/many too):
//
//   "{count, plural, =0 {no nights} one {# night} other {# nights}}"
//
// `#` is the number, formatted for the locale. Only `plural` (and plain
// placeholders) are understood: that is all Keepr's messages need, and it
// costs a few hundred bytes in the guest app where intl-messageformat would
// cost about 15 KiB gzip. Text that is not a well-formed plural argument is
// left as written.

type Params = Record<string, string | number | bigint>;

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function rulesFor(locale: string): Intl.PluralRules {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules;
}

function numberFor(locale: string): Intl.NumberFormat {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
  return format;
}

/** The index of the `}` that closes the `{` at `open`, or -1. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

/** `one {…} other {…}` → [["one", "…"], ["other", "…"]], or null when malformed. */
function pluralOptions(text: string): Array<[string, string]> | null {
  const options: Array<[string, string]> = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const selector = /^(=\d+|zero|one|two|few|many|other)\s*\{/.exec(text.slice(i));
    if (!selector) return null;
    const open = i + selector[0].length - 1;
    const end = closing(text, open);
    if (end < 0) return null;
    options.push([selector[1]!, text.slice(open + 1, end)]);
    i = end + 1;
  }
  return options.some(([s]) => s === "other") ? options : null;
}

function choose(options: Array<[string, string]>, n: number, locale: string): string {
  const exact = options.find(([s]) => s === `=${n}`);
  if (exact) return exact[1];
  const category = rulesFor(locale).select(n);
  return (options.find(([s]) => s === category) ?? options.find(([s]) => s === "other"))![1];
}

/** The message with its parameters, plurals chosen for `locale`. */
export function formatMessage(text: string, params: Params | undefined, locale: string): string {
  if (!params || !text.includes("{")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{", i);
    if (open < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, open);
    const end = closing(text, open);
    if (end < 0) {
      out += text.slice(open);
      break;
    }
    const inner = text.slice(open + 1, end);
    const simple = /^\s*(\w+)\s*$/.exec(inner);
    const plural = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/.exec(inner);
    if (simple && simple[1]! in params) {
      out += String(params[simple[1]!]);
    } else if (plural && plural[1]! in params && Number.isFinite(Number(params[plural[1]!]))) {
      const n = Number(params[plural[1]!]);
      const options = pluralOptions(plural[2]!);
      if (options) {
        const chosen = choose(options, n, locale).replace(/#/g, numberFor(locale).format(n));
        out += formatMessage(chosen, params, locale);
      } else {
        out += text.slice(open, end + 1);
      }
    } else {
      out += text.slice(open, end + 1);
    }
    i = end + 1;
  }
  return out;
}
