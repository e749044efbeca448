import "server-only";

export type PgErrorInfo = { code?: string; constraint?: string; message: string };

/**
 * postgres.js and PGlite report constraint violations with different property names,
 * and Drizzle wraps both; this finds the PostgreSQL error code and constraint name.
 */
export function pgErrorInfo(error: unknown): PgErrorInfo | null {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const o = e as Record<string, unknown>;
    if (typeof o.code === "string" && /^[0-9A-Z]{5}$/.test(o.code)) {
      const constraint = (o.constraint_name ?? o.constraint) as string | undefined;
      return { code: o.code, constraint, message: String(o.message ?? "") };
    }
    e = o.cause;
  }
  return null;
}

export const isUniqueViolation = (info: PgErrorInfo | null, constraint?: string) =>
  info?.code === "23505" && (!constraint || info.constraint === constraint);
