import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import { noBroadcast } from "../../src/delivery/broadcaster.js";
import { recordReportDownload } from "../../src/domain/report/downloads.js";
import { createScheduler } from "../../scheduler/scheduler.js";
import { reportRemindersJob } from "../../scheduler/jobs/report-reminders.js";
import { databaseKinds, quietLogger } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { agency, messagesTo, officerInChat, vn } from "./fixtures.js";

describe.each(databaseKinds)("scheduler: annual report reminders on %s", (kind) => {
  const database = useTestDatabase(kind);
  let db: Db;
  const config = loadConfig({ NODE_ENV: "test" });
  const job = reportRemindersJob({ broadcaster: noBroadcast, dates: config.REPORT_REMINDER_DATES });
  const instance = (owner: string) => createScheduler({ db, logger: quietLogger(), config, jobs: [job], owner });

  beforeAll(() => {
    db = database.db;
  });

  it("on 1 and 15 November at 09:00 the officers of agencies whose report is not downloaded are reminded, once per date, until it is", async () => {
    const [late, done] = [await agency(db, "Sở Tài chính"), await agency(db, "Sở Nội vụ")];
    const [lateOfficer, lateOfficerEn, doneOfficer, provinceOfficer] = [
      await officerInChat(db, late.id), await officerInChat(db, late.id, "en"), await officerInChat(db, done.id), await officerInChat(db, null),
    ];
    await recordReportDownload(db, done.id, 2031, vn("2031-10-20T10:00:00"));

    expect(job.cron).toBe("0 9 1,15 11 *");
    const first = await instance("A").runDue("report-reminders", vn("2031-11-01T09:00:00"));
    expect(first).toMatchObject({ status: "ran", outcome: { details: { period: "2031-11-01", agencies: 1, officers: 2, done: 1 } } });
    expect(await instance("B").runDue("report-reminders", vn("2031-11-01T09:00:00"))).toMatchObject({ status: "already-ran", by: "A" });
    const [vi] = await messagesTo(db, lateOfficer.id, "report_reminder");
    expect(vi!.text).toContain("báo cáo năm 2031");
    expect(vi!.text).toContain("Sở Tài chính");
    expect(vi!.text).toContain("trước ngày 20 tháng 11 năm 2031");
    expect((await messagesTo(db, lateOfficerEn.id, "report_reminder"))[0]!.text).toContain("before 20 November 2031");
    expect(await messagesTo(db, doneOfficer.id, "report_reminder")).toEqual([]);
    expect(await messagesTo(db, provinceOfficer.id, "report_reminder")).toEqual([]);

    // Once downloaded, the 15 November reminder skips the agency.
    await recordReportDownload(db, late.id, 2031, vn("2031-11-10T10:00:00"));
    expect(await instance("A").runDue("report-reminders", vn("2031-11-15T09:00:00"))).toMatchObject({ outcome: { details: { period: "2031-11-15", agencies: 0, done: 2 } } });
    expect(await messagesTo(db, lateOfficer.id, "report_reminder")).toHaveLength(1);
  });

  it("a reminder date missed while the service was down is sent once at start, never on or after the due date", async () => {
    const a = await agency(db, "Sở Công Thương");
    const o = await officerInChat(db, a.id);
    // Down on 15/11/2032, back on 17/11: caught up once.
    expect(await instance("C").catchUp(vn("2032-11-17T08:00:00"))).toMatchObject([{ status: "ran", outcome: { details: { period: "2032-11-15", officers: 4 } } }]); // this agency's officer and the three above: nothing is downloaded for 2032
    expect(await instance("D").catchUp(vn("2032-11-17T08:30:00"))).toEqual([]);
    // Another tick standing for the same date (run by hand later) sends nothing more.
    expect(await job.run({ db, logger: quietLogger(), config, now: vn("2032-11-18T10:00:00") })).toMatchObject({ period: "2032-11-15", skipped: "already-sent" });
    expect(await messagesTo(db, o.id, "report_reminder")).toHaveLength(1);
    // 1 November of the next year missed until the 20th: too late, nothing.
    expect(await job.run({ db, logger: quietLogger(), config, now: vn("2033-11-20T09:00:00") })).toMatchObject({ skipped: "past-due", officers: 0 });
    expect(await messagesTo(db, o.id, "report_reminder")).toHaveLength(1);
  });
});
