import { hashPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/data/permissions";
import { db, dbKind } from "./index";
import { migrateDatabase } from "./migrate-lib";
import { truncateData } from "./truncate";
import { users, type Role } from "./schema";

/**
 * A clean database for one test file: migrated, catalogue loaded, no other rows. On
 * PGlite each file already has its own in-memory database; on PostgreSQL the files run
 * one after another and share TEST_DATABASE_URL, so its tables are emptied.
 */
export async function freshDatabase(): Promise<void> {
  await migrateDatabase();
  if (dbKind === "postgres") await truncateData(db);
}

let seq = 0;
/** A user of the given role, returned as the session user the data layer expects. */
export async function createTestUser(
  role: Role,
  opts: { password?: string; email?: string; phone?: string; name?: string } = {},
): Promise<SessionUser & { email: string }> {
  const email = opts.email ?? `${role}${++seq}.${Date.now()}@test.id`;
  const [row] = await db
    .insert(users)
    .values({
      role,
      name: opts.name ?? `${role} ${seq}`,
      email,
      phone: opts.phone ?? null,
      passwordHash: opts.password ? await hashPassword(opts.password) : null,
    })
    .returning();
  return { id: row.id, role: row.role, name: row.name, locale: row.locale, email };
}

/** Runs fn and returns the HTTP status Next would answer with (403 for forbidden(), 404 for notFound()). */
export async function statusOf(fn: () => Promise<unknown>): Promise<number | "ok"> {
  try {
    await fn();
    return "ok";
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    const match = /^NEXT_HTTP_ERROR_FALLBACK;(\d{3})$/.exec(digest);
    if (match) return Number(match[1]);
    if (digest.startsWith("NEXT_REDIRECT")) return 307;
    throw error;
  }
}
