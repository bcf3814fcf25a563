import { z } from "zod";
import { draftStatuses } from "../../db/schema/index.js";
import { agencyNameField } from "../agencies.js";
import { idParams } from "../ids.js";
import { dateTimeField, httpUrl, requiredText, safeText } from "../fields.js";

/**
 * The request and response shapes of the drafts API (zod 4). Every object is strict: an unknown field
 * is refused, so a misspelt field never disappears silently.
 */

/** ISO 8601 date-time with "Z" or an explicit ±hh:mm offset; a local time without offset is refused. */
export const isoWithOffset = dateTimeField;

const nonBlank = requiredText;
const optionalText = (max: number) => safeText(max).nullable().optional();

export const criteriaSchema = z
  .object({
    requiresPolicyProposal: z.boolean(),
    affectsRightsAndObligations: z.boolean(),
    sensitiveOrContested: z.boolean(),
    provinceWide: z.boolean(),
  })
  .strict()
  .meta({ description: "The four criteria of plan II.1 a–d; all four true = a high-impact draft." });

/** Summary parts may be blank while the draft is prepared; publishing refuses a blank required part. */
export const summarySchema = z
  .object({
    necessity: safeText(5000).meta({ description: "Necessity, purpose, scope and subjects (II.2 a)." }),
    mainContent: safeText(5000).meta({ description: "Main content (II.2 b)." }),
    rightsChanges: safeText(5000).meta({ description: "New, amended or abolished rights and obligations (II.2 c)." }),
    other: optionalText(5000).meta({ description: "Other (II.2 d), optional." }),
  })
  .strict();

export const questionInputSchema = z
  .object({
    text: nonBlank(1000),
    article: optionalText(200).meta({ description: "The article (điều) the question is about." }),
    choices: z.array(nonBlank(200)).min(2, "needs 2 to 6 choices").max(6, "needs 2 to 6 choices"),
    allowComment: z.boolean(),
  })
  .strict();

export const targetCommunesSchema = z
  .union([z.literal("all"), z.array(nonBlank(20)).min(1, "list at least one unit code, or give \"all\"").max(2000)])
  .meta({ description: "\"all\" (every unit of the province) or a list of unit codes." });

/** Days before the deadline on which residents who have not answered every question are reminded. */
export const reminderDaysSchema = z
  .array(z.number().int().min(1, "must be 1 to 60 days").max(60, "must be 1 to 60 days"))
  .max(10, "at most 10 reminders")
  .refine((a) => new Set(a).size === a.length, "must not repeat a day")
  .nullable()
  .meta({ description: "Days before commentClosesAt (local calendar days, at 08:00) on which residents who have not answered every question are reminded, e.g. [7, 3, 1]; [] for none; null or absent: REMINDER_DAYS." });

export const createDraftBody = z
  .object({
    title: nonBlank(500),
    code: optionalText(100).meta({ description: "Document number or working code." }),
    draftingAgency: agencyNameField.meta({ description: "The drafting agency's name or id. Drafters: their own agency only." }),
    criteria: criteriaSchema,
    containsStateSecrets: z.boolean(),
    summary: summarySchema,
    fullTextUrl: httpUrl(2000),
    commentOpensAt: isoWithOffset,
    commentClosesAt: isoWithOffset,
    targetCommunes: targetCommunesSchema,
    questions: z.array(questionInputSchema).max(50),
    reminderDays: reminderDaysSchema.optional(),
  })
  .strict();
export type CreateDraftInput = z.infer<typeof createDraftBody>;

export const correctionSchema = z
  .object({ note: nonBlank(2000).meta({ description: "What changed and why; sent to residents with the correction." }) })
  .strict();

export const patchDraftBody = z
  .object({
    title: nonBlank(500).optional(),
    code: optionalText(100),
    draftingAgency: agencyNameField.optional(),
    criteria: criteriaSchema.partial().strict().optional(),
    containsStateSecrets: z.boolean().optional(),
    summary: summarySchema.partial().strict().optional(),
    fullTextUrl: httpUrl(2000).optional(),
    commentOpensAt: isoWithOffset.optional(),
    commentClosesAt: isoWithOffset.optional(),
    targetCommunes: targetCommunesSchema.optional(),
    questions: z.array(questionInputSchema).max(50).optional().meta({ description: "Replaces the whole list (before publishing only)." }),
    reminderDays: reminderDaysSchema.optional().meta({ description: "May change until the draft closes; periods already sent stay sent." }),
    correction: correctionSchema.optional().meta({
      description: "Required to change what residents already received (title, code, criteria, summary, fullTextUrl) after publishing.",
    }),
  })
  .strict();
export type PatchDraftInput = z.infer<typeof patchDraftBody>;

export const publishDraftBody = z
  .object({
    shortenedPeriodReason: nonBlank(2000)
      .optional()
      .meta({ description: "Legal reason for a comment period shorter than MIN_COMMENT_DAYS (simplified procedure); audited." }),
  })
  .strict();

export const closeDraftBody = z
  .object({ reason: nonBlank(2000).optional().meta({ description: "Why the period closes early; audited." }) })
  .strict();

export const draftIdParams = idParams("draft");

export const listDraftsQuery = z
  .object({
    status: z.enum(draftStatuses).optional(),
    agency: agencyNameField.optional().meta({ description: "Agency name or id." }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const questionView = z.object({
  id: z.string(),
  position: z.number().int(),
  text: z.string(),
  article: z.string().nullable(),
  choices: z.array(z.string()),
  allowComment: z.boolean(),
});

export const draftView = z.object({
  id: z.string(),
  code: z.string().nullable(),
  title: z.string(),
  draftingAgency: z.object({ id: z.string(), name: z.string() }),
  criteria: criteriaSchema,
  highImpact: z.boolean().meta({ description: "All four criteria true." }),
  containsStateSecrets: z.boolean(),
  summary: z.object({ necessity: z.string(), mainContent: z.string(), rightsChanges: z.string(), other: z.string().nullable() }),
  fullTextUrl: z.string(),
  commentOpensAt: z.string(),
  commentClosesAt: z.string(),
  periodDays: z.number().meta({ description: "Length of the comment period in days." }),
  targetCommunes: z.union([z.literal("all"), z.array(z.string())]),
  questions: z.array(questionView),
  status: z.enum(draftStatuses),
  shortenedPeriodReason: z.string().nullable(),
  publishedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  reminderDays: z.array(z.number().int()).nullable().meta({ description: "null: the service default (REMINDER_DAYS)." }),
  outcome: z
    .object({ text: z.string(), publishedAt: z.string(), publishedBy: z.string() })
    .nullable()
    .meta({ description: "What came of the feedback (POST /drafts/{id}/outcome), sent once to every respondent." }),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DraftView = z.infer<typeof draftView>;

export const draftListView = z.object({ drafts: z.array(draftView), limit: z.number().int(), offset: z.number().int() });
