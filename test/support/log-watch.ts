import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import type { ChildProcess } from "node:child_process";
import { inject } from "vitest";

/**
 * The suite's log watch (issue 11, Must 7): everything the service's loggers write during a test run — the
 * in-process services' loggers at debug level and the output of the gopy processes tests start — goes to files
 * in one run directory (made by global-setup.ts), and so does every secret the test helpers configure and every
 * resident's message text the drivers send. When every test file has finished, global-setup.ts's teardown runs
 * `findLeaks` over all of it and fails the run if any secret or resident's text reached a log line.
 */

declare module "vitest" {
  export interface ProvidedContext {
    logWatchDir: string;
  }
}

export type WatchedKind = "secret" | "resident";
export interface WatchedText {
  kind: WatchedKind;
  text: string;
}
export interface LogLine {
  /** The file it came from (a worker's service log, a child process's output). */
  source: string;
  line: number;
  text: string;
}
export interface Finding {
  kind: WatchedKind;
  /** The watched text, redacted for printing. */
  watched: string;
  /** What was found of it: "whole", or which part ("after the colon", "16 characters of it"). */
  form: string;
  source: string;
  line: number;
  /** The log line with the watched text and its parts replaced, for printing. */
  excerpt: string;
}

/** Resident texts shorter than this are common words ("có", "1", "mai pha") and are not watched. */
export const MIN_RESIDENT_TEXT = 12;
/** Secrets this long are also looked for in pieces of this many characters (a truncated or partly masked form). */
const SECRET_PIECE = 16;

/** Where this run's watch files go: provided by global-setup.ts; none outside vitest (bench, scripts). */
export function logWatchDir(): string | null {
  try {
    return inject("logWatchDir") ?? null;
  } catch {
    return null;
  }
}

const seen = new Set<string>();

function record(kind: WatchedKind, text: string | undefined | null): void {
  const dir = logWatchDir();
  if (!dir || typeof text !== "string") return;
  const t = text.trim();
  if (kind === "resident" && [...t].length < MIN_RESIDENT_TEXT) return;
  if (kind === "secret" && t.length < 8) return;
  const key = kind + "\u0000" + t;
  if (seen.has(key)) return;
  seen.add(key);
  appendFileSync(path.join(dir, `watched-${process.pid}.jsonl`), JSON.stringify({ kind, text: t }) + "\n");
}

/** A secret a test configures or receives (token, webhook secret, API key, session cookie…): must never be logged. */
export function watchSecret(secret: string | undefined | null): void {
  record("secret", secret);
}

/** Every value of an environment whose name says it is a secret (…TOKEN, …SECRET…, …KEY, …PASSWORD). */
export function watchSecretsIn(env: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(env)) if (/TOKEN|SECRET|_KEY$|PASSWORD/.test(k) && !/_ID$/.test(k)) watchSecret(v);
}

/** A resident's message text sent through a test driver (at least MIN_RESIDENT_TEXT characters): never logged. */
export function watchResidentText(text: string | undefined | null): void {
  record("resident", text);
}

/** An append-only file sink (synchronous writes: nothing is lost when a worker exits). */
function fileSink(file: string): Writable {
  let fd: number | null = null;
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      try {
        fd ??= openSync(file, "a");
        writeSync(fd, typeof chunk === "string" ? chunk : chunk.toString("utf8"));
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    final(done) {
      if (fd !== null) closeSync(fd);
      fd = null;
      done();
    },
  });
}

let serviceSink: Writable | null = null;

/** Where the in-process services' loggers write in this worker (one file per worker process); null outside vitest. */
export function serviceLogStream(): Writable | null {
  const dir = logWatchDir();
  if (!dir) return null;
  serviceSink ??= fileSink(path.join(dir, `service-${process.pid}.log`));
  serviceSink.setMaxListeners(0);
  return serviceSink;
}

let children = 0;

/** Copy a child process's stdout (unless told it is not a log) and stderr into the run directory. */
export function watchChildOutput(child: ChildProcess, label: string, opts: { stdout?: boolean } = {}): void {
  const dir = logWatchDir();
  if (!dir) return;
  const sink = fileSink(path.join(dir, `child-${process.pid}-${++children}-${label.replace(/[^a-z0-9-]+/gi, "_")}.log`));
  if (opts.stdout !== false) child.stdout?.on("data", (d: Buffer) => sink.write(d));
  child.stderr?.on("data", (d: Buffer) => sink.write(d));
  child.on("close", () => sink.end());
}

/** The same for output a test already holds (a spawnSync result). */
export function watchOutput(output: string, label: string): void {
  const dir = logWatchDir();
  if (!dir || !output) return;
  appendFileSync(path.join(dir, `child-${process.pid}-${++children}-${label.replace(/[^a-z0-9-]+/gi, "_")}.log`), output);
}

/** Everything recorded in a run directory: the watched texts and the log lines. */
export function readRun(dir: string): { watched: WatchedText[]; lines: LogLine[] } {
  const watched: WatchedText[] = [];
  const lines: LogLine[] = [];
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir).sort()) {
    const content = readFileSync(path.join(dir, name), "utf8");
    if (name.startsWith("watched-")) {
      for (const l of content.split("\n")) if (l) watched.push(JSON.parse(l) as WatchedText);
    } else if (name.endsWith(".log")) {
      content.split("\n").forEach((text, i) => text && lines.push({ source: name, line: i + 1, text }));
    }
  }
  return { watched, lines };
}

/** The forms of a watched text to look for: the whole of it and, for a secret, the parts a careless log shows. */
function needles(w: WatchedText): { form: string; text: string }[] {
  const out = [{ form: "whole", text: w.text }];
  if (w.kind === "secret") {
    const colon = w.text.indexOf(":");
    if (colon > 0 && w.text.length - colon - 1 >= 8) out.push({ form: "the part after the colon", text: w.text.slice(colon + 1) });
    if (w.text.length > SECRET_PIECE + 4) {
      for (let i = 0; i + SECRET_PIECE <= w.text.length; i++) out.push({ form: `${SECRET_PIECE} characters of it`, text: w.text.slice(i, i + SECRET_PIECE) });
    }
  } else {
    // A resident's text as a JSON log line carries it (newlines, quotes escaped), and with its control characters stripped.
    const escaped = JSON.stringify(w.text).slice(1, -1);
    if (escaped !== w.text) out.push({ form: "JSON-escaped", text: escaped });
    // eslint-disable-next-line no-control-regex
    const cleaned = w.text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
    if (cleaned !== w.text && [...cleaned.trim()].length >= MIN_RESIDENT_TEXT) out.push({ form: "without control characters", text: cleaned });
  }
  return out;
}

/** A watched text for printing: a secret shows its first 3 characters, a resident's text its first 6. */
export function redactWatched(w: WatchedText): string {
  const keep = w.kind === "secret" ? 3 : 6;
  return `${[...w.text].slice(0, keep).join("")}… (${[...w.text].length} characters)`;
}

/** The part of a log line around what was found, with every form of the watched text in it masked. */
function masked(text: string, kind: WatchedKind, ns: { text: string }[]): string {
  const covered = new Uint8Array(text.length);
  for (const n of ns) {
    for (let i = text.indexOf(n.text); i >= 0; i = text.indexOf(n.text, i + 1)) covered.fill(1, i, i + n.text.length);
  }
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (!covered[i]) out += text[i];
    else if (i === 0 || !covered[i - 1]) out += `[${kind}]`;
  }
  const at = out.indexOf(`[${kind}]`);
  const from = Math.max(0, at - 120);
  return (from > 0 ? "…" : "") + out.slice(from, from + 300) + (out.length > from + 300 ? "…" : "");
}

/** Every needle is at least this long; lines are scanned through an index of the needles' first KEY characters. */
const KEY = 8;

/**
 * Which watched texts appear in which log lines (pure: log lines and watched texts in, findings out). One
 * finding per watched text and log line, the most complete form found.
 */
export function findLeaks(lines: LogLine[], watched: WatchedText[]): Finding[] {
  const unique = new Map<string, WatchedText>();
  for (const w of watched) if (w.text.length >= KEY) unique.set(w.kind + "\u0000" + w.text, w);
  const all = [...unique.values()].map((w) => ({ w, needles: needles(w).filter((n) => n.text.length >= KEY) }));
  const index = new Map<string, { at: number; needle: number }[]>();
  all.forEach((entry, at) =>
    entry.needles.forEach((n, needle) => {
      const key = n.text.slice(0, KEY);
      const list = index.get(key) ?? [];
      list.push({ at, needle });
      index.set(key, list);
    }),
  );
  const findings: Finding[] = [];
  for (const line of lines) {
    const text = line.text;
    // Per watched text, the index of the most complete form found in this line.
    const hits = new Map<number, number>();
    for (let i = 0; i + KEY <= text.length; i++) {
      const candidates = index.get(text.slice(i, i + KEY));
      if (!candidates) continue;
      for (const c of candidates) {
        if ((hits.get(c.at) ?? Infinity) <= c.needle) continue;
        if (text.startsWith(all[c.at]!.needles[c.needle]!.text, i)) hits.set(c.at, c.needle);
      }
    }
    for (const [at, needle] of hits) {
      const { w, needles: ns } = all[at]!;
      findings.push({ kind: w.kind, watched: redactWatched(w), form: ns[needle]!.form, source: line.source, line: line.line, excerpt: masked(text, w.kind, ns) });
    }
  }
  return findings;
}

/** The findings as a report for the run's output (nothing of the watched texts beyond their redacted start). */
export function formatFindings(findings: Finding[], limit = 30): string {
  const shown = findings.slice(0, limit).map((f) => `  - a ${f.kind === "secret" ? "secret" : "resident's text"} ${f.watched}, ${f.form}, in ${f.source}:${f.line}: ${f.excerpt}`);
  const more = findings.length > limit ? [`  … and ${findings.length - limit} more`] : [];
  return [`The suite's log output contains ${findings.length} secret(s) or resident text(s):`, ...shown, ...more].join("\n");
}
