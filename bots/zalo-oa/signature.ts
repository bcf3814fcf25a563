import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Zalo OA webhook signature (header X-ZEvent-Signature). The documented formula is plain SHA-256, hex, over
 * appId + rawBody + timestamp + OA secret key, where timestamp is the body's own `timestamp` field. Other
 * formulas seen in the wild are selectable, since none could be checked against Zalo's live servers:
 *   documented       sha256(appId + body + timestamp + oaSecretKey)
 *   oaid_first       sha256(oaId + body + timestamp + oaSecretKey)
 *   body_ts_secret   sha256(body + timestamp + oaSecretKey)
 *   hmac_app_secret  HMAC-SHA256(key = app secret, body)
 */
export const signatureVariants = ["documented", "oaid_first", "body_ts_secret", "hmac_app_secret"] as const;
export type SignatureVariant = (typeof signatureVariants)[number];

export interface SignatureSecrets {
  appId: string;
  oaSecretKey: string;
  oaId?: string | undefined;
  appSecret?: string | undefined;
}

/** The body's `timestamp` field as the text the sender used (a string of epoch ms); "" if none. */
export function bodyTimestamp(rawBody: string): string {
  try {
    const parsed = JSON.parse(rawBody) as { timestamp?: unknown };
    if (parsed && typeof parsed === "object" && (typeof parsed.timestamp === "string" || typeof parsed.timestamp === "number")) {
      return String(parsed.timestamp);
    }
  } catch {
    // not JSON: fall through
  }
  const m = /"timestamp"\s*:\s*"?(\d+)"?/.exec(rawBody);
  return m?.[1] ?? "";
}

/** The expected signature (hex) of a raw body, or null when the variant lacks a secret it needs. */
export function computeSignature(variant: SignatureVariant, secrets: SignatureSecrets, rawBody: string): string | null {
  const ts = bodyTimestamp(rawBody);
  const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
  switch (variant) {
    case "documented":
      return sha(secrets.appId + rawBody + ts + secrets.oaSecretKey);
    case "oaid_first":
      return secrets.oaId ? sha(secrets.oaId + rawBody + ts + secrets.oaSecretKey) : null;
    case "body_ts_secret":
      return sha(rawBody + ts + secrets.oaSecretKey);
    case "hmac_app_secret":
      return secrets.appSecret ? createHmac("sha256", secrets.appSecret).update(rawBody, "utf8").digest("hex") : null;
  }
}

/** Strip an optional `mac=` prefix and surrounding space; lower-case hex. */
export function normaliseSignatureHeader(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== "string") return null;
  const s = v.trim().replace(/^mac\s*=\s*/i, "").trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(s) ? s : null;
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Constant-time check of a header against the configured variant. */
export function verifySignature(variant: SignatureVariant, secrets: SignatureSecrets, rawBody: string, header: string | string[] | undefined): boolean {
  const given = normaliseSignatureHeader(header);
  if (!given) return false;
  const expected = computeSignature(variant, secrets, rawBody);
  return expected !== null && equalHex(given, expected);
}

/** Which variant a (rejected) signature matches, to tell the operator what to configure. */
export function detectVariant(secrets: SignatureSecrets, rawBody: string, header: string | string[] | undefined): SignatureVariant | null {
  for (const v of signatureVariants) if (verifySignature(v, secrets, rawBody, header)) return v;
  return null;
}
