import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeSignature, detectVariant, verifySignature, type SignatureSecrets } from "../../../bots/zalo-oa/signature.js";

const secrets: SignatureSecrets = { appId: "1234567890123456789", oaSecretKey: "oa-secret", oaId: "4318205566987654321", appSecret: "app-secret" };
const body = '{"app_id":"1234567890123456789","event_name":"user_send_text","sender":{"id":"7012345678901234567"},"message":{"text":"mai pha","msg_id":"abc"},"timestamp":"1764000000000"}';
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("Zalo OA webhook signature", () => {
  it("accepts the documented formula sha256(appId + raw body + timestamp + OA secret key), with or without mac=", () => {
    const mac = sha(secrets.appId + body + "1764000000000" + "oa-secret");
    expect(computeSignature("documented", secrets, body)).toBe(mac);
    expect(verifySignature("documented", secrets, body, mac)).toBe(true);
    expect(verifySignature("documented", secrets, body, `mac=${mac}`)).toBe(true);
    expect(verifySignature("documented", secrets, body, `mac=${mac.toUpperCase()}`)).toBe(true);
  });

  it("refuses a missing, malformed or wrong signature, and a body changed by one byte", () => {
    const mac = sha(secrets.appId + body + "1764000000000" + "oa-secret");
    expect(verifySignature("documented", secrets, body, undefined)).toBe(false);
    expect(verifySignature("documented", secrets, body, "mac=")).toBe(false);
    expect(verifySignature("documented", secrets, body, "mac=xyz")).toBe(false);
    expect(verifySignature("documented", secrets, body, sha("something else"))).toBe(false);
    expect(verifySignature("documented", secrets, body.replace("mai pha", "mai phb"), mac)).toBe(false);
    // signed with the App Secret instead of the OA secret key
    expect(verifySignature("documented", secrets, body, sha(secrets.appId + body + "1764000000000" + "app-secret"))).toBe(false);
  });

  it("supports the other formulas seen in the wild when configured, and names the one a request matches", () => {
    const oaFirst = sha(secrets.oaId! + body + "1764000000000" + "oa-secret");
    const bodyTs = sha(body + "1764000000000" + "oa-secret");
    const hmac = createHmac("sha256", "app-secret").update(body).digest("hex");
    expect(verifySignature("oaid_first", secrets, body, oaFirst)).toBe(true);
    expect(verifySignature("body_ts_secret", secrets, body, bodyTs)).toBe(true);
    expect(verifySignature("hmac_app_secret", secrets, body, hmac)).toBe(true);
    expect(verifySignature("documented", secrets, body, oaFirst)).toBe(false);
    expect(detectVariant(secrets, body, `mac=${bodyTs}`)).toBe("body_ts_secret");
    expect(detectVariant(secrets, body, sha("nope"))).toBeNull();
  });

  it("uses the timestamp text as sent, even when it is a number in the body", () => {
    const b = '{"app_id":"1","event_name":"follow","timestamp":1764000000001}';
    expect(computeSignature("documented", secrets, b)).toBe(sha(secrets.appId + b + "1764000000001" + "oa-secret"));
  });
});
