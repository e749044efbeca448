import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, outboxMessages, participants, serviceLogs, stageChanges, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { decryptIdentity, identityHash, sealKk, sealNik } from "@/lib/crypto/identity";
import { changesOf, describeChanges } from "@/lib/testing/db-snapshot";
import { makeKk, makeNik, registrationForm } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import { assistedRegistrationSchema, selfRegistrationSchema, CONSENT_VERSION } from "@/lib/validation/registration";
import { registerAssisted } from "./assisted";
import { listCaseload } from "./caseload";
import { getOwnHome, registerSelf } from "./participants";
import { getProgrammeSummary } from "./programme";
import { THROTTLE } from "./throttle";
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

});

// Being in this programme says that a person is or was a migrant worker: the form must not
// tell anyone, without limit, which NIK, phone or email is registered.
describe("registerSelf: conflicts and the throttle", () => {
  const CONFLICT = { ok: false, fieldErrors: { form: ["registration.conflict"] } };
  const LOCKED = { ok: false, fieldErrors: { form: ["registration.locked"] } };

  /** A self-registered participant. */
  async function holder(overrides: Partial<Record<string, string>> = {}) {
    const data = parsed(overrides);
    const result = await registerSelf(data);
    if (!result.ok) throw new Error(JSON.stringify(result));
    return { data, participantId: result.participantId };
  }
  /** The fields a form needs to repeat someone's NIK (which must agree with birth date and sex). */
  const sameNik = (d: { nik: string; birthDate: string; sex: string }) => ({ nik: d.nik, birthDate: d.birthDate, sex: d.sex });
  const noticesTo = (participantId: string) =>
    db.select().from(outboxMessages).where(and(eq(outboxMessages.participantId, participantId), eq(outboxMessages.kind, "registration_attempt")));

  it("answers a known NIK, a known phone and a known email alike, naming no field", async () => {
    const h = await holder();
    const ip = "198.51.100.1";
    const answers = [
      await registerSelf(parsed(sameNik(h.data)), ip),
      await registerSelf(parsed({ phone: h.data.phone }), ip),
      await registerSelf(parsed({ email: h.data.email! }), ip),
      await registerSelf(parsed({ ...sameNik(h.data), phone: h.data.phone, email: h.data.email! }), ip),
    ];
    for (const answer of answers) expect(answer).toEqual(CONFLICT);
  });

  it("tells the account holder through the outbox, once a day, with nothing of what was typed", async () => {
    const h = await holder({ fullName: "Wulan Pemilik" });
    const attempt = parsed({ ...sameNik(h.data), fullName: "Orang Lain Sekali" });
    const { result, changes } = await changesOf(() => registerSelf(attempt, "198.51.100.2"));
    expect(result).toEqual(CONFLICT);
    // No account or participant: the notice, its audit event and the throttle's counts.
    expect([...new Set(changes.map((c) => `${c.kind} ${c.table}`))].sort(), describeChanges(changes)).toEqual([
      "insert audit_events",
      "insert auth_throttle",
      "insert outbox_messages",
    ]);
    const [notice, ...more] = await noticesTo(h.participantId);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ channel: "email", recipient: h.data.email, subject: "Ada yang mencoba mendaftar dengan data Anda" });
    expect(notice.body).toContain("Halo Wulan Pemilik");
    expect(notice.body).toMatch(/kode aktivasi/);
    for (const typed of [attempt.nik, attempt.kk!, attempt.phone, attempt.email!, attempt.fullName]) {
      expect(JSON.stringify(notice)).not.toContain(typed);
    }
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "participant.register_conflict"), eq(auditEvents.entityId, h.participantId)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: null, actorRole: "system", entityType: "participant" });
    expect(events[0].after).toEqual({ matched: ["nik"], ip: "198.51.100.2", noticeQueued: true });

    // Again the same day, with the phone this time: refused alike, no second notice.
    expect(await registerSelf(parsed({ phone: h.data.phone }), "198.51.100.3")).toEqual(CONFLICT);
    expect(await noticesTo(h.participantId)).toHaveLength(1);

    // A holder without email is told on their phone.
    const noEmail = await holder({ email: "" });
    expect(await registerSelf(parsed({ phone: noEmail.data.phone }), "198.51.100.4")).toEqual(CONFLICT);
    expect(await noticesTo(noEmail.participantId)).toMatchObject([{ channel: "whatsapp", recipient: noEmail.data.phone, subject: "Ada yang mencoba mendaftar dengan data Anda" }]);
  });

  it("refuses an address past its limit with the lock's answer and writes nothing; another address registers", async () => {
    const ip = "203.0.113.50";
    const holders = [await holder(), await holder(), await holder()];
    // Conflicts spread over several accounts and details: no identifier reaches its own limit.
    const details = holders.flatMap((h) => [sameNik(h.data), { phone: h.data.phone }, { email: h.data.email! }]);
    for (let i = 0; i <= THROTTLE.registerIp.free; i++) {
      expect(await registerSelf(parsed(details[i % details.length]), ip), `attempt ${i}`).toEqual(CONFLICT);
    }
    const fresh = parsed();
    const { result, changes } = await changesOf(() => registerSelf(fresh, ip));
    expect(result).toEqual(LOCKED);
    expect(describeChanges(changes)).toBe("(no change)");
    expect(await registerSelf(fresh, "203.0.113.51")).toMatchObject({ ok: true, repeated: false });
  });

  it("refuses a NIK or a phone past its limit from changing addresses and writes nothing", async () => {
    const h = await holder();
    let n = 0;
    for (const [name, details] of [
      ["nik", sameNik(h.data)],
      ["phone", { phone: h.data.phone }],
    ] as const) {
      for (let i = 0; i <= THROTTLE.registerIdentifier.free; i++) {
        expect(await registerSelf(parsed(details), `192.0.2.${++n}`), `${name} attempt ${i}`).toEqual(CONFLICT);
      }
      const { result, changes } = await changesOf(() => registerSelf(parsed(details), `192.0.2.${++n}`));
      expect(result, name).toEqual(LOCKED);
      expect(describeChanges(changes), name).toBe("(no change)");
    }
    // Someone else registers from those addresses meanwhile.
    expect(await registerSelf(parsed(), "192.0.2.1")).toMatchObject({ ok: true, repeated: false });
  });

  it("leaves assisted registration its precise answers, even while self-registration is locked", async () => {
    const h = await holder();
    for (let i = 0; i <= THROTTLE.registerIdentifier.free; i++) await registerSelf(parsed(sameNik(h.data)), `192.0.2.${100 + i}`);
    expect(await registerSelf(parsed(sameNik(h.data)), "192.0.2.200")).toEqual(LOCKED);
    const caseworker = await createTestUser("caseworker");
    const assisted = (o: Partial<Record<string, string>>) => assistedRegistrationSchema().parse(registrationForm(o));
    expect(await registerAssisted(caseworker, assisted(sameNik(h.data)))).toEqual({ ok: false, fieldErrors: { nik: ["nik.taken"] } });
    expect(await registerAssisted(caseworker, assisted({ phone: h.data.phone, email: h.data.email! }))).toEqual({
      ok: false,
      fieldErrors: { phone: ["phone.taken"], email: ["email.taken"] },
    });
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
