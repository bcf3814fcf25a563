import { z } from "zod";

const dateTime = z.iso.datetime({ offset: true });
const int = z.number().int();
const online = z.object({ answers: int, comments: int, respondents: int.describe("Distinct people who answered or commented") });
const offline = z
  .object({ meetings: int, attendees: int, answers: int.describe("Sum of the counts per choice"), comments: int })
  .describe("Gathered at offline meetings: beside the online figures, never added to them");
const handling = z.object({ accepted: int, explained: int, pending: int });
const relays = z.object({ sent: int, confirmed: int });
const byChannel = z.record(z.string(), online).describe("Online figures per channel (telegram, zalo-oa, zalo-bot, sim)");

/** The annual report as JSON (GET /api/v1/reports/annual?format=json), for the OpenAPI document. */
export const annualReportSchema = z.object({
  year: int,
  generatedAt: dateTime,
  province: z.string(),
  agency: z.object({ id: z.uuid(), name: z.string() }).nullable().describe("null: the province report"),
  period: z
    .object({ year: int, from: z.iso.date(), to: z.iso.date(), fromAt: dateTime, untilAt: dateTime })
    .describe("Local dates covered (inclusive): REPORT_PERIOD_START of the year to 31 December, or to today"),
  minCommentDays: int,
  channels: z.array(z.string()),
  totals: z.object({
    drafts: int, open: int, closed: int, highImpact: int, fullPeriods: int, shortenedPeriods: int,
    online, offline, relays, handling,
  }),
  drafts: z.array(
    z.object({
      id: z.uuid(), code: z.string().nullable(), title: z.string(), agencyId: z.uuid(), agencyName: z.string(), status: z.string(),
      publishedAt: dateTime, commentOpensAt: dateTime, commentClosesAt: dateTime, periodDays: int,
      shortenedPeriodReason: z.string().nullable(), highImpact: z.boolean(), online, byChannel, offline, relays, handling,
    }),
  ),
  agencies: z.array(z.object({ id: z.uuid(), name: z.string(), drafts: int, highImpact: int, online, offline, handling })),
  messages: z.array(z.object({ channel: z.string(), sent: int, failed: int, outOfReach: int.describe("Outside the Zalo OA window"), pending: int })),
  communes: z.array(
    z.object({
      code: z.string(), name: z.string(), subscribers: z.record(z.string(), int).describe("Active residents per channel"), subscribersTotal: int,
      online, byChannel, offline, relays,
    }),
  ),
});
