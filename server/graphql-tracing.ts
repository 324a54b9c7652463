// The GraphQL operation's span (tracing on, core/tracing.ts): named by its
// type and root fields ("mutation confirmBooking", "query searchAvailability+quote"),
// a child of the HTTP request's span and the parent of the SQL the
// operation runs. Its traceparent goes into pgSettings (keepr.traceparent),
// so the jobs the operation's transaction queues continue the trace.
import { GraphQLError, type DocumentNode, type OperationDefinitionNode } from "postgraphile/graphql";
import { classifyDatabaseError } from "./errors.ts";
import { inSpan, SpanKind, SpanStatusCode, currentTraceparent, tracingEnabled } from "../core/tracing.ts";

export interface OperationOf {
  type: "query" | "mutation" | "subscription";
  /** The root fields it selects, in order, joined by "+" ("__typename" alone when it selects nothing else). */
  rootFields: string;
  /** The name the client gave the operation, if any. */
  name: string | undefined;
}

/** The operation a document runs (the named one, or its only one), or undefined when there is none. */
export function operationOf(document: DocumentNode, operationName: string | null | undefined): OperationOf | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return undefined;
  const fields: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === "Field" && selection.name.value !== "__typename" && !fields.includes(selection.name.value)) fields.push(selection.name.value);
  }
  return { type: operation.operation, rootFields: fields.length > 0 ? fields.join("+") : "__typename", name: operation.name?.value };
}

/**
 * The code a client will see for an error of the result (maskError gives
 * them their codes later, when the result is sent): its own, the database
 * error's (classifyDatabaseError), INVALID_INPUT for what Grafast raised
 * about the input, else INTERNAL.
 */
function codeOf(error: GraphQLError): string {
  const own = error.extensions?.code;
  if (typeof own === "string") return own;
  const original = error.originalError;
  if (!original) return "GRAPHQL_VALIDATION_FAILED";
  const known = classifyDatabaseError(original);
  if (known) return known.code;
  return original instanceof GraphQLError ? "INVALID_INPUT" : "INTERNAL";
}

export const GraphQLTracingPlugin: GraphileConfig.Plugin = {
  name: "KeeprGraphQLTracingPlugin",
  version: "1.0.0",
  grafast: {
    middleware: {
      execute(next, event) {
        if (!tracingEnabled()) return next();
        const operation = operationOf(event.args.document, event.args.operationName);
        const name = operation ? `${operation.type} ${operation.rootFields}` : "graphql";
        return inSpan(
          name,
          {
            kind: SpanKind.INTERNAL,
            attributes: {
              "graphql.operation.type": operation?.type ?? "unknown",
              ...(operation?.name ? { "graphql.operation.name": operation.name } : {}),
              "keepr.graphql.root_fields": operation?.rootFields ?? "",
            },
          },
          async (span) => {
            // The operation's SQL runs with this span's traceparent, so a
            // job it queues is a child of the operation.
            const contextValue = event.args.contextValue as { pgSettings?: Record<string, string> } | undefined;
            const traceparent = currentTraceparent();
            if (contextValue?.pgSettings && traceparent) contextValue.pgSettings = { ...contextValue.pgSettings, "keepr.traceparent": traceparent };
            const result = await next();
            const errors = (result as { errors?: ReadonlyArray<GraphQLError> } | null)?.errors;
            if (errors && errors.length > 0) {
              const codes = [...new Set(errors.map(codeOf))];
              span.setAttribute("keepr.graphql.error_codes", codes);
              span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(",") });
            }
            return result;
          },
        );
      },
    },
  },
};
