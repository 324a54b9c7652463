// The shape check a feed passes before any of it is read: is this text an
// RFC 5545 iCalendar at all? A failed export can begin with BEGIN:VCALENDAR
// and end with END:VCALENDAR and hold nothing a calendar holds; read as a
// calendar it would say "no bookings" and release every block of the unit.
// So a feed is applied only when every line is a content line or a fold,
// its components are balanced and properly nested, each VCALENDAR has
// VERSION:2.0 and a PRODID, and each VEVENT has a DTSTART. Anything else is
// reported with the (physical, 1-based) line it was found on.
//
// What real channels do and RFC 5545 allows, or is harmless, passes: CRLF
// or LF line ends, a BOM, blank lines anywhere, folds with a space or a tab,
// repeated PRODID, X- and unknown properties and components (VTIMEZONE,
// VALARM, ...), parameters quoted or not (an unquoted one with Apple's
// backslash-escaped ";" or ","), several VCALENDARs in one file.
// Property values are not checked here: the parser reads the ones it uses
// and refuses a value it cannot read.

export interface CalendarProblem {
  /** 1-based physical line number in the feed as served (a BOM is not a line). */
  line: number;
  reason: string;
}

interface LogicalLine {
  /** The physical line it begins on. */
  line: number;
  text: string;
}

interface OpenComponent {
  name: string;
  line: number;
  properties: Set<string>;
}

const NAME = /^[A-Za-z0-9-]+/;
// A component's name in BEGIN/END (iana-token or x-name).
const COMPONENT_NAME = /^([A-Za-z0-9-]+)$/;
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;
// Component names that are never property names: a line such as
// "VEVENT: Test" is a mangled BEGIN, not a property.
const COMPONENT_NAMES = new Set(["VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VALARM"]);

/** The first thing that makes `text` not an RFC 5545 calendar, or null when it is one. */
export function findCalendarProblem(text: string): CalendarProblem | null {
  const body = text.replace(/^\uFEFF/, "");
  const physical = body.split(/\r?\n/);
  const lastContentIndex = findLastIndex(physical, (line) => line.trim() !== "");
  if (lastContentIndex < 0) return { line: 1, reason: "the feed is empty" };

  const logical: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  for (let index = 0; index <= lastContentIndex; index++) {
    const line = physical[index]!;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (current) current.text += line.slice(1);
      else if (line.trim() !== "") {
        return { line: index + 1, reason: `a continuation line (it begins with a space or tab) with no line before it to continue: ${quote(line)}` };
      }
    } else if (line === "") {
      current = null;
    } else {
      current = { line: index + 1, text: line };
      logical.push(current);
    }
  }

  const first = logical[0]!;
  if (!/^BEGIN:VCALENDAR$/i.test(first.text)) {
    return { line: first.line, reason: `the feed does not begin with BEGIN:VCALENDAR${lookalike(first.text)}: ${quote(first.text)}` };
  }

  const open: OpenComponent[] = [];
  for (const [position, { line, text: content }] of logical.entries()) {
    const parsed = parseContentLine(content);
    if (typeof parsed === "string") {
      // The last line of a feed that stops inside a component: a download
      // cut off mid-line.
      if (position === logical.length - 1 && open.length > 0) {
        return { line, reason: `the feed is truncated: it stops mid-line inside ${describe(open.at(-1)!)}: ${quote(content)}` };
      }
      return { line, reason: `not an iCalendar content line (${parsed}): ${quote(content)}` };
    }
    const name = parsed.name.toUpperCase();
    if (name === "BEGIN" || name === "END") {
      const componentName = COMPONENT_NAME.exec(parsed.value)?.[1]?.toUpperCase();
      if (!componentName) return { line, reason: `${name}: needs a component name: ${quote(content)}` };
      if (name === "BEGIN") {
        const parent = open.at(-1);
        if (!parent && componentName !== "VCALENDAR") return { line, reason: `BEGIN:${componentName} outside any VCALENDAR` };
        if (parent && componentName === "VCALENDAR") return { line, reason: `BEGIN:VCALENDAR inside ${describe(parent)}` };
        if (componentName === "VEVENT" && parent!.name !== "VCALENDAR") return { line, reason: `BEGIN:VEVENT inside ${describe(parent!)}, not directly in the VCALENDAR` };
        open.push({ name: componentName, line, properties: new Set() });
        continue;
      }
      const closing = open.pop();
      if (!closing) return { line, reason: `END:${componentName} with no component open` };
      if (closing.name !== componentName) return { line, reason: `END:${componentName} where ${describe(closing)} should end first` };
      const missing = missingProperty(closing);
      if (missing) return { line, reason: `${describe(closing)} ends without ${missing}` };
      continue;
    }
    const component = open.at(-1);
    if (!component) return { line, reason: `${name} outside any VCALENDAR (after its END)` };
    if (COMPONENT_NAMES.has(name)) return { line, reason: `${name} is a component's name, not a property's (a broken BEGIN:${name}?): ${quote(content)}` };
    if (name === "VERSION" && component.name === "VCALENDAR" && parsed.value.trim() !== "2.0") {
      return { line, reason: `VERSION:${parsed.value.trim()}: only iCalendar 2.0 is read` };
    }
    component.properties.add(name);
  }
  const unclosed = open.at(-1);
  if (unclosed) {
    const lastLine = logical.at(-1)!.line;
    return { line: lastLine, reason: `the feed is truncated: it ends inside ${describe(unclosed)}${open.length > 1 ? `, with ${open.length - 1} more open around it` : ""} (no END:${unclosed.name})` };
  }
  return null;
}

function missingProperty(component: OpenComponent): string | null {
  if (component.name === "VCALENDAR") {
    if (!component.properties.has("VERSION")) return "VERSION:2.0";
    if (!component.properties.has("PRODID")) return "PRODID";
  }
  if (component.name === "VEVENT" && !component.properties.has("DTSTART")) return "DTSTART";
  return null;
}

/** name *(";" param) ":" value, or what is wrong with it. */
function parseContentLine(content: string): { name: string; value: string } | string {
  const name = NAME.exec(content)?.[0];
  if (!name) return "it does not begin with a property name";
  let at = name.length;
  while (content[at] === ";") {
    at += 1;
    const parameter = NAME.exec(content.slice(at))?.[0];
    if (!parameter) return `a parameter of ${name} has no name`;
    at += parameter.length;
    if (content[at] !== "=") return `the parameter ${parameter} of ${name} has no "="`;
    do {
      at += 1;
      if (content[at] === '"') {
        const close = content.indexOf('"', at + 1);
        if (close < 0) return `the parameter ${parameter} of ${name} opens a quote it never closes`;
        if (CONTROL.test(content.slice(at + 1, close))) return `the parameter ${parameter} of ${name} holds a control character`;
        at = close + 1;
      } else {
        while (at < content.length && !';:,"'.includes(content[at]!)) {
          if (CONTROL.test(content[at]!)) return `the parameter ${parameter} of ${name} holds a control character`;
          // Apple Calendar (iOS, macOS, iCloud) escapes a ";" or "," in an
          // unquoted parameter value with a backslash, as in TEXT, e.g.
          // X-APPLE-STRUCTURED-LOCATION;X-TITLE=Hauptstraße 1-5\; 4041 Linz:…
          // RFC 5545 has no such escape, but the value is still one value.
          at += content[at] === "\\" && at + 1 < content.length && !CONTROL.test(content[at + 1]!) ? 2 : 1;
        }
      }
    } while (content[at] === ",");
  }
  if (content[at] !== ":") {
    return at === name.length && at === content.length ? `there is no ":" after ${name}` : `"${content[at] ?? "end of line"}" where ":" should follow ${name}${at > name.length ? " and its parameters" : ""}`;
  }
  return { name, value: content.slice(at + 1) };
}

function describe(component: OpenComponent): string {
  return `the ${component.name} begun on line ${component.line}`;
}

function lookalike(text: string): string {
  const start = text.trimStart();
  if (/^<(!doctype|html|\?xml|head|body)/i.test(start)) return " (it looks like an HTML page)";
  if (/^[{[]/.test(start)) return " (it looks like JSON)";
  if (/^BEGIN:/i.test(start)) return ` (it is a ${start.slice(6).trim().toUpperCase() || "component with no name"})`;
  return "";
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (test(items[index]!)) return index;
  return -1;
}
