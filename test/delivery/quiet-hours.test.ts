import { describe, expect, it } from "vitest";
import { endOf, formatQuietHours, isQuiet, parseQuietHours } from "../../src/delivery/quiet-hours.js";
import { loadConfig } from "../../src/config.js";
import { workerSettings } from "../../src/delivery/settings.js";

const HCM = "Asia/Ho_Chi_Minh";
const night = parseQuietHours("21:00-07:00", HCM);
/** A local time in Hanoi (UTC+7 all year, no daylight saving). */
const at = (local: string) => new Date(`${local}+07:00`);

describe("quiet hours", () => {
  it.each([
    ["2026-11-27T20:59:59", false, "2026-11-27T20:59:59"],
    ["2026-11-27T21:00:00", true, "2026-11-28T07:00:00"],
    ["2026-11-27T22:00:00", true, "2026-11-28T07:00:00"],
    ["2026-11-27T23:59:30", true, "2026-11-28T07:00:00"],
    ["2026-11-28T00:00:00", true, "2026-11-28T07:00:00"],
    ["2026-11-28T06:59:59", true, "2026-11-28T07:00:00"],
    ["2026-11-28T07:00:00", false, "2026-11-28T07:00:00"],
    ["2026-11-28T12:00:00", false, "2026-11-28T12:00:00"],
    // New Year's Eve: the wrap crosses a year.
    ["2026-12-31T23:30:00", true, "2027-01-01T07:00:00"],
    // The last day of March and October: no daylight-saving change in Asia/Ho_Chi_Minh.
    ["2027-03-28T02:30:00", true, "2027-03-28T07:00:00"],
    ["2027-10-31T02:30:00", true, "2027-10-31T07:00:00"],
  ])("21:00-07:00 at %s local: quiet %s, ends %s", (local, quiet, end) => {
    expect(isQuiet(night, at(local))).toBe(quiet);
    expect(endOf(night, at(local)).toISOString()).toBe(at(end).toISOString());
  });

  it("reads the wall clock of the time zone, not of the machine (14:00 UTC is 21:00 in Hanoi)", () => {
    expect(isQuiet(night, new Date("2026-11-27T14:00:00Z"))).toBe(true);
    expect(isQuiet(night, new Date("2026-11-27T13:59:00Z"))).toBe(false);
    expect(isQuiet(parseQuietHours("21:00-07:00", "UTC"), new Date("2026-11-27T14:00:00Z"))).toBe(false);
  });

  it.each([
    ["12:00-13:30", "2026-11-27T12:45:00", true, "2026-11-27T13:30:00"],
    ["12:00-13:30", "2026-11-27T13:30:00", false, "2026-11-27T13:30:00"],
    ["12:00-13:30", "2026-11-27T11:59:00", false, "2026-11-27T11:59:00"],
    ["00:00-06:00", "2026-11-27T00:00:00", true, "2026-11-27T06:00:00"],
    ["22:30-05:15", "2026-11-27T22:29:00", false, "2026-11-27T22:29:00"],
    ["22:30-05:15", "2026-11-28T05:14:00", true, "2026-11-28T05:15:00"],
    // Equal start and end: no quiet hours.
    ["07:00-07:00", "2026-11-27T03:00:00", false, "2026-11-27T03:00:00"],
  ])("%s at %s local: quiet %s, ends %s", (spec, local, quiet, end) => {
    const q = parseQuietHours(spec, HCM);
    expect(isQuiet(q, at(local))).toBe(quiet);
    expect(endOf(q, at(local)).toISOString()).toBe(at(end).toISOString());
    expect(formatQuietHours(q)).toBe(spec);
  });

  it.each(["21:00", "21-07", "24:00-07:00", "21:00-07:60", "21:00-07:00-08:00", ""])("refuses %j", (spec) => {
    expect(() => parseQuietHours(spec, HCM)).toThrow(/HH:MM-HH:MM/);
  });

  it("QUIET_HOURS defaults to 21:00-07:00 and a malformed value stops start-up naming the variable", () => {
    expect(loadConfig({}).QUIET_HOURS).toBe("21:00-07:00");
    expect(() => loadConfig({ QUIET_HOURS: "9pm-7am" })).toThrow(/QUIET_HOURS/);
  });

  it("the worker settings hold bulk exactly when the clock is in the configured quiet hours", () => {
    const s = workerSettings(loadConfig({ QUIET_HOURS: "00:00-23:59" }));
    const quietNow = isQuiet(parseQuietHours("00:00-23:59", HCM), new Date());
    expect(s.bulkAllowed?.()).toBe(!quietNow);
    expect(workerSettings(loadConfig({ QUIET_HOURS: "07:00-07:00" })).bulkAllowed?.()).toBe(true);
  });
});
