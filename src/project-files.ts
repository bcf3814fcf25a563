import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's root folder (the one holding package.json), found upward from this module, so that files
 * that are not compiled (migrations, the console's views and scripts) are found the same from the sources
 * (`tsx src/…`, the tests) and from the build (`node dist/src/…`, what `npm start` runs).
 */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the project, e.g. `projectFile("drizzle")`. */
export function projectFile(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}
