import { desc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, authThrottle, users } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { identifierKey, ipKey, THROTTLE } from "./throttle";
import { findSessionUser, SESSION_LIMITS, signInAttempt, ticketSignInAttempt } from "./users";

beforeAll(freshDatabase);

const free = THROTTLE.identifier.free;

describe("sign-in throttle", () => {
  it("locks an identifier after the free failures, even for the right password, and unlocks in time", async () => {
    const user = await createTestUser("caseworker", { password: "benar-sekali-123" });
    for (let i = 0; i < free; i++) expect((await signInAttempt(user.email, "salah", null)).status).toBe("failed");
    expect((await signInAttempt(user.email, "salah", null)).status).toBe("failed"); // the one that locks
    const locked = await signInAttempt(user.email, "benar-sekali-123", null);
    expect(locked.status).toBe("locked");
    // Another spelling of the same identifier is the same key.
    expect((await signInAttempt(` ${user.email.toUpperCase()} `, "benar-sekali-123", null)).status).toBe("locked");
    // Once the lock has passed, the right password works and clears the count.
    await db.update(authThrottle).set({ lockedUntil: new Date(Date.now() - 1000) });
    expect((await signInAttempt(user.email, "benar-sekali-123", null)).status).toBe("ok");
    const rows = await db.select().from(authThrottle).where(sql`${authThrottle.key} like 'identifier:%'`);
    expect(rows).toEqual([]);
  });

  it("treats an unknown account exactly like a known one", async () => {
    const outcomes: string[] = [];
    for (let i = 0; i <= free + 1; i++) outcomes.push((await signInAttempt("tidak.ada@contoh.id", "apa saja", null)).status);
    const user = await createTestUser("pmo", { password: "rahasia-pmo-123" });
    const known: string[] = [];
    for (let i = 0; i <= free + 1; i++) known.push((await signInAttempt(user.email, "apa saja", null)).status);
    expect(outcomes).toEqual(known);
    expect(outcomes.at(-1)).toBe("locked");
  });

  it("locks for longer after each further failure", async () => {
    await db.delete(authThrottle);
    const user = await createTestUser("caseworker", { password: "benar-sekali-123" });
    const lockOf = async () => (await db.select().from(authThrottle)).find((r) => r.key.startsWith("identifier:"))!.lockedUntil!;
    for (let i = 0; i <= free; i++) await signInAttempt(user.email, "salah", null);
    const first = (await lockOf()).getTime() - Date.now();
    await db.update(authThrottle).set({ lockedUntil: new Date(Date.now() - 1000) });
    await signInAttempt(user.email, "salah", null);
    const second = (await lockOf()).getTime() - Date.now();
    expect(second).toBeGreaterThan(first * 1.5);
  });

  it("counts per IP address across identifiers, and another address is not affected", async () => {
    await db.delete(authThrottle);
    for (let i = 0; i <= THROTTLE.ip.free; i++) await signInAttempt(`orang${i}@contoh.id`, "salah", "203.0.113.7");
    expect((await signInAttempt("baru@contoh.id", "salah", "203.0.113.7")).status).toBe("locked");
    expect((await signInAttempt("baru@contoh.id", "salah", "198.51.100.1")).status).toBe("failed");
  });

  it("audits each failure with the account it named (or none) and the identifier masked", async () => {
    const user = await createTestUser("caseworker", { password: "benar-sekali-123" });
    await signInAttempt(user.email, "salah", "192.0.2.44");
    const unknown = `tidak.dikenal.${Date.now()}@contoh.id`;
    await signInAttempt(unknown, "salah", "192.0.2.44");
    const events = await db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "auth.sign_in_failed"))
      .orderBy(desc(auditEvents.id))
      .limit(2);
    expect(events.map((e) => e.entityId)).toEqual([null, user.id]);
    for (const e of events) {
      expect(e).toMatchObject({ actorId: null, actorRole: "system", entityType: "user" });
      expect(e.after).toMatchObject({ ip: "192.0.2.44", identifier: expect.stringContaining("•") });
      expect(JSON.stringify(e)).not.toContain(user.email);
      expect(JSON.stringify(e)).not.toContain(unknown);
    }
  });

  it("fails an identifier holding a control character as an unknown account, counted per identifier and per address", async () => {
    // Posted straight to the sign-in endpoint (the login form drops such characters):
    // PostgreSQL refuses NUL in text, so it must never reach a query as a server error.
    await db.delete(authThrottle);
    const user = await createTestUser("caseworker", { password: "benar-sekali-123" });
    const ip = "192.0.2.77";
    const identifiers = [`${user.email}\u0000`, `${user.email.slice(0, 3)}\u0000${user.email.slice(3)}`, "\u0000", `siti\u001b@contoh.id`];
    const failures = async (key: string) => (await db.select().from(authThrottle).where(eq(authThrottle.key, key)))[0]?.failures ?? 0;
    for (const identifier of identifiers) {
      // The account's right password: only the identifier can fail it.
      expect(await signInAttempt(identifier, "benar-sekali-123", ip), JSON.stringify(identifier)).toEqual({ status: "failed" });
      expect(await ticketSignInAttempt(identifier, "bukan-tiket", ip), JSON.stringify(identifier)).toEqual({ status: "failed" });
      expect(await failures(identifierKey(identifier.toLowerCase())), JSON.stringify(identifier)).toBe(2);
    }
    expect(await failures(ipKey(ip))).toBe(identifiers.length * 2);
    const events = await db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "auth.sign_in_failed"))
      .orderBy(desc(auditEvents.id))
      .limit(identifiers.length * 2);
    for (const e of events) expect(e.after).toMatchObject({ identifier: "•••", ip });
    // Locked past the free failures, like any identifier.
    const outcomes: string[] = [];
    for (let i = 0; i <= free + 1; i++) outcomes.push((await signInAttempt("\u0000\u0001", "salah", null)).status);
    expect(outcomes.at(-1)).toBe("locked");
  });
});

describe("session lifetimes", () => {
  it("end a staff session after 30 idle minutes or 12 hours, a participant's much later", async () => {
    const staff = await createTestUser("caseworker");
    const worker = await createTestUser("participant");
    const [s] = await db.select().from(users).where(eq(users.id, staff.id));
    const now = Date.now();
    expect(await findSessionUser(staff.id, s.sessionVersion, now - 60_000, now)).not.toBeNull();
    const overAbsolute = now - (SESSION_LIMITS.staff.absoluteHours * 3600 + 60) * 1000;
    expect(await findSessionUser(staff.id, s.sessionVersion, overAbsolute, now)).toBeNull();
    expect(await findSessionUser(worker.id, 1, overAbsolute, now)).not.toBeNull();

    const idle = new Date(now - (SESSION_LIMITS.staff.idleMinutes + 1) * 60_000);
    await db.update(users).set({ lastSeenAt: idle }).where(eq(users.id, staff.id));
    expect(await findSessionUser(staff.id, s.sessionVersion, now - 60_000, now)).toBeNull();
    await db.update(users).set({ lastSeenAt: idle }).where(eq(users.id, worker.id));
    expect(await findSessionUser(worker.id, 1, now - 60_000, now)).not.toBeNull();
  });
});

describe("activation codes", () => {
  it("are throttled per IP address: past the free failures even a right code is refused from there", async () => {
    const { activateAccount } = await import("./activation");
    await db.delete(authThrottle);
    for (let i = 0; i <= THROTTLE.ip.free; i++) {
      expect(await activateAccount({ identifier: `tebak${i}@contoh.id`, code: "ABCD-EFGH", password: "sandi-baru-tebakan", ip: "192.0.2.9" })).toEqual({
        ok: false,
        failed: true,
      });
    }
    const [row] = await db.select().from(authThrottle).where(eq(authThrottle.key, "ip:192.0.2.9"));
    expect(row.failures).toBe(THROTTLE.ip.free + 1);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });
});
