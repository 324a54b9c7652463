// npm run bench -- <name> [args]: runs tests/bench/<name>.ts
import { readdirSync } from "node:fs";

const [name, ...args] = process.argv.slice(2);
const available = readdirSync(import.meta.dirname).filter((f) => f.endsWith(".ts") && f !== "run.ts").map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [args]`);
  process.exit(2);
}
process.argv = [process.argv[0]!, `${import.meta.dirname}/${name}.ts`, ...args];
await import(`./${name}.ts`);
