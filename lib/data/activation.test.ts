import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { activationCodes, auditEvents, outboxMessages, participants, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { registrationForm } from "@/lib/testing/identity";
import { assistedRegistrationSchema, CONSENT_VERSION, selfRegistrationSchema } from "@/lib/validation/registration";
import { activateAccount, formatCode, hashCode, issueActivationCode, MAX_FAILED_ACTIVATIONS, normalizeCode } from "./activation";
import { registerAssisted } from "./assisted";
import { registerSelf } from "./participants";
import { authenticate } from "./users";
import { listOutbox } from "./outbox";

beforeAll(freshDatabase);

const PASSWORD = "kata-sandi-baru-123";

/** A worker registered by a caseworker: no password yet, and the code they were given. */
async function assistedWorker(overrides: Partial<Record<string, string>> = {}) {
  const caseworker = await createTestUser("caseworker");
  const { password: _p, ...form } = registrationForm(overrides);
  const data = assistedRegistrationSchema().parse(form);
  const result = await registerAssisted(caseworker, data);
  if (!result.ok || result.repeated) throw new Error("registration failed");
  return { caseworker, data, ...result, code: result.activation.code };
}

const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];
const codeCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(activationCodes))[0].n;

describe("the worker's copy of the code", () => {
  it("goes to the worker as a message with the registration and with each new code; the PMO's outbox shows it masked", async () => {
    const a = await assistedWorker();
    const rows = async () =>
      db.select().from(outboxMessages).where(and(eq(outboxMessages.participantId, a.participantId), eq(outboxMessages.kind, "activation_code")));
    const [first] = await rows();
    expect(first.body).toContain(a.code);
    expect(first.recipient).toBe(a.data.email ?? a.data.phone);
    const again = await issueActivationCode(a.caseworker, a.participantId);
    expect((await rows()).map((r) => r.body).join(" ")).toContain(again.code);
    const pmo = await createTestUser("pmo");
    const listed = (await listOutbox(pmo)).rows.filter((r) => r.participantId === a.participantId);
    expect(listed).toHaveLength(2);
    for (const r of listed) {
      expect(r.body).not.toContain(a.code);
      expect(r.body).not.toContain(again.code);
    }
  });
});

describe("codes", () => {
  it("read back in any spelling a person types", () => {
    expect(normalizeCode(" k7qm-4xpd ")).toBe("K7QM4XPD");
    expect(normalizeCode("K7QM 4XPD")).toBe("K7QM4XPD");
    expect(normalizeCode("k7qm\u20134xpd")).toBe("K7QM4XPD");
    expect(formatCode("K7QM4XPD")).toBe("K7QM-4XPD");
    expect(hashCode("K7QM4XPD")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("activateAccount", () => {
  it("sets the password with phone + code, signs in afterwards, and works only once", async () => {
    const worker = await assistedWorker({ phone: "0813-7200-0001" });
    const before = await userRow(worker.userId);

    // The phone in another common spelling, the code in lower case without its dash.
    const result = await activateAccount({
      identifier: "+62 813 7200 0001",
      code: worker.code.toLowerCase().replace("-", ""),
      password: PASSWORD,
    });
    expect(result).toEqual({ ok: true, userId: worker.userId });

    const after = await userRow(worker.userId);
    expect(after.passwordHash).toMatch(/^\$argon2id\$/);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await authenticate("081372000001", PASSWORD)).toMatchObject({ id: worker.userId, role: "participant" });
    const [row] = await db.select().from(activationCodes).where(eq(activationCodes.userId, worker.userId));
    expect(row.usedAt).toBeInstanceOf(Date);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, worker.userId), eq(auditEvents.action, "auth.activate")));
    expect(events).toMatchObject([{ actorId: worker.userId, actorRole: "participant" }]);

    // The same code again, even with another password: refused, and nothing changes.
    const again = await activateAccount({ identifier: worker.data.phone, code: worker.code, password: "lain-lagi-456" });
    expect(again).toEqual({ ok: false, failed: true });
    expect((await userRow(worker.userId)).passwordHash).toBe(after.passwordHash);
    expect(await authenticate(worker.data.phone, PASSWORD)).not.toBeNull();
  });

  it("accepts the email as the identifier", async () => {
    const worker = await assistedWorker({ email: "Rini.Activate@Contoh.ID" });
    expect(await activateAccount({ identifier: " RINI.ACTIVATE@contoh.id", code: worker.code, password: PASSWORD })).toMatchObject({
      ok: true,
    });
  });

  it("lets two racing requests with one code succeed once", async () => {
    const worker = await assistedWorker();
    const tries = await Promise.all([
      activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD }),
      activateAccount({ identifier: worker.data.phone, code: worker.code, password: "yang-kedua-789" }),
    ]);
    expect(tries.filter((r) => r.ok)).toHaveLength(1);
    expect((await userRow(worker.userId)).sessionVersion).toBe(2);
  });

  it("gives one and the same answer for a wrong identifier, a wrong code and another person's code", async () => {
    const worker = await assistedWorker();
    const other = await assistedWorker();
    const wrongCode = worker.code === "2222-2222" ? "3333-3333" : "2222-2222";
    const answers = [
      await activateAccount({ identifier: "081399999999", code: worker.code, password: PASSWORD }),
      await activateAccount({ identifier: "nobody@contoh.id", code: worker.code, password: PASSWORD }),
      await activateAccount({ identifier: "not a phone", code: worker.code, password: PASSWORD }),
      await activateAccount({ identifier: worker.data.phone, code: wrongCode, password: PASSWORD }),
      await activateAccount({ identifier: worker.data.phone, code: "", password: PASSWORD }),
      await activateAccount({ identifier: worker.data.phone, code: other.code, password: PASSWORD }),
    ];
    for (const answer of answers) expect(answer).toEqual({ ok: false, failed: true });
    expect((await userRow(worker.userId)).passwordHash).toBeNull();
    expect((await userRow(other.userId)).passwordHash).toBeNull();
    // Still good for its owner.
    expect((await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).ok).toBe(true);
  });

  it("refuses an expired code", async () => {
    const worker = await assistedWorker();
    await db
      .update(activationCodes)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(activationCodes.userId, worker.userId));
    expect(await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).toEqual({
      ok: false,
      failed: true,
    });
    expect((await userRow(worker.userId)).passwordHash).toBeNull();
  });

  it("refuses a staff account and a disabled account", async () => {
    const worker = await assistedWorker();
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, worker.userId));
    expect(await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).toEqual({
      ok: false,
      failed: true,
    });
    const caseworker = await createTestUser("caseworker", { phone: "+6281372009999" });
    expect(await activateAccount({ identifier: "081372009999", code: worker.code, password: PASSWORD })).toEqual({
      ok: false,
      failed: true,
    });
    expect((await userRow(caseworker.id)).passwordHash).toBeNull();
  });

  it("checks the password rule first, without looking at the code", async () => {
    const worker = await assistedWorker();
    expect(await activateAccount({ identifier: worker.data.phone, code: worker.code, password: "pendek" })).toEqual({
      ok: false,
      fieldErrors: { password: ["password.tooShort"] },
    });
    expect((await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).ok).toBe(true);
  });

  it("stops accepting a code after too many wrong ones for the account", async () => {
    const worker = await assistedWorker();
    const wrongCode = worker.code === "2222-2222" ? "3333-3333" : "2222-2222";
    for (let i = 0; i < MAX_FAILED_ACTIVATIONS; i++) {
      await db.transaction((tx) =>
        tx.insert(auditEvents).values({ action: "auth.activation_failed", entityType: "user", entityId: worker.userId }),
      );
    }
    expect(await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).toEqual({
      ok: false,
      failed: true,
    });
    // A new code from the caseworker starts afresh.
    const fresh = await issueActivationCode(worker.caseworker, worker.participantId);
    expect(
      await activateAccount({ identifier: worker.data.phone, code: wrongCode, password: PASSWORD }),
    ).toEqual({ ok: false, failed: true });
    expect((await activateAccount({ identifier: worker.data.phone, code: fresh.code, password: PASSWORD })).ok).toBe(true);
  });

  it("requires consent from a worker whose consent is pending, and records it", async () => {
    const worker = await assistedWorker();
    // As for an imported worker: nobody has collected consent yet.
    await db
      .update(participants)
      .set({ consentAt: null, consentVersion: null, consentCollectedBy: null })
      .where(eq(participants.id, worker.participantId));

    expect(await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).toEqual({
      ok: false,
      fieldErrors: { consent: ["consent.required"] },
    });
    expect((await userRow(worker.userId)).passwordHash).toBeNull();

    const result = await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD, consent: true });
    expect(result.ok).toBe(true);
    const [p] = await db.select().from(participants).where(eq(participants.id, worker.participantId));
    expect(p).toMatchObject({ consentVersion: CONSENT_VERSION, consentCollectedBy: worker.userId });
    expect(p.consentAt).toBeInstanceOf(Date);
  });

  it("does not ask again for consent the caseworker collected, nor change it", async () => {
    const worker = await assistedWorker();
    const [before] = await db.select().from(participants).where(eq(participants.id, worker.participantId));
    expect((await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).ok).toBe(true);
    const [after] = await db.select().from(participants).where(eq(participants.id, worker.participantId));
    expect(after.consentCollectedBy).toBe(worker.caseworker.id);
    expect(after.consentAt).toEqual(before.consentAt);
  });
});

describe("issueActivationCode", () => {
  it("gives the assigned caseworker a new code and revokes the older one", async () => {
    const worker = await assistedWorker();
    const fresh = await issueActivationCode(worker.caseworker, worker.participantId);
    expect(fresh.code).not.toBe(worker.code);
    expect(fresh.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23.9 * 3_600_000);

    const rows = await db.select().from(activationCodes).where(eq(activationCodes.userId, worker.userId));
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.revokedAt === null)).toHaveLength(1);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, worker.userId), eq(auditEvents.action, "activation_code.issue")));
    expect(events).toHaveLength(2);

    // The older code no longer works; the new one does.
    expect(await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).toEqual({
      ok: false,
      failed: true,
    });
    expect((await activateAccount({ identifier: worker.data.phone, code: fresh.code, password: PASSWORD })).ok).toBe(true);
  });

  it("lets a worker who forgot the password set a new one, ending old sessions", async () => {
    const self = registrationForm({ phone: "081372000077" });
    const registered = await registerSelf(selfRegistrationSchema().parse(self));
    if (!registered.ok) throw new Error("registration failed");
    const caseworker = await createTestUser("caseworker");
    await db.update(participants).set({ caseworkerId: caseworker.id }).where(eq(participants.id, registered.participantId));
    const version = (await userRow(registered.userId)).sessionVersion;

    const { code } = await issueActivationCode(caseworker, registered.participantId);
    expect((await activateAccount({ identifier: "081372000077", code, password: PASSWORD })).ok).toBe(true);
    expect((await userRow(registered.userId)).sessionVersion).toBe(version + 1);
    expect(await authenticate("081372000077", self.password)).toBeNull();
    expect(await authenticate("081372000077", PASSWORD)).not.toBeNull();
  });

  it("answers 404 and writes nothing for a participant not assigned to the caseworker", async () => {
    const worker = await assistedWorker();
    const stranger = await createTestUser("caseworker");
    const unassigned = await registerSelf(selfRegistrationSchema().parse(registrationForm()));
    if (!unassigned.ok) throw new Error("registration failed");
    const codes = await codeCount();
    const eventsBefore = (await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n;

    expect(await statusOf(() => issueActivationCode(stranger, worker.participantId))).toBe(404);
    expect(await statusOf(() => issueActivationCode(worker.caseworker, unassigned.participantId))).toBe(404);
    expect(await statusOf(() => issueActivationCode(worker.caseworker, crypto.randomUUID()))).toBe(404);
    expect(await statusOf(() => issueActivationCode(worker.caseworker, "not-a-uuid"))).toBe(404);

    expect(await codeCount()).toBe(codes);
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n).toBe(eventsBefore);
    // The worker's own code was not revoked by any of that.
    expect((await activateAccount({ identifier: worker.data.phone, code: worker.code, password: PASSWORD })).ok).toBe(true);
  });

  it("answers 403 to a participant and to the PMO", async () => {
    const worker = await assistedWorker();
    const codes = await codeCount();
    for (const role of ["participant", "pmo"] as const) {
      const viewer = await createTestUser(role);
      expect(await statusOf(() => issueActivationCode(viewer, worker.participantId)), role).toBe(403);
    }
    expect(await codeCount()).toBe(codes);
  });
});
