// The one list of error codes (shared/error-codes.ts) against everything
// that raises, documents or handles them: every errcode raised in SQL (the
// function sources under functions/, the committed migrations, and the live
// database's functions) is registered; docs/error_codes.md is rendered from
// the registry; the guest app words every code the API can send (the console
// handles every code by its kind, which its types enforce); and no registered
// code is dead. To rewrite the generated parts of docs/error_codes.md:
//   KEEPR_WRITE_ERROR_CODES=1 node --experimental-vm-modules node_modules/jest/bin/jest.js tests/api/error_codes.test.ts
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  codeOfSqlstate, errorCodes, postgresErrors, type ErrorCode, type ErrorCodeSpec, type ErrorSurface, type PostgresErrorSpec,
} from "../../shared/error-codes.ts";
import { guestErrorWording } from "../../web/src/error-messages.ts";
import { en } from "../../web/src/messages.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const docPath = join(root, "docs/error_codes.md");
const specs = Object.entries(errorCodes) as Array<[ErrorCode, ErrorCodeSpec]>;

/** Every file under a folder (recursively) whose name matches. */
function filesUnder(folder: string, name: RegExp): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && name.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** The SQLSTATEs a piece of SQL raises: `errcode = 'XXXXX'` or `raise sqlstate 'XXXXX'`. */
function raisedIn(sql: string): string[] {
  return [...sql.matchAll(/(?:errcode\s*=\s*|raise\s+sqlstate\s+)'([0-9A-Za-z]{5})'/gi)].map((m) => m[1]!);
}

const isStandard = (sqlstate: string): sqlstate is keyof typeof postgresErrors => Object.hasOwn(postgresErrors, sqlstate);

// ---------------------------------------------------------------------------
// docs/error_codes.md: its tables are rendered from the registry.
// ---------------------------------------------------------------------------

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const meaning = (spec: ErrorCodeSpec) =>
  cell([spec.message, spec.details, spec.reserved ? `Reserved: ${spec.reserved}` : undefined].filter(Boolean).join(" "));
const surfaceNames: Record<ErrorSurface, string> = { graphql: "GraphQL", http: "HTTP", realtime: "realtime", app: "the apps", console: "the console" };

const sections: Record<string, () => string> = {
  sql: () =>
    [
      "| SQLSTATE | API code | kind | raised by | meaning |",
      "|---|---|---|---|---|",
      ...specs.filter(([, s]) => s.sqlstate).map(([code, s]) => `| \`${s.sqlstate}\` | \`${code}\` | ${s.kind} | ${cell(s.raisedBy)} | ${meaning(s)} |`),
    ].join("\n"),
  postgres: () =>
    [
      "| SQLSTATE | condition | API code | message |",
      "|---|---|---|---|",
      ...(Object.entries(postgresErrors) as Array<[string, PostgresErrorSpec]>).map(
        ([sqlstate, p]) => `| \`${sqlstate}\` | ${p.name} | \`${p.code}\` | ${cell(p.message)} |`,
      ),
      `| anything else | | \`INTERNAL\` | ${cell(errorCodes.INTERNAL.message)} |`,
    ].join("\n"),
  other: () =>
    [
      "| code | kind | HTTP | where | answered by | meaning |",
      "|---|---|---|---|---|---|",
      ...specs
        .filter(([, s]) => !s.sqlstate)
        .map(([code, s]) => `| \`${code}\` | ${s.kind} | ${s.http ?? ""} | ${s.surfaces.map((x) => surfaceNames[x]).join(", ")} | ${cell(s.raisedBy)} | ${meaning(s)} |`),
    ].join("\n"),
};

const begin = (name: string) => `<!-- BEGIN generated:${name} (from shared/error-codes.ts by tests/api/error_codes.test.ts; do not edit) -->`;
const end = (name: string) => `<!-- END generated:${name} -->`;

/** The document with every generated section rendered afresh. */
function renderDoc(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(sections)) {
    const from = out.indexOf(begin(name));
    const to = out.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`docs/error_codes.md has no section ${begin(name)} … ${end(name)}`);
    out = `${out.slice(0, from)}${begin(name)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}

// ---------------------------------------------------------------------------

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const sqlFiles = [...filesUnder("functions", /\.sql$/), ...filesUnder("migrations", /\.sql$/)];
const raisedInFiles = new Map<string, string[]>();
for (const file of sqlFiles) {
  for (const sqlstate of raisedIn(readFileSync(join(root, file), "utf8"))) raisedInFiles.set(sqlstate, [...(raisedInFiles.get(sqlstate) ?? []), file]);
}

it("the scan sees the SQL: functions/ (recursively) and the migrations raise Keepr's codes", () => {
  expect(sqlFiles.filter((f) => f.startsWith("functions/")).length).toBeGreaterThan(100);
  expect([...raisedInFiles.keys()]).toEqual(expect.arrayContaining(["NTFND", "DNIED", "SOLDO", "TRANS", "INVLD"]));
});

it("every errcode raised in functions/ and the migrations is registered: a Keepr SQLSTATE with its code, or a mapped Postgres one", () => {
  const unregistered = [...raisedInFiles].filter(([sqlstate]) => !codeOfSqlstate.has(sqlstate) && !isStandard(sqlstate));
  expect(unregistered).toEqual([]);
});

it("every errcode raised by a function of the live database is registered", async () => {
  const { rows } = await db.ownerPool.query<{ name: string; prosrc: string }>(
    `select n.nspname || '.' || p.proname as name, p.prosrc
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('app_public', 'app_hidden', 'app_private', 'audit', 'reporting')`,
  );
  const raised = rows.flatMap((r) => raisedIn(r.prosrc).map((sqlstate) => ({ sqlstate, name: r.name })));
  expect(raised.length).toBeGreaterThan(100);
  expect(raised.filter((r) => !codeOfSqlstate.has(r.sqlstate) && !isStandard(r.sqlstate))).toEqual([]);
});

it("Keepr's SQLSTATEs are five characters outside the standard classes, and one maps to one code", () => {
  const sqlstates = specs.flatMap(([, s]) => (s.sqlstate ? [s.sqlstate] : []));
  expect(new Set(sqlstates).size).toBe(sqlstates.length);
  for (const sqlstate of sqlstates) {
    expect({ sqlstate, ok: /^[A-Z]{5}$/.test(sqlstate) && !isStandard(sqlstate) }).toEqual({ sqlstate, ok: true });
  }
});

it("what clients see is UPPER_SNAKE English words, never the five-character SQLSTATE", () => {
  const badlyNamed = specs.filter(([code, s]) => !/^[A-Z]+(_[A-Z]+)*$/.test(code) || code === s.sqlstate).map(([code]) => code);
  expect(badlyNamed).toEqual([]);
});

it("no registered code is dead: each is raised in SQL, mapped from Postgres or emitted by Keepr's code, unless reserved with a reason", () => {
  const sources = ["shared", "core", "server", "invoices", "realtime", "worker", "payments", "channels", "storage", "db", "admin/src", "web/src"]
    .flatMap((folder) => {
      try {
        return filesUnder(folder, /\.tsx?$/);
      } catch {
        return []; // a folder this layout does not have (yet)
      }
    })
    .filter((file) => file !== "shared/error-codes.ts")
    .map((file) => readFileSync(join(root, file), "utf8"))
    .join("\n");
  const mapped = new Set<string>(Object.values(postgresErrors).map((p) => p.code));
  const dead = specs
    .filter(([, s]) => !s.reserved)
    .filter(([code, s]) => !(s.sqlstate && raisedInFiles.has(s.sqlstate)) && !mapped.has(code) && !sources.includes(`"${code}"`))
    .map(([code]) => code);
  expect(dead).toEqual([]);
});

it("docs/error_codes.md lists every code as the registry has it", () => {
  const text = readFileSync(docPath, "utf8");
  const rendered = renderDoc(text);
  if (process.env.KEEPR_WRITE_ERROR_CODES && rendered !== text) {
    writeFileSync(docPath, rendered);
    return;
  }
  expect(text).toBe(rendered);
  for (const sqlstate of raisedInFiles.keys()) expect(text).toContain(`\`${sqlstate}\``);
  for (const [code] of specs) expect(text).toContain(`\`${code}\``);
});

it("the guest app words every code the API can send it (its own message, the restriction's, or the API's)", () => {
  const reachable = specs.filter(([, s]) => s.surfaces.some((x) => x !== "realtime" && x !== "console")).map(([code]) => code);
  expect(Object.keys(guestErrorWording).sort()).toEqual([...reachable].sort());
  for (const [code, wording] of Object.entries(guestErrorWording)) {
    expect({ code, ok: wording === "server" || wording === "reason" || Object.hasOwn(en, wording) }).toEqual({ code, ok: true });
  }
});
