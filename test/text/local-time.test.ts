import { describe, expect, it } from "vitest";
import { localDate, localDateTime, localDay, localHour, localStamp, localTime, wallClockDate } from "../../src/text/local-time.js";

const VN = "Asia/Ho_Chi_Minh";
/** 17:00 UTC on New Year's Eve is already midnight of the new year in Việt Nam (UTC+7). */
const newYear = new Date("2025-12-31T17:00:00Z");
const morning = new Date("2026-06-30T02:05:09Z");

describe("local date formatting: one rule, in the service's time zone", () => {
  it.each([
    { name: "date and time for spreadsheets", fn: localDateTime, at: newYear, out: "2026-01-01 00:00:00" },
    { name: "the local day as a key", fn: localDay, at: newYear, out: "2026-01-01" },
    { name: "a date as people read it", fn: localDate, at: newYear, out: "01/01/2026" },
    { name: "a 24-hour time", fn: localTime, at: morning, out: "09:05" },
    { name: "date and time for messages", fn: localStamp, at: morning, out: "30/06/2026 09:05" },
  ])("$name", ({ fn, at, out }) => {
    expect(fn(at, VN)).toBe(out);
  });

  it("another zone gives another wall clock", () => {
    expect(localStamp(newYear, "UTC")).toBe("31/12/2025 17:00");
  });

  it("the local hour, for quiet hours", () => {
    expect(localHour(newYear, VN)).toBe(0);
    expect(localHour(morning, VN)).toBe(9);
  });

  it("a spreadsheet date shows the local wall clock", () => {
    expect(wallClockDate(morning, VN).toISOString()).toBe("2026-06-30T09:05:09.000Z");
  });
});
