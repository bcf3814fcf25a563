import { t, type Locale } from "../../i18n/index.js";
import { oneLine } from "../../text/truncate.js";
import type { DraftResults } from "./tally.js";

/** Replaced in SQL, per respondent, by how many questions they answered. */
export const ANSWERED_MARK = "⟦answered⟧";
const QUESTION_CHARS = 90;

function percent(locale: Locale, part: number, whole: number): string {
  if (!whole) return "–";
  return new Intl.NumberFormat(locale === "en" ? "en-GB" : "vi-VN", { style: "percent", maximumFractionDigits: 0 }).format(part / whole);
}

/** "Đồng ý 62% · Không đồng ý 38%": each choice's share of the question's answers. */
function shares(locale: Locale, choices: { label: string; count: number }[]): string {
  const total = choices.reduce((a, c) => a + c.count, 0);
  if (!total) return t(locale, "results.noAnswers");
  return choices.map((c) => t(locale, "results.share", { choice: c.label, percent: percent(locale, c.count, total) })).join(" · ");
}

/**
 * The one short message a respondent of `unitCode` gets when the draft closed: per question the
 * province's shares and their commune's, the commune's participation, and how many questions they
 * answered (ANSWERED_MARK, filled in per person).
 */
export function resultsMessage(locale: Locale, title: string, results: DraftResults, unitCode: string | null): string {
  const { stats } = results;
  const commune = stats.communes.find((c) => c.code === unitCode) ?? null;
  const local = results.byCommune.get(unitCode ?? "");
  const lines = [t(locale, "results.header", { title, respondents: stats.totals.respondents })];
  for (const q of stats.questions) {
    lines.push(t(locale, "results.question", { number: q.number, text: oneLine(q.text, QUESTION_CHARS) }));
    lines.push(t(locale, "results.province", { shares: shares(locale, q.choices) }));
    if (commune) {
      const counts = local?.get(q.id);
      const mine = q.choices.map((c) => ({ label: c.label, count: counts?.get(c.index) ?? 0 }));
      lines.push(t(locale, "results.commune", { commune: commune.name, shares: shares(locale, mine) }));
    }
  }
  if (commune) {
    lines.push(t(locale, "results.participation", {
      commune: commune.name, respondents: commune.respondents, subscribers: commune.subscribers, percent: percent(locale, commune.respondents, commune.subscribers),
    }));
  }
  lines.push(t(locale, "results.yours", { answered: ANSWERED_MARK, questions: stats.questions.length }));
  return lines.join("\n");
}
