import fc from "fast-check";

/**
 * fast-check arbitraries for the property tests of every entry point (test/http/*.property.test.ts).
 * Strings that have broken services before: NUL, lone surrogates, bidi, invisible, extreme dates, huge numbers as text.
 */
export const nastyConstants = [
  "\u0000", "a\u0000b", "\ud800x", "x\udc00", "\u202egnp.exe", "\u2066x\u2069", "\u200b\u200c\u200d", "\ufeff",
  "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "+275760-09-13T00:00:00Z", "1e400", "-0", "%25", "%", "!!!", "",
  "' or 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "null",
];
export const nastyString = fc.oneof(
  fc.constantFrom(...nastyConstants),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);

/** Numbers that have broken services before: dates past year 9999 in seconds or ms, beyond 2^53, negative, fractional. */
export const nastyNumber = fc.oneof(fc.constantFrom(253402300800, 1e20, -1, 0, 2 ** 53, -(2 ** 63), 1e308), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString, nastyNumber, fc.boolean(), fc.constant(null), fc.array(nastyString, { maxLength: 3 }), fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
);

/** A header value fetch will send (printable ASCII). */
export const headerValue = fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s));

/** Percent-encode every UTF-8 byte (a lone surrogate becomes U+FFFD, as a client's encoder would make it); sometimes raw invalid UTF-8. */
export const urlPart = (s: string) => (s === "\ud800x" ? "%ED%A0%80x" : [...Buffer.from(s, "utf8")].map((b) => "%" + b.toString(16).padStart(2, "0")).join(""));
