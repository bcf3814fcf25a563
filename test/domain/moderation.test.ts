import { describe, expect, it } from "vitest";
import { commentFlags, maskContacts } from "../../src/domain/moderation/flags.js";

describe("comment moderation flags", () => {
  it("flags abusive words on folded text, whole words only", () => {
    expect(commentFlags("Đồ ngu, dự thảo này vớ vẩn")).toEqual(["abusive"]);
    expect(commentFlags("ĐỊT MẸ bọn này")).toEqual(["abusive"]);
    expect(commentFlags("Tôi đồng ý với các điều khoản, mức phạt lớn là hợp lý")).toEqual([]);
    expect(commentFlags("Ông ấy là người Đông Mai")).toEqual([]);
  });

  it("flags links, Vietnamese phone numbers and e-mail addresses", () => {
    expect(commentFlags("Xem thêm tại https://example.com/abc")).toEqual(["link"]);
    expect(commentFlags("vào trang banhang.vn nhé")).toEqual(["link"]);
    expect(commentFlags("Gọi tôi 0912 345 678")).toEqual(["phone"]);
    expect(commentFlags("sđt +84912345678")).toEqual(["phone"]);
    expect(commentFlags("máy bàn 024.3825.1234")).toEqual(["phone"]);
    expect(commentFlags("thư cho mai.nguyen@gmail.com")).toEqual(["email"]);
    expect(commentFlags("Điều 5 khoản 2: mức phạt 5000000 đồng là quá cao")).toEqual([]);
  });

  it("flags repeated text: the same comment again, one character or one word over and over", () => {
    expect(commentFlags("Không đồng ý", ["khong dong y"])).toEqual(["repeated"]);
    expect(commentFlags("Khong dong y!", ["Không đồng ý"])).toEqual(["repeated"]);
    expect(commentFlags("aaaaaaaaaaaa")).toEqual(["repeated"]);
    expect(commentFlags("phản đối phản đối phản đối phản đối")).toEqual(["repeated"]);
    expect(commentFlags("Nên giữ nguyên", ["Không đồng ý"])).toEqual([]);
  });

  it("masks phone numbers and e-mail addresses", () => {
    expect(maskContacts("Gọi 0912 345 678 hoặc mai.nguyen@gmail.com")).toBe("Gọi 09** *** *** hoặc m***@***");
    expect(maskContacts("sđt +84912345678.")).toBe("sđt +84*********.");
    expect(maskContacts("mức phạt 5.000.000 đồng")).toBe("mức phạt 5.000.000 đồng");
  });
});
