import fc from "fast-check";

/**
 * Hostile text for property tests: short and overlong random strings, control characters,
 * SQL and HTML fragments, path tricks, bidi and astral characters, numbers that are not
 * numbers, an impossible date and a NIK-looking number.
 */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 200, maxLength: 5000 }),
  fc.constantFrom(
    "<script>alert(1)</script>",
    "'; drop table participants; --",
    "\u0000\u0001\u0002\u001b[2J",
    "Siti\u0000Aminah",
    "../../etc/passwd",
    "%00%27%22",
    "𝕊𝕚𝕥𝕚 🙂 \u202e",
    "\ud800",
    "1e309",
    "-0",
    "NaN",
    "  ",
    "3174015705900001",
    "2021-02-30",
    "9999-99-99",
  ),
);

/** Any value a parsed body might hold: hostile text, numbers, booleans, null, arrays, objects. */
export const hostileValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

/** Characters that must never be stored: C0 controls but tab, newline and carriage return, DEL, lone surrogates. */
export const FORBIDDEN_STORED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
