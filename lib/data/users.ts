import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/db";
import { users, type Role } from "@/db/schema";
import { burnPasswordCheck, hashPassword, verifyPassword } from "@/lib/auth/password";
import { normalizeEmail } from "@/lib/validation/common";
import { normalizePhone } from "@/lib/validation/phone";
import { recordAudit } from "./audit";
import type { SessionUser } from "./permissions";

function lookupCondition(identifier: string) {
  const trimmed = identifier.trim();
  if (trimmed.includes("@")) return eq(users.email, normalizeEmail(trimmed));
  const phone = normalizePhone(trimmed);
  return phone.ok ? eq(users.phone, phone.e164) : null;
}

/**
 * Checks an email-or-phone and password. Returns null for an unknown account, a wrong
 * password or a disabled account alike, and spends the same hashing time on each.
 */
export async function authenticate(
  identifier: string,
  password: string,
): Promise<(SessionUser & { sessionVersion: number }) | null> {
  const condition = lookupCondition(identifier);
  const [user] = condition ? await db.select().from(users).where(condition).limit(1) : [];
  if (!user || !user.passwordHash) {
    await burnPasswordCheck(password);
    return null;
  }
  const ok = await verifyPassword(user.passwordHash, password);
  if (!ok || user.disabledAt) return null;
  await db.transaction(async (tx) => {
    await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
    await recordAudit(tx, { actor: user, action: "auth.sign_in", entityType: "user", entityId: user.id });
  });
  return { id: user.id, role: user.role, name: user.name, locale: user.locale, sessionVersion: user.sessionVersion };
}

/** The user behind a session, if the account is active and the session version current. */
export async function findSessionUser(id: string, sessionVersion: number): Promise<SessionUser | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [user] = await db
    .select({ id: users.id, role: users.role, name: users.name, locale: users.locale })
    .from(users)
    .where(and(eq(users.id, id), eq(users.sessionVersion, sessionVersion), isNull(users.disabledAt)))
    .limit(1);
  return user ?? null;
}

/** Sign-out: bumping the version ends every session of this user on every device. */
export async function endAllSessions(user: Pick<SessionUser, "id" | "role">): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, user.id));
    await recordAudit(tx, { actor: user, action: "auth.sign_out", entityType: "user", entityId: user.id });
  });
}

export type NewStaffUser = { role: Exclude<Role, "participant">; email: string; name: string; password: string };

/**
 * Creates a staff account from the command line (scripts/user-create.mts): how a real
 * deployment gets its first PMO account. The actor is the system, not a person.
 */
export async function createStaffUser(input: NewStaffUser): Promise<{ id: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ role: input.role, email: normalizeEmail(input.email), name: input.name, passwordHash })
      .returning({ id: users.id });
    await recordAudit(tx, {
      actor: null,
      action: "user.create",
      entityType: "user",
      entityId: row.id,
      after: { role: input.role, email: normalizeEmail(input.email), name: input.name },
    });
    return row;
  });
}
