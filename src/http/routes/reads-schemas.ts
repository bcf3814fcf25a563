import { z } from "zod";
import { fold } from "../../text/fold.js";
import { idParams } from "../../domain/ids.js";

const dateTime = z.iso.datetime({ offset: true }).describe("ISO 8601 date-time");

const draftParams = idParams("draft");

const feedbackQuery = z.object({
  format: z.enum(["json", "csv", "xlsx"]).default("json").describe("json (default), csv (UTF-8 with BOM) or xlsx"),
  lang: z.enum(["vi", "en"]).default("vi").describe("Language of CSV/XLSX column headers and labels (default vi)"),
});

const communesQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100)
    .refine((v) => fold(v).replace(/\s/g, "").length >= 2, "type at least two letters of a commune's name")
    .optional()
    .describe("A new or pre-2025 name, with or without diacritics and type word (\"mai pha\", \"Phường Đông Kinh\"); absent: every unit"),
  limit: z.coerce.number().int().min(1).max(100).default(10).describe("Most matches to return when q is given"),
});

const offlineFigures = z
  .object({ meetings: z.number().int(), attendees: z.number().int(), answers: z.number().int().describe("Sum of the counts per choice"), comments: z.number().int() })
  .describe("Gathered at offline meetings: beside the online figures, never added to them");

const stats = z.object({
  draft: z.object({ id: z.uuid(), code: z.string().nullable(), title: z.string(), status: z.string(), commentClosesAt: dateTime, closedAt: dateTime.nullable() }),
  totals: z.object({
    subscribers: z.number().int().describe("Distinct active residents of the target communes"),
    respondents: z.number().int().describe("Distinct subscribers who answered or commented by the deadline"),
    answers: z.number().int(),
    comments: z.number().int(),
    lateAnswers: z.number().int().describe("Answers after the deadline: kept, not counted"),
    lateComments: z.number().int(),
  }),
  questions: z.array(
    z.object({
      id: z.uuid(),
      number: z.number().int(),
      text: z.string(),
      article: z.string().nullable(),
      answers: z.number().int(),
      offlineAnswers: z.number().int().describe("Sum of the offline counts of this question"),
      choices: z.array(
        z.object({
          index: z.number().int(),
          label: z.string(),
          count: z.number().int().describe("Online answers, every channel"),
          byChannel: z.record(z.string(), z.number().int()).describe("Online answers per channel (telegram, zalo-oa, zalo-bot, sim)"),
          offline: z.number().int().describe("People counted at offline meetings"),
        }),
      ),
    }),
  ),
  communes: z.array(
    z.object({ code: z.string(), name: z.string(), type: z.string(), subscribers: z.number().int(), respondents: z.number().int() }),
  ),
  byChannel: z
    .array(z.object({ channel: z.string(), respondents: z.number().int(), answers: z.number().int(), comments: z.number().int() }))
    .describe("Online figures per channel (channels with feedback)"),
  offline: offlineFigures,
  offlineByCommune: z
    .array(offlineFigures.extend({ code: z.string(), name: z.string() }))
    .describe("Offline figures per target commune with a meeting, beside `communes`"),
  outOfReach: z
    .object({
      outsideWindow: z.number().int().describe("Zalo OA recipients outside the 7-day window whom none of the draft's messages reached"),
      gone: z.number().int().describe("Recipients who blocked or unfollowed before any message of the draft reached them"),
      failed: z.number().int().describe("Recipients whose every message of the draft failed for another reason"),
    })
    .describe("People the draft's messages (announcement, scripts, reminders…) could not reach; each counted once"),
});

const place = {
  respondent: z.string().describe("Pseudonym: the same person has the same pseudonym throughout one draft's exports"),
  communeCode: z.string().nullable(),
  communeName: z.string().nullable(),
  channel: z.string(),
  at: dateTime,
};

const feedback = z.object({
  draft: z.object({ id: z.uuid(), code: z.string().nullable(), title: z.string(), commentClosesAt: dateTime }),
  generatedAt: dateTime,
  answers: z.array(
    z.object({
      ...place,
      questionNumber: z.number().int(),
      question: z.string(),
      article: z.string().nullable(),
      choiceNumber: z.number().int(),
      choice: z.string().nullable(),
      late: z.boolean(),
    }),
  ),
  comments: z.array(
    z.object({
      id: z.uuid(),
      ...place,
      questionNumber: z.number().int().nullable(),
      question: z.string().nullable(),
      article: z.string().nullable(),
      text: z.string(),
      late: z.boolean(),
      moderation: z.enum(["visible", "flagged", "hidden"]),
      handling: z.enum(["pending", "accepted", "explained"]),
      handlingNote: z.string().nullable(),
      moderationReason: z.string().nullable().describe("Why an officer hid the comment"),
    }),
  ),
  offline: z
    .array(
      z.object({
        communeCode: z.string(), communeName: z.string(), meetingDate: z.iso.date(), attendees: z.number().int(),
        questionNumber: z.number().int(), question: z.string(), choiceNumber: z.number().int(), choice: z.string(),
        count: z.number().int().describe("People at the meeting who chose this"), comments: z.number().int(), commentSummary: z.string().nullable(),
      }),
    )
    .describe("Offline feedback, one row per meeting × question × choice; never mixed into the online rows"),
});

const former = z.object({ code: z.string(), name: z.string(), districtName: z.string().nullable(), merge: z.string() });

const communes = z.object({
  q: z.string().optional(),
  count: z.number().int(),
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      type: z.string(),
      matchedFormer: former.optional().describe("Search only: the pre-2025 unit the query matched, now part of this unit"),
      quality: z.enum(["exact", "prefix", "contains"]).optional().describe("Search only"),
      formerUnits: z.array(former).optional().describe("List only: the pre-2025 units merged into this unit"),
    }),
  ),
});

export const readSchemas = { draftParams, feedbackQuery, communesQuery, stats, feedback, communes };
