import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, participants, serviceLogs, stageChanges, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { decryptIdentity, identityHash, sealKk, sealNik } from "@/lib/crypto/identity";
import { makeKk, makeNik, registrationForm } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import { selfRegistrationSchema, CONSENT_VERSION } from "@/lib/validation/registration";
import { listCaseload } from "./caseload";
import { getOwnHome, registerSelf } from "./participants";
import { getProgrammeSummary } from "./programme";
import { authenticate } from "./users";

beforeAll(freshDatabase);

function parsed(overrides: Partial<Record<string, string>> = {}) {
  const result = selfRegistrationSchema().safeParse(registrationForm(overrides));
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

describe("registerSelf", () => {
  it("creates the user and the participant, with consent, first stage and audit event", async () => {
    const data = parsed({ phone: "0812-7000-0001", email: "Ani.Lestari@Contoh.ID" });
    const result = await registerSelf(data);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.repeated).toBe(false);

    const [user] = await db.select().from(users).where(eq(users.id, result.userId));
    expect(user.role).toBe("participant");
    expect(user.phone).toBe("+6281270000001");
    expect(user.email).toBe("ani.lestari@contoh.id");
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);

    const [p] = await db.select().from(participants).where(eq(participants.id, result.participantId));
    expect(p).toMatchObject({ nikHash: identityHash(data.nik), nikLast4: data.nik.slice(-4), legacyNik: null, legacyKk: null });
    expect(decryptIdentity("nik", p.nikEnc!)).toBe(data.nik);
    expect(decryptIdentity("kk", p.kkEnc!)).toBe(data.kk);
    expect(JSON.stringify(p)).not.toContain(data.nik);
    expect(p).toMatchObject({ stage: "registration", source: "self", consentVersion: CONSENT_VERSION });
    expect(p.consentAt).toBeInstanceOf(Date);
    expect(p.consentCollectedBy).toBe(user.id);

    const changes = await db.select().from(stageChanges).where(eq(stageChanges.participantId, p.id));
    expect(changes).toHaveLength(1);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, p.id), eq(auditEvents.action, "participant.register")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: user.id, actorRole: "participant" });
    expect(events[0].after).toEqual({
      nik: `••••••••••••${data.nik.slice(-4)}`,
      provinceCode: data.provinceCode,
      migrantStatus: data.migrantStatus,
      countryCode: data.countryCode,
      source: "self",
      consentVersion: CONSENT_VERSION,
    });
    // The audit log keeps the NIK masked: it is read by more people than the record itself.
    expect(JSON.stringify(events[0].after)).not.toContain(data.nik);
  });

  it("treats a repeated submit of the same form as the same registration", async () => {
    const data = parsed();
    const [first, second] = await Promise.all([registerSelf(data), registerSelf(data)]);
    expect(first.ok && second.ok).toBe(true);
    const rows = await db.select().from(participants).where(eq(participants.nikHash, identityHash(data.nik)));
    expect(rows).toHaveLength(1);
    const third = await registerSelf(data);
    expect(third).toMatchObject({ ok: true, repeated: true });
  });

  it("refuses a NIK that is already registered", async () => {
    const first = parsed();
    await registerSelf(first);
    const again = await registerSelf(parsed({ nik: first.nik, birthDate: first.birthDate, sex: first.sex }));
    expect(again).toEqual({ ok: false, fieldErrors: { nik: ["nik.taken"] } });
  });

  it("refuses a third participant on one KK and writes nothing", async () => {
    const kk = makeKk("3201");
    expect((await registerSelf(parsed({ kk }))).ok).toBe(true);
    expect((await registerSelf(parsed({ kk }))).ok).toBe(true);
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(users);
    const third = await registerSelf(parsed({ kk }));
    expect(third).toEqual({ ok: false, fieldErrors: { kk: ["kk.limit"] } });
    const after = await db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(after[0].n).toBe(before[0].n);
  });

  it("refuses a phone number or email that another account uses", async () => {
    const first = parsed();
    await registerSelf(first);
    const second = await registerSelf(parsed({ phone: first.phone, email: first.email! }));
    expect(second).toEqual({ ok: false, fieldErrors: { phone: ["phone.taken"], email: ["email.taken"] } });
  });
});

describe("database constraints", () => {
  const base = () => ({
    fullName: "Budi",
    ...sealKk(makeKk()),
    birthDate: "1990-01-01",
    sex: "L" as const,
    provinceCode: "31",
    migrantStatus: "calon" as const,
    source: "self" as const,
  });

  it("refuse a row without a NIK, a half-sealed NIK, a 0000 serial and a duplicate NIK", async () => {
    const nik = makeNik({ birthDate: "1990-01-01", sex: "L" });
    await expect(db.insert(participants).values(base())).rejects.toThrow();
    await expect(db.insert(participants).values({ ...base(), ...sealNik(nik), nikEnc: null })).rejects.toThrow();
    await expect(db.insert(participants).values({ ...base(), ...sealNik(nik), nikHash: "not-a-hash" })).rejects.toThrow();
    await expect(db.insert(participants).values({ ...base(), ...sealNik("3174010101900000") })).rejects.toThrow();
    // The plaintext column of before encryption takes no new value beside a sealed one.
    await expect(db.insert(participants).values({ ...base(), ...sealNik(nik), legacyNik: nik })).rejects.toThrow();
    await db.insert(participants).values({ ...base(), ...sealNik(nik) });
    await expect(db.insert(participants).values({ ...base(), ...sealNik(nik) })).rejects.toThrow();
  });

  it("refuse a third participant on one KK even past the application", async () => {
    const kk = makeKk("3301");
    for (let i = 0; i < 2; i++) {
      await db.insert(participants).values({ ...base(), ...sealedIdentity(makeNik({ birthDate: "1990-01-01", sex: "L" }), kk) });
    }
    await expect(
      db.insert(participants).values({ ...base(), ...sealedIdentity(makeNik({ birthDate: "1990-01-01", sex: "L" }), kk) }),
    ).rejects.toThrow();
  });

  it("refuse a returned worker without a return date and an unknown stage", async () => {
    const nik = () => makeNik({ birthDate: "1990-01-01", sex: "L" });
    await expect(db.insert(participants).values({ ...base(), ...sealNik(nik()), migrantStatus: "mantan" })).rejects.toThrow();
    await expect(
      db.insert(participants).values({ ...base(), ...sealNik(nik()), stage: "finished" as never }),
    ).rejects.toThrow();
  });

  it("keep the audit log and the service log append-only", async () => {
    await expect(db.update(auditEvents).set({ action: "x" })).rejects.toThrow();
    await expect(db.delete(auditEvents)).rejects.toThrow();
    await expect(db.delete(serviceLogs)).resolves.toBeDefined(); // no rows: nothing to refuse
  });
});

describe("reading participants", () => {
  it("shows a participant their own record only, and refuses other roles", async () => {
    const data = parsed({ fullName: "Dewi Sartika" });
    const result = await registerSelf(data);
    if (!result.ok) throw new Error("registration failed");
    const [row] = await db.select().from(users).where(eq(users.id, result.userId));
    const viewer = { id: row.id, role: "participant" as const, name: row.name, locale: "id" as const };

    const home = await getOwnHome(viewer);
    expect(home).toMatchObject({ fullName: "Dewi Sartika", stage: "registration", caseworker: null, timeline: [] });
    expect(home?.nikMasked).toBe(`••••••••••••${data.nik.slice(12)}`);

    const caseworker = await createTestUser("caseworker");
    const pmo = await createTestUser("pmo");
    expect(await statusOf(() => getOwnHome(caseworker))).toBe(403);
    expect(await statusOf(() => getOwnHome(pmo))).toBe(403);
  });

  it("shows a caseworker only the participants assigned to them", async () => {
    const mine = await createTestUser("caseworker");
    const other = await createTestUser("caseworker");
    const a = await registerSelf(parsed({ fullName: "Assigned Person" }));
    const b = await registerSelf(parsed({ fullName: "Someone Else" }));
    if (!a.ok || !b.ok) throw new Error("registration failed");
    await db.update(participants).set({ caseworkerId: mine.id }).where(eq(participants.id, a.participantId));
    await db.update(participants).set({ caseworkerId: other.id }).where(eq(participants.id, b.participantId));

    const { rows } = await listCaseload(mine);
    expect(rows.map((r) => r.id)).toEqual([a.participantId]);
    expect(rows[0].nikMasked).toMatch(/^•{12}\d{4}$/);

    const participant = await createTestUser("participant");
    const pmo = await createTestUser("pmo");
    expect(await statusOf(() => listCaseload(participant))).toBe(403);
    expect(await statusOf(() => listCaseload(pmo))).toBe(403);
  });

  it("gives programme figures to the PMO only", async () => {
    const pmo = await createTestUser("pmo");
    const summary = await getProgrammeSummary(pmo);
    const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(participants);
    expect(summary.participants).toBe(n);
    const caseworker = await createTestUser("caseworker");
    const participant = await createTestUser("participant");
    expect(await statusOf(() => getProgrammeSummary(caseworker))).toBe(403);
    expect(await statusOf(() => getProgrammeSummary(participant))).toBe(403);
  });
});

describe("authenticate", () => {
  it("signs in by email or by phone in any common spelling", async () => {
    const data = parsed({ phone: "081299887766", email: "wulan@contoh.id", password: "benar-sekali-123" });
    await registerSelf(data);
    for (const identifier of ["wulan@contoh.id", " WULAN@contoh.id ", "081299887766", "+62 812-9988-7766", "6281299887766"]) {
      expect(await authenticate(identifier, "benar-sekali-123"), identifier).toMatchObject({ role: "participant" });
    }
  });

  it("refuses a wrong password, an unknown account and a disabled account alike", async () => {
    const user = await createTestUser("caseworker", { password: "rahasia-pendamping" });
    expect(await authenticate(user.email, "salah-sekali")).toBeNull();
    expect(await authenticate("nobody@contoh.id", "rahasia-pendamping")).toBeNull();
    expect(await authenticate(user.email, "rahasia-pendamping")).not.toBeNull();
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await authenticate(user.email, "rahasia-pendamping")).toBeNull();
  });
});
