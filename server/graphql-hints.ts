// No schema hints in production. Introspection is off there
// (NoSchemaIntrospectionCustomRule), but graphql-js validation still answers
// a wrong name with the right ones: `Cannot query field "allReservation" on
// type "Query". Did you mean "allReservations" or "reservation"?`, which
// gives the schema away a guess at a time. graphql-js 16 has no switch for
// it, so the suggestions are cut from the messages of the response.
import type { GraphQLFormattedError } from "postgraphile/graphql";

/**
 * graphql-js's didYouMean (and ScalarLeafsRule's `Did you mean "f { ... }"?`):
 * " Did you mean", optional words ("the enum value", "to use an inline
 * fragment on"), then one to five quoted names: "a" | "a" or "b" |
 * "a", "b", or "c", and a question mark; always at the end of the message.
 */
const suggestion = / ?Did you mean (?:[A-Za-z ]+ )?"[^"]*"(?:(?:, or |, | or )"[^"]*")*\?/g;

/** The message without graphql-js's "Did you mean …?" suggestions. */
export function withoutSuggestions(message: string): string {
  return message.replace(suggestion, "");
}

/** Whether a serialized response may carry suggestions (a cheap test before parsing). */
export function mayHaveSuggestions(body: Buffer | string): boolean {
  return body.includes("Did you mean");
}

/** The errors with suggestions cut from their messages; the same array when none had any. */
export function errorsWithoutSuggestions<E extends GraphQLFormattedError>(errors: readonly E[]): readonly E[] {
  let changed = false;
  const result = errors.map((error) => {
    const message = withoutSuggestions(error.message);
    if (message === error.message) return error;
    changed = true;
    return { ...error, message };
  });
  return changed ? result : errors;
}
