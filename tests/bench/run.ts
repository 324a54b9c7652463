// npm run bench -- <name> [args]: runs tests/bench/<name>.ts
// A bench is a file here whose first line says how to run it
// (`// npm run bench -- <name> …`); the others (latency.ts, load.ts) are
// modules the benches share.
import { readdirSync, readFileSync } from "node:fs";

const [name, ...args] = process.argv.slice(2);
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -3))
  .filter((bench) => readFileSync(`${import.meta.dirname}/${bench}.ts`, "utf8").startsWith(`// npm run bench -- ${bench}`));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [args]`);
  process.exit(2);
}
process.argv = [process.argv[0]!, `${import.meta.dirname}/${name}.ts`, ...args];
await import(`./${name}.ts`);
