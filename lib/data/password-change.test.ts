import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, authThrottle, users } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { verifyPassword } from "@/lib/auth/password";
import { createTestParticipant, TEST_PASSWORD } from "@/lib/testing/participants";
import { passwordChangeSchema } from "@/lib/validation/password-change";
import { identifierKey } from "./throttle";
import { changeOwnPassword, findSessionUser, signInAttempt } from "./users";

beforeAll(freshDatabase);

const change = (currentPassword: string, newPassword = "kebun teh di puncak") => passwordChangeSchema.parse({ currentPassword, newPassword });
const account = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];
const eventsOf = async (id: string, action: string) =>
  db.select().from(auditEvents).where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, action)));

describe("changeOwnPassword", () => {
  it("sets the new password for every role and ends every session of the user", async () => {
    for (const role of ["caseworker", "pmo"] as const) {
      const user = await createTestUser(role, { password: TEST_PASSWORD });
      const before = await account(user.id);
      expect(await findSessionUser(user.id, before.sessionVersion)).not.toBeNull();
      expect(await changeOwnPassword(user, change(TEST_PASSWORD))).toEqual({ ok: true, identifier: user.email });
      const after = await account(user.id);
      expect(after.sessionVersion).toBe(before.sessionVersion + 1);
      expect(await findSessionUser(user.id, before.sessionVersion)).toBeNull(); // the old session is over
      expect(await verifyPassword(after.passwordHash!, "kebun teh di puncak")).toBe(true);
      expect(await verifyPassword(after.passwordHash!, TEST_PASSWORD)).toBe(false);
      const [event] = await eventsOf(user.id, "auth.password_change");
      expect(event).toMatchObject({ actorId: user.id, actorRole: role, after: { sessionsEnded: true } });
      expect(JSON.stringify(event)).not.toContain("kebun");
    }
    const p = await createTestParticipant();
    expect(await changeOwnPassword(p.user, change(TEST_PASSWORD))).toMatchObject({ ok: true });
    expect(await signInAttempt(p.phone, "kebun teh di puncak", null)).toMatchObject({ status: "ok" });
    expect(await signInAttempt(p.phone, TEST_PASSWORD, null)).toEqual({ status: "failed" });
  });

  it("refuses a wrong current password, counts and audits it, and changes nothing", async () => {
    const p = await createTestParticipant();
    const before = await account(p.user.id);
    expect(await changeOwnPassword(p.user, change("bukan-sandi-saya"))).toEqual({
      ok: false,
      fieldErrors: { currentPassword: ["passwordChange.currentWrong"] },
    });
    expect(await account(p.user.id)).toMatchObject({ passwordHash: before.passwordHash, sessionVersion: before.sessionVersion });
    const [throttle] = await db.select().from(authThrottle).where(eq(authThrottle.key, identifierKey(p.phone)));
    expect(throttle.failures).toBe(1);
    const [event] = await eventsOf(p.user.id, "auth.password_check_failed");
    expect(event).toMatchObject({ actorId: p.user.id, after: { purpose: "auth.password_change" } });
    expect(JSON.stringify(event)).not.toContain("bukan-sandi");
  });

  it("is locked with the sign-in throttle: past the free failures even the right password is refused", async () => {
    const p = await createTestParticipant();
    for (let i = 0; i < 6; i++) await changeOwnPassword(p.user, change("salah-lagi-ya"));
    expect(await changeOwnPassword(p.user, change(TEST_PASSWORD))).toEqual({
      ok: false,
      fieldErrors: { currentPassword: ["currentPassword.locked"] },
    });
    expect(await signInAttempt(p.phone, TEST_PASSWORD, null)).toMatchObject({ status: "locked" });
    expect(await verifyPassword((await account(p.user.id)).passwordHash!, TEST_PASSWORD)).toBe(true);
  });

  it("clears the account's failure count once the current password is proved", async () => {
    const p = await createTestParticipant();
    await changeOwnPassword(p.user, change("salah-sekali-saja"));
    expect(await changeOwnPassword(p.user, change(TEST_PASSWORD))).toMatchObject({ ok: true });
    expect(await db.select().from(authThrottle).where(eq(authThrottle.key, identifierKey(p.phone)))).toEqual([]);
  });

  it("of two changes racing with the same current password, one wins", async () => {
    const user = await createTestUser("caseworker", { password: TEST_PASSWORD });
    const results = await Promise.all([
      changeOwnPassword(user, change(TEST_PASSWORD, "kebun teh pertama")),
      changeOwnPassword(user, change(TEST_PASSWORD, "kebun teh kedua")),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, fieldErrors: { form: ["record.stale"] } }]);
    expect(await eventsOf(user.id, "auth.password_change")).toHaveLength(1);
  });

  it("is refused to a disabled account", async () => {
    const user = await createTestUser("caseworker", { password: TEST_PASSWORD });
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await changeOwnPassword(user, change(TEST_PASSWORD))).toEqual({ ok: false, fieldErrors: { form: ["form.error"] } });
  });
});
