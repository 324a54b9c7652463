// What a GraphQL request runs, as the API's metrics and traces name it: the
// operation (the named one, or the only one), its type and its root fields
// (fragments at the root followed), and the label the root fields get.
import { getOperationAST, Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from "postgraphile/graphql";

export interface Operation {
  type: "query" | "mutation" | "subscription";
  /** The name the client gave the operation, if any. */
  name: string | undefined;
  /** Its root fields, in document order. */
  fields: FieldNode[];
}

/** The operation a document runs, or null when there is none (or several and no name says which). */
export function operationOf(document: DocumentNode, operationName: string | null | undefined): Operation | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const fields: FieldNode[] = [];
  const walk = (set: SelectionSetNode, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) fields.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet, seen);
      else if (!seen.has(s.name.value)) {
        const fragment = fragments.get(s.name.value);
        if (fragment) walk(fragment.selectionSet, new Set([...seen, s.name.value]));
      }
    }
  };
  walk(operation.selectionSet, new Set());
  return { type: operation.operation, name: operation.name?.value, fields };
}

/**
 * How many distinct combinations of several root fields get a label of their
 * own; past it they count as "multiple" (a client sending random
 * combinations cannot grow the series without bound). A single root field
 * is always its own label: the schema bounds them.
 */
const maxCombinations = 100;
const combinations = new Set<string>();

/** The label of an operation's root fields: sorted, distinct, joined by "+" ("none" for none, "multiple" past the bound). */
export function operationLabel(fieldNames: readonly string[]): string {
  const names = [...new Set(fieldNames)].sort();
  if (names.length === 0) return "none";
  if (names.length === 1) return names[0]!;
  const label = names.join("+");
  if (combinations.has(label)) return label;
  if (combinations.size >= maxCombinations) return "multiple";
  combinations.add(label);
  return label;
}
