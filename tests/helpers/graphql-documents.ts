// Hand-written GraphQL documents (the staff console's, the guest app's) are
// checked against the reviewed schema (server/schema.graphql) and the API's
// own limits (server/graphql.ts: depth, list depth, 300 fields), so an API
// change that breaks a screen fails the suite instead of the screen.
import { readFileSync } from "node:fs";
import { depthLimit } from "@graphile/depth-limit";
import { buildSchema, parse, specifiedRules, validate } from "postgraphile/graphql";
import { loadConfig } from "../../core/config.ts";
import { maxFieldsRule } from "../../server/graphql.ts";
import { schemaFile } from "../../server/schema.ts";

export const apiSchema = buildSchema(readFileSync(schemaFile, "utf8"));

const config = loadConfig({ NODE_ENV: "test" });
const apiRules = [
  ...specifiedRules,
  depthLimit({ maxDepth: config.GRAPHQL_MAX_DEPTH, maxListDepth: config.GRAPHQL_MAX_LIST_DEPTH, maxSelfReferentialDepth: 2 }),
  maxFieldsRule(300),
];

/** What the API would refuse in the document: [] when it is valid and within the limits. */
export function apiValidationErrors(source: string): string[] {
  return validate(apiSchema, parse(source), apiRules).map((error) => error.message);
}
