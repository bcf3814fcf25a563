import { describe, expect, it } from "vitest";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../../src/domain/officers/passwords.js";

describe("officers' passwords", () => {
  it("are stored as scrypt with a salt of their own, never the password, and only the same password matches", async () => {
    const a = await hashPassword("mật-khẩu-đủ-dài-123");
    const b = await hashPassword("mật-khẩu-đủ-dài-123");
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("mật-khẩu");
    expect(await verifyPassword("mật-khẩu-đủ-dài-123", a)).toBe(true);
    expect(await verifyPassword("mật-khẩu-đủ-dài-123", b)).toBe(true);
    expect(await verifyPassword("mật-khẩu-đủ-dài-124", a)).toBe(false);
    // The same text typed in a decomposed Unicode form still matches (NFC).
    expect(await verifyPassword("mật-khẩu-đủ-dài-123".normalize("NFD"), a)).toBe(true);
    expect(await verifyPassword("anything", DUMMY_HASH)).toBe(false);
    expect(await verifyPassword("anything", "sha256$abc")).toBe(false);
  });
});
