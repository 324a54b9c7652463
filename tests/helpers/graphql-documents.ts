// Hand-written GraphQL documents (the staff console's, the guest app's) are
// checked against the reviewed schema (server/schema.graphql) and the API's
// own limits (server/graphql.ts: depth, list depth, 300 fields), so an API
// change that breaks a screen fails the suite instead of the screen.
import { readFileSync } from "node:fs";
import { depthLimit } from "@graphile/depth-limit";
import { buildSchema, Kind, parse, specifiedRules, validate, type OperationDefinitionNode } from "postgraphile/graphql";
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

/** A mutation field a document selects, and what it passes as an idempotency key. */
export interface SentMutation {
  name: string;
  /** The variable passed as input.idempotencyKey, or null (none, or not a variable). */
  keyVariable: string | null;
  /** How its operation declares $idempotencyKey (Kind.NON_NULL_TYPE when required), or undefined when it does not. */
  keyDeclaration: string | undefined;
}

/** Every mutation field the documents select, in the documents' order. */
export function mutationsSent(documents: ReadonlyArray<{ source: string }>): SentMutation[] {
  const sent: SentMutation[] = [];
  for (const document of documents) {
    for (const definition of parse(document.source).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== "mutation") continue;
      const op = definition as OperationDefinitionNode;
      const keyDeclaration = op.variableDefinitions?.find((v) => v.variable.name.value === "idempotencyKey")?.type.kind;
      for (const selection of op.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const input = selection.arguments?.find((a) => a.name.value === "input")?.value;
        const key = input?.kind === Kind.OBJECT ? input.fields.find((f) => f.name.value === "idempotencyKey")?.value : undefined;
        sent.push({ name: selection.name.value, keyVariable: key?.kind === Kind.VARIABLE ? key.name.value : null, keyDeclaration });
      }
    }
  }
  return sent;
}

/** The fields of a mutation's input type in the API. */
export function apiInputFields(mutation: string): string[] {
  const inputType = apiSchema.getMutationType()!.getFields()[mutation]!.args.find((a) => a.name === "input")!.type.toString().replace(/!$/, "");
  return Object.keys((apiSchema.getType(inputType) as unknown as { getFields(): object }).getFields());
}
