/**
 * `npm start` runs `node $(node dist/src/node-flags.js) dist/src/main.js`: this prints the V8 flags for the
 * database the service will use (DATABASE_URL from the environment or `.env`, read by the same rule as the
 * config). The trade they make, measured with `npm run bench` (README, "Benchmarks"):
 * - On the embedded database the process also holds PGlite's WebAssembly memory (128 MB at least), so V8 is
 *   kept small: a 2 MB young generation, an old generation that grows by half of what survived the last
 *   full collection, and WebAssembly functions recompiled with TurboFan only after more use (an idle
 *   service under 250 MB, a 100,000-recipient broadcast under 300 MB).
 * - On PostgreSQL the process is small (a 100,000-recipient broadcast peaks at 120–140 MB), so the young
 *   generation may be 8 MB: objects of presses still in flight then die young instead of being promoted
 *   (the service's CPU per button press 0.65 ms against 0.82–0.98 ms with 2 MB, in quick runs).
 * Prints nothing unusual on a wrong DATABASE_URL: the service itself then stops, naming it.
 */
import "dotenv/config";
import { configSchema } from "./config.js";

export function nodeFlags(env: NodeJS.ProcessEnv): string[] {
  const url = configSchema.shape.DATABASE_URL.safeParse(env.DATABASE_URL);
  const onPostgres = url.success && url.data !== undefined;
  const flags = [`--max-semi-space-size=${onPostgres ? 8 : 2}`, "--heap-growing-percent=50"];
  return onPostgres ? flags : [...flags, "--wasm-tiering-budget=20000000"];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(nodeFlags(process.env).join(" "));
