/**
 * The bench runs compiled, as the service does under `npm start`: `npm run bench` builds the sources and the
 * bench into build/bench and runs them with node. tsx's loader (esbuild with names kept) wraps every closure
 * the hot paths create in a `__name` call that defines its name: about 4 % of the delivery worker's CPU in a
 * profile of the ceiling run, which the compiled service does not pay.
 */
import { execSync } from "node:child_process";

export const BENCH_BUILD = "build/bench";
/** Running from the build (`npm run bench` built it just before): nothing to build again. */
let built = import.meta.url.includes(`/${BENCH_BUILD}/`);

/** The compiled path of a bench file (e.g. "bench/rss-child"), built once per process when run from source. */
export function compiledBench(file: string): string {
  if (!built) {
    execSync("npm run build:bench --silent", { stdio: "inherit" });
    built = true;
  }
  return `${BENCH_BUILD}/${file}.js`;
}
