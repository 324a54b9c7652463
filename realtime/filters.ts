// postgres_changes filters: parsing the client's `column=op.value` strings
// and evaluating them against a replicated row. The syntax is the one
// realtime-js's RealtimePostgresFilterBuilder writes: conditions joined by
// commas (AND), an optional `not.` prefix, PostgREST-style double quotes
// around values holding `,()"\`, and `in.(a,b)` lists. Values compare by the
// column's type: numbers as exact decimals, booleans and uuids normalised,
// dates and timestamps as canonical ISO strings, anything else as text.
// SQL's three-valued logic applies: a comparison with NULL never matches,
// negated or not; only `is` tests for NULL.
import type { ChangeColumn } from "./types.ts";

export const supportedOperators = ["eq", "neq", "lt", "lte", "gt", "gte", "in", "is"] as const;
type Operator = (typeof supportedOperators)[number];

/** Operators newer clients can send that Keepr does not evaluate (yet). */
const unsupportedOperators = new Set(["like", "ilike", "match", "imatch", "isdistinct"]);
const isValues = new Set(["null", "true", "false", "unknown"]);

export interface FilterCondition {
  column: string;
  operator: Operator;
  negate: boolean;
  /** One value, except for `in` (any number). */
  values: string[];
}

export class FilterError extends Error {}

/** Parses a filter string (empty or absent: no condition); throws FilterError naming the problem. */
export function parseFilter(filter: string | undefined): FilterCondition[] {
  const trimmed = (filter ?? "").trim();
  if (trimmed === "") return [];
  return splitOutsideQuotes(trimmed, { nested: true }).map(parseCondition);
}

/** Whether every condition holds for the row. A column the row lacks never matches. */
export function matchesFilter(
  conditions: readonly FilterCondition[],
  row: Readonly<Record<string, string | null>> | null,
  columns: readonly ChangeColumn[],
): boolean {
  if (conditions.length === 0) return true;
  if (!row) return false;
  return conditions.every((condition) => {
    if (!Object.hasOwn(row, condition.column)) return false;
    const type = columns.find((column) => column.name === condition.column)?.type ?? "text";
    const result = evaluate(condition, row[condition.column] ?? null, type);
    return result !== null && result !== condition.negate;
  });
}

function parseCondition(segment: string): FilterCondition {
  const text = segment.trim();
  if (text === "") throw new FilterError("the filter has an empty condition (check for extra commas)");
  const equals = text.indexOf("=");
  const column = equals > 0 ? text.slice(0, equals).trim() : "";
  if (column === "") throw new FilterError(`expected column=operator.value, got "${text}"`);
  let rest = text.slice(equals + 1);
  const negate = rest.startsWith("not.");
  if (negate) rest = rest.slice("not.".length);
  const dot = rest.indexOf(".");
  if (dot < 0) throw new FilterError(`expected column=operator.value, got "${text}"`);
  const operator = rest.slice(0, dot);
  const value = rest.slice(dot + 1);
  return { column, operator: checkOperator(operator), negate, values: parseValues(operator, value) };
}

function checkOperator(operator: string): Operator {
  if ((supportedOperators as readonly string[]).includes(operator)) return operator as Operator;
  const supported = supportedOperators.join(", ");
  if (unsupportedOperators.has(operator)) {
    throw new FilterError(`the operator "${operator}" is not supported by Keepr (supported: ${supported})`);
  }
  throw new FilterError(`unknown operator "${operator}" (supported: ${supported})`);
}

function parseValues(operator: string, value: string): string[] {
  if (operator === "in") {
    if (!value.startsWith("(") || !value.endsWith(")")) throw new FilterError("an `in` filter value must be wrapped in parentheses");
    const inner = value.slice(1, -1);
    return inner.trim() === "" ? [] : splitOutsideQuotes(inner, { nested: false }).map((item) => unquote(item.trim()));
  }
  if (operator === "is" && !isValues.has(value.toLowerCase())) {
    throw new FilterError(`an \`is\` filter takes null, true, false or unknown, got "${value}"`);
  }
  return [unquote(value)];
}

/** Splits on commas outside double quotes (and, when nested, outside parentheses). */
function splitOutsideQuotes(text: string, options: { nested: boolean }): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === "\\" && i + 1 < text.length) {
      current += char + text[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && options.nested && char === "(") depth++;
    else if (!quoted && options.nested && char === ")") depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && char === ",") {
      parts.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  if (quoted) throw new FilterError("the filter has an unterminated double quote");
  parts.push(current);
  return parts;
}

/** "a\"b" → a"b; unquoted text is returned as is. */
function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, "$1");
}

/** true/false, or null when the comparison is unknown (a NULL, or values that do not compare). */
function evaluate(condition: FilterCondition, value: string | null, type: string): boolean | null {
  if (condition.operator === "is") return evaluateIs(condition.values[0]!.toLowerCase(), value);
  if (value === null) return null;
  if (condition.operator === "in") {
    const results = condition.values.map((candidate) => compareTyped(type, value, candidate));
    if (results.includes(0)) return true;
    return results.includes(null) ? null : false;
  }
  const order = compareTyped(type, value, condition.values[0]!);
  if (order === null) return null;
  switch (condition.operator) {
    case "eq":
      return order === 0;
    case "neq":
      return order !== 0;
    case "lt":
      return order < 0;
    case "lte":
      return order <= 0;
    case "gt":
      return order > 0;
    case "gte":
      return order >= 0;
  }
}

function evaluateIs(expected: string, value: string | null): boolean {
  switch (expected) {
    case "null":
    case "unknown":
      return value === null;
    case "true":
      return value !== null && normaliseBoolean(value) === "t";
    default:
      return value !== null && normaliseBoolean(value) === "f";
  }
}

const numericTypes = new Set(["int2", "int4", "int8", "float4", "float8", "numeric", "oid"]);

/** Negative, zero or positive like a comparator; null when the values do not compare. */
function compareTyped(type: string, left: string, right: string): number | null {
  if (numericTypes.has(type)) return compareNumbers(left, right);
  const a = normalise(type, left);
  const b = normalise(type, right);
  return a < b ? -1 : a > b ? 1 : 0;
}

function normalise(type: string, value: string): string {
  switch (type) {
    case "bool":
      return normaliseBoolean(value);
    case "uuid":
      return value.toLowerCase();
    case "date":
    case "timestamp":
    case "timestamptz":
      return canonicalDateTime(type, value.trim());
    default:
      return value;
  }
}

function normaliseBoolean(value: string): string {
  const lower = value.trim().toLowerCase();
  if (["t", "true", "y", "yes", "on", "1"].includes(lower)) return "t";
  if (["f", "false", "n", "no", "off", "0"].includes(lower)) return "f";
  return value;
}

const decimalPattern = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Exact for plain decimals (int8 and numeric beyond 2^53 included); Number() for the rest (1e5, Infinity). */
function compareNumbers(left: string, right: string): number | null {
  const a = decimalPattern.exec(left.trim());
  const b = decimalPattern.exec(right.trim());
  if (a && b) return compareDecimals(decimalParts(a), decimalParts(b));
  const x = Number(left);
  const y = Number(right);
  if (Number.isNaN(x) || Number.isNaN(y)) return null;
  return x < y ? -1 : x > y ? 1 : 0;
}

interface DecimalParts {
  negative: boolean;
  integer: string;
  fraction: string;
}

function decimalParts(match: RegExpExecArray): DecimalParts {
  const integer = match[2]!.replace(/^0+/, "");
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  return { negative: match[1] === "-" && (integer !== "" || fraction !== ""), integer, fraction };
}

function compareDecimals(a: DecimalParts, b: DecimalParts): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const magnitude = compareMagnitudes(a, b);
  return a.negative ? -magnitude : magnitude;
}

function compareMagnitudes(a: DecimalParts, b: DecimalParts): number {
  if (a.integer.length !== b.integer.length) return a.integer.length - b.integer.length;
  if (a.integer !== b.integer) return a.integer < b.integer ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const x = a.fraction.padEnd(width, "0");
  const y = b.fraction.padEnd(width, "0");
  return x < y ? -1 : x > y ? 1 : 0;
}

const dateTimePattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Postgres text output (2026-08-21 10:15:02.5+00) and client input
 * (2026-08-21T10:15:02.500Z) as one ISO form that sorts lexically:
 * timestamptz in UTC with microseconds, timestamp as written, date as is.
 * Values without an offset count as UTC. Anything else is left as text.
 */
function canonicalDateTime(type: string, value: string): string {
  const lower = value.toLowerCase();
  if (lower === "-infinity") return "";
  if (lower === "infinity") return "\uffff";
  const match = dateTimePattern.exec(value);
  if (!match) return value;
  const [, year, month, day, hour = "00", minute = "00", second = "00", fraction = "", offset] = match;
  if (type === "date") return `${year}-${month}-${day}`;
  const micros = fraction.padEnd(6, "0");
  if (type === "timestamp") return `${year}-${month}-${day}T${hour}:${minute}:${second}.${micros}`;
  const utc = new Date(Date.UTC(2000, Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  utc.setUTCFullYear(Number(year)); // Date.UTC reads years below 100 as 19xx
  utc.setTime(utc.getTime() - offsetSeconds(offset) * 1000);
  if (Number.isNaN(utc.getTime())) return value;
  return `${utc.toISOString().slice(0, 19)}.${micros}Z`;
}

/** +05:30 → 19800; Z or none → 0. */
function offsetSeconds(offset: string | undefined): number {
  if (!offset || offset.toUpperCase() === "Z") return 0;
  const digits = offset.slice(1).replace(/:/g, "");
  const seconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || "0") * 60 + Number(digits.slice(4, 6) || "0");
  return offset.startsWith("-") ? -seconds : seconds;
}
