// Jest runs TypeScript through SWC as native ES modules (node
// --experimental-vm-modules, see package.json). One throwaway Postgres for
// the whole run: tests/setup/globalSetup.ts.
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2023" }, module: { type: "es6" } }],
  },
  testMatch: ["<rootDir>/tests/**/*.test.ts"],
  globalSetup: "<rootDir>/tests/setup/globalSetup.ts",
  globalTeardown: "<rootDir>/tests/setup/globalTeardown.ts",
  // No file starts just before a midnight of the tests' time zones (their "today" would change under them).
  setupFilesAfterEnv: ["<rootDir>/tests/setup/clear-of-midnight.ts"],
  testTimeout: 60_000,
};
