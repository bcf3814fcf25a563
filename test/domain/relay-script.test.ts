import { describe, expect, it } from "vitest";
import { composeRelayScript, sentences, speakable, spokenDateTime } from "../../src/domain/relay-script.js";

const HCM = "Asia/Ho_Chi_Minh";
const input = {
  unit: "Phường Đông Kinh",
  agency: "Sở Nông nghiệp và Môi trường",
  title: "Dự thảo Nghị quyết về phí thu gom rác thải 📢",
  necessity: "Cần thống nhất mức phí trên địa bàn tỉnh. Xem chi tiết tại https://langson.gov.vn/du-thao/1 ✅",
  mainContent: "Quy định mức phí thu gom rác thải sinh hoạt; hộ gia đình nộp theo khối lượng. Miễn phí cho hộ nghèo!",
  rightsChanges: "Hộ gia đình nộp phí theo khối lượng thay vì theo hộ\nTrẻ em không phải nộp",
  closesAt: new Date("2027-01-06T10:00:00Z"),
  timeZone: HCM,
};

describe("the spoken relay script", () => {
  it("says dates and times in words, in the local time zone", () => {
    expect(spokenDateTime("vi", new Date("2027-01-06T10:00:00Z"), HCM)).toBe("17 giờ ngày 06 tháng 01 năm 2027");
    expect(spokenDateTime("vi", new Date("2026-12-31T16:59:00Z"), HCM)).toBe("23 giờ 59 phút ngày 31 tháng 12 năm 2026");
    expect(spokenDateTime("en", new Date("2027-01-06T10:30:00Z"), HCM)).toBe("17:30 on 6 January 2027");
  });

  it("has no link and no emoji, one short sentence per line, the deadline in words, and how to join said in words (the commune's QR poster)", () => {
    const text = composeRelayScript("vi", input);
    expect(text).not.toMatch(/https?:|www\.|\.vn\//);
    expect(text).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(text).toContain("Bà con góp ý đến 17 giờ ngày 06 tháng 01 năm 2027.");
    expect(text).toContain("Bà con dùng điện thoại quét mã QR trên áp phích của Phường Đông Kinh.");
    expect(text).toContain("Bà con bấm nút Góp ý, rồi chọn câu trả lời.");
    expect(text).toContain("Sở Nông nghiệp và Môi trường đang lấy ý kiến nhân dân về dự thảo: Dự thảo Nghị quyết về phí thu gom rác thải.");
    const lines = text.split("\n").filter(Boolean);
    expect(lines[0]).toBe("Bài đọc trên loa truyền thanh và bảng tin (Phường Đông Kinh). Xin đọc chậm, rõ ràng. Sau khi đọc xong, xin bấm «Đã đọc».");
    expect(lines).toContain("Cần thống nhất mức phí trên địa bàn tỉnh.");
    expect(lines).toContain("Quy định mức phí thu gom rác thải sinh hoạt;".replace(";", "."));
    expect(lines).toContain("Trẻ em không phải nộp.");
    for (const line of lines.slice(1)) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(lines.at(-1)).toBe("Xin cảm ơn bà con.");
  });

  it("reads the same in English", () => {
    const text = composeRelayScript("en", input);
    expect(text).toContain("You can give your views until 17:00 on 6 January 2027.");
    expect(text).toContain("Scan the QR code on the poster of Phường Đông Kinh with your phone.");
    expect(text).not.toMatch(/https?:|\p{Extended_Pictographic}/u);
  });

  it("cuts a long summary at a sentence end", () => {
    const long = Array.from({ length: 80 }, (_, i) => `Câu thứ ${i + 1} của phần nội dung chính.`).join(" ");
    const text = composeRelayScript("vi", { ...input, mainContent: long });
    expect(text).toContain("Câu thứ 1 của phần nội dung chính.");
    expect(text).not.toContain("Câu thứ 80");
    expect(text.length).toBeLessThan(2600);
    expect(speakable("Xem 👉 tại https://a.vn/x (https://b.vn)")).toBe("Xem tại");
    expect(sentences("Một. Hai! Ba?\nBốn")).toEqual(["Một.", "Hai!", "Ba?", "Bốn"]);
  });
});
