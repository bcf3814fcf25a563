import { describe, expect, it } from "vitest";
import { decodeAction } from "../../src/messages/actions.js";
import { announcementButtons, answerButton, readButton } from "../../src/messages/buttons.js";

const DRAFT = "7d3f1a52-0000-4000-8000-000000000001";

describe("the buttons under messages sent to many", () => {
  it("an announcement offers Góp ý and Xem thêm, then Huỷ đăng ký, each with its action", () => {
    const rows = announcementButtons("vi", DRAFT);
    expect(rows.map((r) => r.map((b) => b.label))).toEqual([["Góp ý", "Xem thêm"], ["Huỷ đăng ký"]]);
    expect(rows.flat().map((b) => decodeAction(b.action))).toEqual([
      { type: "answer", draftId: DRAFT },
      { type: "more", draftId: DRAFT },
      { type: "unsub" },
    ]);
  });

  it("a reminder's Góp ý is the announcement's, in each locale", () => {
    for (const locale of ["vi", "en"] as const) {
      expect(answerButton(locale, DRAFT)).toEqual(announcementButtons(locale, DRAFT)[0]![0]);
    }
    expect(answerButton("en", DRAFT).label).toBe("Comment");
  });

  it("a script's Đã đọc confirms the reading of that draft", () => {
    expect(readButton("vi", DRAFT).label).toBe("Đã đọc");
    expect(decodeAction(readButton("vi", DRAFT).action)).toEqual({ type: "read", draftId: DRAFT });
  });
});
