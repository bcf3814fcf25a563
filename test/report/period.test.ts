import { describe, expect, it } from "vitest";
import { reportPeriod } from "../../src/domain/report/period.js";
import { placeDateLine, agencyAbbreviation } from "../../src/report/docx.js";

const TZ = "Asia/Ho_Chi_Minh";

describe("the annual report's period and date line", () => {
  it("runs from REPORT_PERIOD_START to today while the year is not over, local dates", () => {
    // 5 November 2026, 01:30 local time (still 4 November in UTC).
    const now = new Date("2026-11-04T18:30:00Z");
    expect(reportPeriod(2026, "01-01", now, TZ)).toEqual({
      year: 2026,
      from: "2026-01-01",
      to: "2026-11-05",
      fromAt: new Date("2025-12-31T17:00:00Z"),
      untilAt: new Date("2026-11-05T17:00:00Z"),
    });
  });

  it("runs to 31 December for a past year, from another start day when configured", () => {
    const p = reportPeriod(2025, "07-01", new Date("2026-03-01T00:00:00Z"), TZ);
    expect([p.from, p.to, p.fromAt.toISOString(), p.untilAt.toISOString()]).toEqual([
      "2025-07-01", "2025-12-31", "2025-06-30T17:00:00.000Z", "2025-12-31T17:00:00.000Z",
    ]);
  });

  it("has not begun for a future year", () => {
    const p = reportPeriod(2027, "01-01", new Date("2026-11-05T00:00:00Z"), TZ);
    expect(p.untilAt <= p.fromAt).toBe(true);
  });

  it("writes the place and date as Decree 30 does, with leading zeros for days below 10 and months 1–2", () => {
    expect(placeDateLine("vi", "Lạng Sơn", new Date("2026-11-04T18:30:00Z"), TZ)).toBe("Lạng Sơn, ngày 05 tháng 11 năm 2026");
    expect(placeDateLine("vi", "Cao Bằng", new Date("2027-02-14T03:00:00Z"), TZ)).toBe("Cao Bằng, ngày 14 tháng 02 năm 2027");
    expect(agencyAbbreviation("Sở Tư pháp")).toBe("STP");
    expect(agencyAbbreviation("Sở Nông nghiệp và Môi trường")).toBe("SNNVMT");
  });
});
