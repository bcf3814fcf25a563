/**
 * Summarise a V8 CPU profile (node --cpu-prof) by where the self time goes: per package (grammY, pg,
 * PGlite, drizzle, node internals, gopy's own files) and the top functions.
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFile } from "node:fs/promises";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/** The package (or area) a script belongs to. */
export function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const own = /\/(src|bots|bench|handlers|test)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url;
}

const file = process.argv[2];
if (!file) throw new Error("usage: profile-summary <file.cpuprofile> [top]");
const top = Number(process.argv[3] ?? 25);
const p = JSON.parse(await readFile(file, "utf8")) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const areas = new Map<string, number>();
const fns = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const area = areaOf(n.callFrame.url, n.callFrame.functionName);
  areas.set(area, (areas.get(area) ?? 0) + us);
  const key = `${n.callFrame.functionName || "(anonymous)"} — ${area}:${n.callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}
const pc = (us: number) => ((us / total) * 100).toFixed(1).padStart(5) + " %";
console.log(`profile ${file}: ${(total / 1e6).toFixed(2)} s sampled`);
console.log("\nself time by package / area:");
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pc(us)}  ${a}`);
console.log("\ntop functions by self time:");
for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pc(us)}  ${f}`);
