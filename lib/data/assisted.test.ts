import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { activationCodes, auditEvents, participants, stageChanges, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { decryptIdentity, identityHash } from "@/lib/crypto/identity";
import { makeKk, registrationForm } from "@/lib/testing/identity";
import { assistedRegistrationSchema, CONSENT_VERSION } from "@/lib/validation/registration";
import { hashCode, normalizeCode } from "./activation";
import { registerAssisted } from "./assisted";

beforeAll(freshDatabase);

function parsed(overrides: Partial<Record<string, string>> = {}) {
  const { password: _password, ...form } = registrationForm(overrides);
  const result = assistedRegistrationSchema().safeParse(form);
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

const countRows = async (table: typeof users | typeof participants | typeof activationCodes) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;

describe("registerAssisted", () => {
  it("creates a participant assigned to the caseworker, consent collected by them, with a one-time code", async () => {
    const caseworker = await createTestUser("caseworker");
    const data = parsed({ fullName: "Sri Wahyuni", phone: "0812-7100-0001" });
    const result = await registerAssisted(caseworker, data);
    expect(result.ok).toBe(true);
    if (!result.ok || result.repeated) throw new Error("not registered");

    const [user] = await db.select().from(users).where(eq(users.id, result.userId));
    expect(user).toMatchObject({ role: "participant", phone: "+6281271000001", passwordHash: null });

    const [p] = await db.select().from(participants).where(eq(participants.id, result.participantId));
    expect(p).toMatchObject({
      userId: user.id,
      nikHash: identityHash(data.nik),
      nikLast4: data.nik.slice(-4),
      legacyNik: null,
      stage: "registration",
      source: "assisted",
      caseworkerId: caseworker.id,
      consentVersion: CONSENT_VERSION,
      consentCollectedBy: caseworker.id,
    });
    expect(decryptIdentity("nik", p.nikEnc!)).toBe(data.nik);
    expect(decryptIdentity("kk", p.kkEnc!)).toBe(data.kk);
    expect(p.consentAt).toBeInstanceOf(Date);
    const changes = await db.select().from(stageChanges).where(eq(stageChanges.participantId, p.id));
    expect(changes).toMatchObject([{ fromStage: null, toStage: "registration", changedBy: caseworker.id }]);

    // The code: shown as XXXX-XXXX from the unambiguous alphabet, valid for 24 hours.
    const { code, expiresAt } = result.activation;
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
    const hours = (expiresAt.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24.01);

    // Only its hash is stored, and nowhere the code itself.
    const rows = await db.select().from(activationCodes).where(eq(activationCodes.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ codeHash: hashCode(normalizeCode(code)), createdBy: caseworker.id, usedAt: null });
    const everything = JSON.stringify(await db.select().from(auditEvents));
    expect(everything).not.toContain(code);
    expect(everything).not.toContain(normalizeCode(code));

    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, p.id), eq(auditEvents.action, "participant.register")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: caseworker.id, actorRole: "caseworker" });
    expect(events[0].after).toMatchObject({ source: "assisted", consentCollectedBy: caseworker.id });
    expect(JSON.stringify(events[0].after)).not.toContain(data.nik);
    const issued = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, user.id), eq(auditEvents.action, "activation_code.issue")));
    expect(issued).toHaveLength(1);
  });

  it("treats a double submit as one registration, and gives the code only the first time", async () => {
    const caseworker = await createTestUser("caseworker");
    const data = parsed();
    const [a, b] = await Promise.all([registerAssisted(caseworker, data), registerAssisted(caseworker, data)]);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.participantId).toBe(b.participantId);
    expect([a.repeated, b.repeated].sort()).toEqual([false, true]);
    expect([a.activation, b.activation].filter(Boolean)).toHaveLength(1);

    const third = await registerAssisted(caseworker, data);
    expect(third).toEqual({ ok: true, userId: a.userId, participantId: a.participantId, repeated: true, activation: null });
    expect(await db.select().from(participants).where(eq(participants.nikHash, identityHash(data.nik)))).toHaveLength(1);
    expect(await db.select().from(activationCodes).where(eq(activationCodes.userId, a.userId))).toHaveLength(1);
  });

  it("does not hand another caseworker's form back to a different caseworker", async () => {
    const first = await createTestUser("caseworker");
    const second = await createTestUser("caseworker");
    const data = parsed();
    expect((await registerAssisted(first, data)).ok).toBe(true);
    expect(await registerAssisted(second, data)).toEqual({ ok: false, fieldErrors: { form: ["form.error"] } });
  });

  it("applies the same checks as self-registration: NIK, KK limit, phone and email", async () => {
    const caseworker = await createTestUser("caseworker");
    const first = parsed();
    await registerAssisted(caseworker, first);
    expect(
      await registerAssisted(caseworker, parsed({ nik: first.nik, birthDate: first.birthDate, sex: first.sex })),
    ).toEqual({ ok: false, fieldErrors: { nik: ["nik.taken"] } });
    expect(await registerAssisted(caseworker, parsed({ phone: first.phone, email: first.email! }))).toEqual({
      ok: false,
      fieldErrors: { phone: ["phone.taken"], email: ["email.taken"] },
    });

    const kk = makeKk("3201");
    expect((await registerAssisted(caseworker, parsed({ kk }))).ok).toBe(true);
    expect((await registerAssisted(caseworker, parsed({ kk }))).ok).toBe(true);
    const before = await Promise.all([countRows(users), countRows(participants), countRows(activationCodes)]);
    expect(await registerAssisted(caseworker, parsed({ kk }))).toEqual({ ok: false, fieldErrors: { kk: ["kk.limit"] } });
    expect(await Promise.all([countRows(users), countRows(participants), countRows(activationCodes)])).toEqual(before);
  });

  it("refuses participants and the PMO with 403, writing nothing", async () => {
    const before = await Promise.all([countRows(users), countRows(participants), countRows(activationCodes)]);
    for (const role of ["participant", "pmo"] as const) {
      const viewer = await createTestUser(role);
      expect(await statusOf(() => registerAssisted(viewer, parsed())), role).toBe(403);
    }
    const after = await Promise.all([countRows(users), countRows(participants), countRows(activationCodes)]);
    // Only the two test users themselves were added.
    expect(after).toEqual([before[0] + 2, before[1], before[2]]);
  });
});
