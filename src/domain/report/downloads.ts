import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { reportDownloads } from "../../db/schema/index.js";

/** Remember that an agency downloaded its annual report of `year` (the first time only). */
export async function recordReportDownload(db: Db, agencyId: string, year: number, at = new Date()): Promise<void> {
  await db.insert(reportDownloads).values({ agencyId, year, firstDownloadedAt: at }).onConflictDoNothing();
}

/** Whether the agency has downloaded its annual report of `year` (the report reminders stop then). */
export async function reportDownloaded(db: Db, agencyId: string, year: number): Promise<boolean> {
  const rows = await db
    .select({ year: reportDownloads.year })
    .from(reportDownloads)
    .where(and(eq(reportDownloads.agencyId, agencyId), eq(reportDownloads.year, year)))
    .limit(1);
  return rows.length > 0;
}
