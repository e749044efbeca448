/**
 * What goes to the server log about an error: its kind, the PostgreSQL code, constraint
 * and table, and the first words of the SQL statement, never the statement's parameters.
 * A database error's message carries the values it was given (Drizzle writes
 * "Failed query: … params: …"), and those values are names, phone numbers and sealed NIKs.
 */
export function safeErrorSummary(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 3; depth++) {
    const e = current as { name?: string; code?: string; constraint_name?: string; constraint?: string; table_name?: string; table?: string; message?: string; query?: string };
    const message = typeof e.message === "string" ? e.message : String(current);
    const statement = typeof e.query === "string" ? e.query : /^Failed query: ([\s\S]*?)\nparams:/.exec(message)?.[1];
    const fields = [
      e.name ?? "Error",
      e.code ? `code=${e.code}` : "",
      e.constraint_name || e.constraint ? `constraint=${e.constraint_name ?? e.constraint}` : "",
      e.table_name || e.table ? `table=${e.table_name ?? e.table}` : "",
      statement
        ? `sql="${statement.replace(/\s+/g, " ").slice(0, 60)}…"`
        : `message="${scrub(e.code ? withoutQuoted(message) : message).slice(0, 200)}"`,
    ].filter(Boolean);
    parts.push(fields.join(" "));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(" <- ");
}

/**
 * A database error's own message quotes the value it refused ('invalid input syntax for
 * type date: "Siti Aminah"'): with a SQLSTATE code, every quoted part goes. The code,
 * constraint and table say what happened.
 */
function withoutQuoted(text: string): string {
  return text.replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'");
}

/** Digits long enough to be a phone number or a NIK, and email addresses, replaced. */
function scrub(text: string): string {
  return text.replace(/\+?\d[\d\s-]{6,}\d/g, "[digits]").replace(/[^\s@]+@[^\s@]+/g, "[email]");
}

export function logError(context: string, error: unknown): void {
  console.error(`${context}: ${safeErrorSummary(error)}`);
}

const SCRUBBED = Symbol.for("pendamping.log-scrubbed");

/**
 * One argument of a console call as it may reach the server log: an error becomes its
 * safe summary followed by its stack frames (the stack's first line repeats the message,
 * with the query's parameters); a string loses any "params: …" line. Other values pass.
 */
export function scrubLogArgument(arg: unknown): unknown {
  if (arg instanceof Error) {
    const frames = (arg.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
    const digest = (arg as { digest?: unknown }).digest;
    const head = safeErrorSummary(arg) + (typeof digest === "string" ? ` digest=${digest}` : "");
    return [head, ...frames].join("\n");
  }
  if (typeof arg === "string") return arg.replace(/^params: .*$/gm, "params: [removed]");
  return arg;
}

/**
 * Errors the framework logs by itself (an unexpected exception in a server action or a
 * page) carry Drizzle's message with the query's parameters: names, phone numbers,
 * sealed NIKs. instrumentation.ts installs this on the server's console at start, so
 * console.error and console.warn write summaries instead. Installing twice is harmless.
 */
export function installLogScrubber(target: Pick<Console, "error" | "warn"> = console): void {
  for (const method of ["error", "warn"] as const) {
    const original = target[method] as ((...args: unknown[]) => void) & { [SCRUBBED]?: true };
    if (original[SCRUBBED]) continue;
    const scrubbed = Object.assign((...args: unknown[]) => original.apply(target, args.map(scrubLogArgument)), { [SCRUBBED]: true as const });
    target[method] = scrubbed;
  }
}
