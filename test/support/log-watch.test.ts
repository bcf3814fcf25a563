import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { findLeaks, formatFindings, MIN_RESIDENT_TEXT, type LogLine, type WatchedText } from "./log-watch.js";

const TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const API_KEY = "gpy_Zx81kq0PzLw3mTbe7uRvYc2N";
const RESIDENT = "Đề nghị giảm phí cho hộ nghèo ở thôn Khòn Pát";
const watched: WatchedText[] = [
  { kind: "secret", text: TOKEN },
  { kind: "secret", text: API_KEY },
  { kind: "resident", text: RESIDENT },
];
const lines = (...texts: string[]): LogLine[] => texts.map((text, i) => ({ source: "service-1.log", line: i + 1, text }));

/** The checker the run's teardown applies to the whole suite's log output (global-setup.ts). */
describe("the log watch's checker", () => {
  it("reports a secret and a resident's text found in log lines, with where, and prints neither", () => {
    const log = lines(
      `{"level":"info","message":"webhook set","url":"https://api.telegram.org/bot${TOKEN}/setWebhook"}`,
      `{"level":"debug","message":"turn","text":"${RESIDENT}"}`,
      `{"level":"info","message":"request","path":"/api/v1/drafts"}`,
    );
    const findings = findLeaks(log, watched);
    expect(findings.map((f) => [f.kind, f.form, f.source, f.line])).toEqual([
      ["secret", "whole", "service-1.log", 1],
      ["resident", "whole", "service-1.log", 2],
    ]);
    const report = formatFindings(findings);
    expect(report).toContain("service-1.log:1");
    expect(report).toContain("service-1.log:2");
    expect(report).not.toContain(TOKEN.slice(10));
    expect(report).not.toContain(RESIDENT.slice(6));
    expect(report).toContain("[secret]");
    expect(report).toContain("[resident]");
  });

  it("finds a secret in part: the part after a bot token's colon, or 16 characters of it (a truncated or masked form)", () => {
    const afterColon = TOKEN.split(":")[1]!;
    const findings = findLeaks(
      lines(`token …:${afterColon}`, `key ${API_KEY.slice(0, 18)}…`, `key ${API_KEY.slice(0, 10)}…`, `bot id ${TOKEN.split(":")[0]}`),
      watched,
    );
    expect(findings.map((f) => [f.line, f.form])).toEqual([
      [1, "the part after the colon"],
      [2, "16 characters of it"],
    ]);
  });

  it("finds a resident's text JSON-escaped or with its control characters stripped, and ignores short common words", () => {
    const multiline: WatchedText = { kind: "resident", text: "Đường \"liên thôn\"\nhay ngập khi mưa" };
    const nul: WatchedText = { kind: "resident", text: "Cần thêm\u0000 đèn đường" };
    const short: WatchedText = { kind: "resident", text: "có" };
    const findings = findLeaks(
      lines(JSON.stringify({ text: multiline.text }), "Cần thêm đèn đường ở xóm 3", "có ý kiến", JSON.stringify({ message: "ok" })),
      [multiline, nul, short],
    );
    expect(findings.map((f) => [f.line, f.form])).toEqual([
      [1, "JSON-escaped"],
      [2, "without control characters"],
    ]);
    expect([..."có"].length).toBeLessThan(MIN_RESIDENT_TEXT);
  });

  it("catches what the service's own logger writes when a secret or a resident's words slip into free text", () => {
    const stream = new PassThrough();
    const written: string[] = [];
    stream.on("data", (d: Buffer) => written.push(...d.toString("utf8").split("\n").filter(Boolean)));
    const logger = createLogger({ level: "debug", json: true, stream });
    logger.debug(`resident said: ${RESIDENT}`);
    logger.info("key in use", { note: `the key ends in ${API_KEY.slice(-16)}` });
    logger.info("nothing here", { draft: "Dự thảo" });
    const findings = findLeaks(lines(...written), watched);
    expect(findings.map((f) => [f.kind, f.line])).toEqual([
      ["resident", 1],
      ["secret", 2],
    ]);
  });

  it("finds nothing in a clean log", () => {
    expect(findLeaks(lines(`{"level":"info","message":"gopy is listening","url":"http://127.0.0.1:3000"}`), watched)).toEqual([]);
  });
});
