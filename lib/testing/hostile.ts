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

/**
 * Short text with one control character somewhere in it (tab, newline and CR included),
 * often a value some page would take without it (a stage, a month, a cohort…).
 */
export const withControlCharacter = fc
  .tuple(
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom("lms", "2021-06", "2021-06-10", "31", "import", "Wisma Atlet", "2", "none", "all", "open", "deletion", "system", "failed"),
    ),
    fc.constantFrom("\u0000", "\u0001", "\u0007", "\t", "\n", "\r", "\u001b", "\u001f", "\u007f"),
    fc.nat(),
  )
  .map(([text, control, at]) => {
    const i = at % (text.length + 1);
    return `${text.slice(0, i)}${control}${text.slice(i)}`;
  });

/** One parameter of a query string as Next hands it to a page: a value, a repeated parameter's values, or none. */
export const hostileQueryValue = fc.oneof(
  hostileString,
  withControlCharacter,
  fc.array(fc.oneof(hostileString, withControlCharacter), { minLength: 1, maxLength: 3 }),
  fc.constant(undefined),
);

/** A page's query string: hostile values on its own parameter names, and on a name nobody reads. */
export function hostileQuery(names: readonly string[]) {
  return fc
    .tuple(
      fc.record(Object.fromEntries(names.map((name) => [name, hostileQueryValue])), { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 10 }), hostileQueryValue, { maxKeys: 2 }),
    )
    .map(([own, other]) => ({ ...other, ...own }) as Record<string, string | string[] | undefined>);
}
