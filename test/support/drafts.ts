import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../src/db/client.js";

const DAY = 86_400_000;

/** An ISO 8601 date-time at +07:00 (Vietnam), as an officer's client would send it. */
export function isoVn(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().replace("Z", "+07:00");
}

export const inDays = (days: number, from = new Date()) => new Date(from.getTime() + days * DAY);

/** A complete, publishable create-draft body (opens an hour ago, closes in 40 days). */
export function draftBody(agency: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: "Dự thảo Nghị quyết quy định mức thu phí tham quan Động Tam Thanh",
    code: "NQ-2025/01",
    draftingAgency: agency,
    criteria: { requiresPolicyProposal: true, affectsRightsAndObligations: true, sensitiveOrContested: true, provinceWide: true },
    containsStateSecrets: false,
    summary: {
      necessity: "Cần thống nhất mức thu phí tại các điểm du lịch.",
      mainContent: "Quy định mức thu 20.000 đồng/lượt.",
      rightsChanges: "Người dân phải nộp phí khi tham quan; miễn cho trẻ em.",
      other: "Hiệu lực từ 1/1/2026.",
    },
    fullTextUrl: "https://langson.gov.vn/du-thao/nq-2025-01.pdf",
    commentOpensAt: isoVn(inDays(-1 / 24)),
    commentClosesAt: isoVn(inDays(40)),
    targetCommunes: ["05977", "05983"],
    questions: [
      { text: "Bạn có đồng ý với mức thu 20.000 đồng?", article: "Điều 3", choices: ["Đồng ý", "Không đồng ý", "Ý kiến khác"], allowComment: true },
      { text: "Có nên miễn phí cho người cao tuổi?", choices: ["Có", "Không"], allowComment: false },
    ],
    ...overrides,
  };
}

export interface RowCounts {
  drafts: number;
  questions: number;
  targets: number;
  audit: number;
  agencies: number;
}

/** Row counts of everything a drafts request could write. */
export async function rowCounts(db: DbOrTx): Promise<RowCounts> {
  const [r] = await queryRows<RowCounts>(
    db,
    sql`select (select count(*)::int from drafts) as drafts, (select count(*)::int from questions) as questions,
      (select count(*)::int from draft_targets) as targets,
      (select count(*)::int from audit_log where entity_type = 'draft') as audit,
      (select count(*)::int from agencies) as agencies`,
  );
  return r!;
}

export async function auditActions(db: DbOrTx, draftId: string): Promise<{ actor: string; action: string; details: Record<string, unknown> }[]> {
  return queryRows(db, sql`select actor, action, details from audit_log where entity_type = 'draft' and entity_id = ${draftId} order by id`);
}

/**
 * The draft the channel end-to-end tests publish: two questions (the second with an article and a comment),
 * open now for 35 days unless told otherwise, for one commune.
 */
export function teaDraftBody(unitCode: string, period: { opens?: Date; closes?: Date } = {}): Record<string, unknown> {
  return {
    title: "Quy định hỗ trợ phát triển chè Lạng Sơn",
    draftingAgency: "Sở Nông nghiệp và Môi trường",
    criteria: { requiresPolicyProposal: true, affectsRightsAndObligations: true, sensitiveOrContested: false, provinceWide: true },
    containsStateSecrets: false,
    summary: { necessity: "Cần hỗ trợ người trồng chè.", mainContent: "Hỗ trợ giống và phân bón.", rightsChanges: "Hộ trồng chè được hỗ trợ 50% giống." },
    fullTextUrl: "https://langson.gov.vn/du-thao/che",
    commentOpensAt: (period.opens ?? new Date(Date.now() - 60_000)).toISOString(),
    commentClosesAt: (period.closes ?? new Date(Date.now() + 35 * DAY)).toISOString(),
    targetCommunes: [unitCode],
    questions: [
      { text: "Mức hỗ trợ 50% có phù hợp không?", choices: ["Phù hợp", "Nên cao hơn", "Nên thấp hơn"], allowComment: false },
      { text: "Bạn có đồng ý với dự thảo không?", article: "Điều 5", choices: ["Đồng ý", "Không đồng ý"], allowComment: true },
    ],
  };
}
