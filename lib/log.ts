import "server-only";

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
      statement ? `sql="${statement.replace(/\s+/g, " ").slice(0, 60)}…"` : `message="${scrub(message).slice(0, 200)}"`,
    ].filter(Boolean);
    parts.push(fields.join(" "));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(" <- ");
}

/** Digits long enough to be a phone number or a NIK, and email addresses, replaced. */
function scrub(text: string): string {
  return text.replace(/\+?\d[\d\s-]{6,}\d/g, "[digits]").replace(/[^\s@]+@[^\s@]+/g, "[email]");
}

export function logError(context: string, error: unknown): void {
  console.error(`${context}: ${safeErrorSummary(error)}`);
}
