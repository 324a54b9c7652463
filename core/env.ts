// Imported first by every entry point, before any Graphile module reads it:
// Grafast runs in development mode (extra checks, readable errors) unless
// NODE_ENV is production.
process.env.GRAPHILE_ENV ??= process.env.NODE_ENV === "production" ? "production" : "development";
