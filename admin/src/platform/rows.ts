// Saving a row the console edits as a form (a room type, a fee, a
// company, …) through the table's create and update mutations
// (createRow/updateRow in documents.ts): update when the form has an id,
// else create.
import type { Document, Saved, Uuid } from "./documents.ts";
import type { GraphQLClient } from "./graphql.ts";
import { notFound } from "./results.ts";

/** Saves a form's values: the update when `id` is set, else the create with `input`; `what` names the row in the error. */
export async function saveRow<TNode, TInput, TPatch>(
  client: GraphQLClient,
  mutations: { create: Document<Saved<TNode>, { input: TInput }>; update: Document<Saved<TNode>, { id: Uuid; patch: TPatch }> },
  change: { id: Uuid | null; patch: TPatch; input: TInput },
  what: string,
): Promise<TNode> {
  const saved = change.id
    ? (await client.request(mutations.update, { id: change.id, patch: change.patch })).saved?.row
    : (await client.request(mutations.create, { input: change.input })).saved?.row;
  if (!saved) throw notFound(what);
  return saved;
}
