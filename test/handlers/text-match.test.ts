import { describe, expect, it } from "vitest";
import { inviteCodeOf, isEmojiOnly, isStop, matchChoice, parseArticle, parseCommand } from "../../handlers/text-match.js";

describe("text matching", () => {
  it("recognises every spelling of stop as a whole message, any case, with or without diacritics", () => {
    for (const s of ["/stop", "STOP", "stop", "huỷ", "hủy", "HUỶ", "huy", "dừng", "Dừng", "dung", " dung ", "/stop@gopy_bot", "Huỷ đăng ký", "Huỷ.", "Dừng!", "hủy đăng ký.", "Dừng lại!!"]) {
      expect(isStop(s), s).toBe(true);
    }
    for (const s of ["đúng", "Đúng.", "đúng!", "stop it", "tôi muốn huỷ", "huyện", "dũng"]) expect(isStop(s), s).toBe(false);
  });

  it("matches choices by number, letter, label with or without diacritics, or an unambiguous beginning", () => {
    const choices = ["Đồng ý", "Không đồng ý", "Ý kiến khác"];
    expect(matchChoice("1", choices)).toBe(0);
    expect(matchChoice("3", choices)).toBe(2);
    expect(matchChoice("4", choices)).toBeNull();
    expect(matchChoice("b", choices)).toBe(1);
    expect(matchChoice("B", choices)).toBe(1);
    expect(matchChoice("đồng ý", choices)).toBe(0);
    expect(matchChoice("dong y", choices)).toBe(0);
    expect(matchChoice("DONG Y", choices)).toBe(0);
    expect(matchChoice("Không đồng ý", choices)).toBe(1);
    expect(matchChoice("khong dong y", choices)).toBe(1);
    expect(matchChoice("khong", choices)).toBe(1);
    expect(matchChoice("2. Không đồng ý", choices)).toBe(1);
    expect(matchChoice("chọn 2", choices)).toBe(1);
    expect(matchChoice("có lẽ", choices)).toBeNull();
    expect(matchChoice("🙂", choices)).toBeNull();
  });

  it("parses an article at the start of a comment", () => {
    expect(parseArticle("Điều 5: nên tăng mức hỗ trợ")).toEqual({ article: "Điều 5", body: "nên tăng mức hỗ trợ" });
    expect(parseArticle("dieu 12a - bỏ khoản 2")).toEqual({ article: "Điều 12a", body: "bỏ khoản 2" });
    expect(parseArticle("Tôi đồng ý với dự thảo")).toEqual({ article: null, body: "Tôi đồng ý với dự thảo" });
  });

  it("reads commands, invite codes and emoji-only text", () => {
    expect(parseCommand("/start c_06529")).toEqual({ name: "start", arg: "c_06529" });
    expect(parseCommand("/help@gopy_bot")).toEqual({ name: "help" });
    expect(parseCommand("mai pha")).toBeNull();
    expect(inviteCodeOf("i_ABCD2345")).toBe("ABCD2345");
    expect(inviteCodeOf("abcd-2345")).toBe("ABCD2345");
    expect(inviteCodeOf("mai pha")).toBeNull();
    expect(isEmojiOnly("👍🎉")).toBe(true);
    expect(isEmojiOnly("👍 ok")).toBe(false);
  });

  it("a whole label wins over a lead-in word (found by the property test)", () => {
    expect(matchChoice("y kien dong", ["Ý kiến Đồng", "Đồng"])).toBe(0);
    expect(matchChoice("Ý kiến khác", ["Khác", "Ý kiến khác"])).toBe(1);
    expect(matchChoice("ý kiến khác", ["Đồng ý", "Khác"])).toBe(1);
  });
});
