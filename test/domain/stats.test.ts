import { beforeAll, describe, expect, it } from "vitest";
import { draftFeedback } from "../../src/domain/feedback.js";
import { draftPseudonymizer, pseudonymSecret } from "../../src/domain/pseudonym.js";
import { draftStats } from "../../src/domain/stats.js";
import { databaseKinds } from "../support/database.js";
import { useTestDatabase } from "../support/lifecycle.js";
import { DONG_KINH, LUONG_VAN_TRI, seedFeedback } from "../support/feedback-seed.js";

describe.each(databaseKinds)("draft stats and feedback on %s", (kind) => {
  const database = useTestDatabase(kind);
  let seed: Awaited<ReturnType<typeof seedFeedback>>;
  beforeAll(async () => {
    seed = await seedFeedback(database.db);
  });

  it("counts each choice from answers given by the deadline, never late ones", async () => {
    const stats = await draftStats(database.db, seed.draft);
    const [q1, q2] = stats.questions;
    // s1 and s3 (its on-time answer; its late change to choice 2 does not count); s2; s4 only late.
    expect(q1!.choices.map((c) => [c.label, c.count])).toEqual([["Đồng ý", 2], ["Không đồng ý", 1], ["Ý kiến khác", 0]]);
    expect(q1!).toMatchObject({ number: 1, answers: 3, article: "Điều 3" });
    expect(q2!.choices.map((c) => c.count)).toEqual([0, 1]);
  });

  it("counts subscribers and respondents per target commune, and a subscriber of two communes once in the totals", async () => {
    const stats = await draftStats(database.db, seed.draft);
    expect(stats.communes).toEqual([
      // s1 and s2 (s5 stopped, s6 a propagandist); both answered there.
      { code: DONG_KINH, name: "Phường Đông Kinh", type: "Phường", subscribers: 2, respondents: 2 },
      // s1, s3, s4; only s3 answered for it on time (s4 was late, s1 answered for Đông Kinh).
      { code: LUONG_VAN_TRI, name: "Phường Lương Văn Tri", type: "Phường", subscribers: 3, respondents: 1 },
    ]);
    expect(stats.totals).toEqual({ subscribers: 4, respondents: 3, answers: 4, comments: 1, lateAnswers: 2, lateComments: 1 });
  });

  it("counts every unit as a target of a province-wide draft", async () => {
    const stats = await draftStats(database.db, seed.otherDraft);
    expect(stats.communes).toHaveLength(65);
    expect(stats.totals.subscribers).toBe(5); // s1–s4 and s7; not the stopped s5 nor the propagandist s6
    expect(stats.questions).toEqual([]);
  });

  it("exports answers (with the late ones flagged) and comments with stable pseudonyms that hide the subscriber id", async () => {
    const secret = await pseudonymSecret(database.db, undefined);
    expect(await pseudonymSecret(database.db, undefined)).toBe(secret);
    const fb = await draftFeedback(database.db, seed.draft, secret);
    const p = draftPseudonymizer(secret, seed.draft.id);
    expect(fb.answers).toHaveLength(6);
    expect(fb.answers.filter((a) => a.late).map((a) => [a.respondent, a.choice])).toEqual(
      expect.arrayContaining([[p(seed.s.s3.id), "Ý kiến khác"], [p(seed.s.s4.id), "Không đồng ý"]]),
    );
    const s3OnTime = fb.answers.find((a) => a.respondent === p(seed.s.s3.id) && !a.late);
    expect(s3OnTime).toMatchObject({ choiceNumber: 1, choice: "Đồng ý", communeCode: LUONG_VAN_TRI, communeName: "Phường Lương Văn Tri" });
    // s1's answer without a recorded commune is placed in its first target commune.
    const s1q2 = fb.answers.find((a) => a.respondent === p(seed.s.s1.id) && a.questionNumber === 2);
    expect(s1q2).toMatchObject({ communeCode: DONG_KINH, choice: "Không" });
    expect(fb.comments.map((c) => [c.respondent, c.late, c.moderation, c.article])).toEqual([
      [p(seed.s.s2.id), false, "flagged", "Điều 3"],
      [p(seed.s.s4.id), true, "visible", "Điều 5"],
    ]);
    const all = JSON.stringify(fb);
    for (const s of Object.values(seed.s)) expect(all).not.toContain(s.id);
    expect(new Set(fb.answers.filter((a) => a.respondent === p(seed.s.s1.id)).map((a) => a.respondent)).size).toBe(1);
    // Another draft gives the same person another pseudonym.
    expect(draftPseudonymizer(secret, seed.otherDraft.id)(seed.s.s1.id)).not.toBe(p(seed.s.s1.id));
  });

  it("uses PSEUDONYM_SECRET when configured", async () => {
    expect(await pseudonymSecret(database.db, "configured-secret")).toBe("configured-secret");
    const a = draftPseudonymizer("configured-secret", seed.draft.id)(seed.s.s1.id);
    const b = draftPseudonymizer("another-secret", seed.draft.id)(seed.s.s1.id);
    expect(a).toMatch(/^R-[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });
});
