import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { activationCodes, auditEvents, participants, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import { newCaseworkerSchema } from "@/lib/validation/pmo-staff";
import { activateAccount, hashCode, normalizeCode } from "./activation";
import { createCaseworker, disableCaseworker, enableCaseworker, issueCaseworkerCode, listCaseworkers } from "./staff";
import { authenticate, findSessionUser } from "./users";

beforeAll(freshDatabase);

const PASSWORD = "sandi-pendamping-baru";
let seq = 0;

const newCaseworker = (overrides: Record<string, string> = {}) =>
  newCaseworkerSchema.parse({ name: "Rina Pendamping", email: `rina${++seq}.${Date.now()}@bp2mi.go.id`, ...overrides });

const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];
const countOf = async (table: typeof users | typeof auditEvents | typeof activationCodes) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;

async function created(pmo: Awaited<ReturnType<typeof createTestUser>>, overrides: Record<string, string> = {}) {
  const input = newCaseworker(overrides);
  const result = await createCaseworker(pmo, input);
  if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  return { ...result, input };
}

describe("createCaseworker", () => {
  it("makes a caseworker without a password, stores only the code's hash, and writes the audit events", async () => {
    const pmo = await createTestUser("pmo");
    const input = newCaseworker({ name: "  Rina   Kusuma ", email: " Rina.Kusuma@BP2MI.go.id", phone: "0812-7700-1234" });
    expect(input).toEqual({ name: "Rina Kusuma", email: "rina.kusuma@bp2mi.go.id", phone: "+6281277001234", provinceCode: null });
    const result = await createCaseworker(pmo, input);
    if (!result.ok) throw new Error("refused");
    expect(result.activation.code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);

    const user = await userRow(result.userId);
    expect(user).toMatchObject({ role: "caseworker", name: "Rina Kusuma", email: "rina.kusuma@bp2mi.go.id", phone: "+6281277001234" });
    expect(user.passwordHash).toBeNull();
    expect(user.disabledAt).toBeNull();

    const codes = await db.select().from(activationCodes).where(eq(activationCodes.userId, result.userId));
    expect(codes).toHaveLength(1);
    expect(codes[0].codeHash).toBe(hashCode(normalizeCode(result.activation.code)));
    expect(codes[0].codeHash).not.toContain(normalizeCode(result.activation.code));
    expect(codes[0].createdBy).toBe(pmo.id);

    const events = await db.select().from(auditEvents).where(eq(auditEvents.entityId, result.userId));
    expect(events.map((e) => e.action).sort()).toEqual(["activation_code.issue", "caseworker.create"]);
    const create = events.find((e) => e.action === "caseworker.create")!;
    expect(create).toMatchObject({ actorId: pmo.id, actorRole: "pmo", entityType: "user" });
    expect(create.after).toEqual({ role: "caseworker", name: "Rina Kusuma", email: "rina.kusuma@bp2mi.go.id", phone: "+62812••••1234", provinceCode: null });
    // The code itself is in no audit event.
    expect(JSON.stringify(events)).not.toContain(result.activation.code);

    const listed = (await listCaseworkers(pmo)).rows.find((r) => r.id === result.userId);
    expect(listed).toMatchObject({ activated: false, disabled: false, caseload: 0, phoneMasked: "+62812••••1234" });
  });

  it("lets the new caseworker set a password at /activate with email and code, then sign in", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await created(pmo);
    expect(await activateAccount({ identifier: cw.input.email.toUpperCase(), code: cw.activation.code, password: PASSWORD })).toEqual({
      ok: true,
      userId: cw.userId,
    });
    expect(await authenticate(cw.input.email, PASSWORD)).toMatchObject({ id: cw.userId, role: "caseworker" });
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, cw.userId), eq(auditEvents.action, "auth.activate")));
    expect(event).toMatchObject({ actorId: cw.userId, actorRole: "caseworker", after: null });
    expect((await listCaseworkers(pmo)).rows.find((r) => r.id === cw.userId)?.activated).toBe(true);
  });

  it("refuses an email (or phone) another account has, beside the field, and writes nothing", async () => {
    const pmo = await createTestUser("pmo");
    const first = await created(pmo, { phone: "081277005555" });
    const participant = await createTestUser("participant", { email: "dipakai@contoh.id" });
    const before = { users: await countOf(users), events: await countOf(auditEvents), codes: await countOf(activationCodes) };

    expect(await createCaseworker(pmo, newCaseworker({ email: first.input.email.toUpperCase() }))).toEqual({
      ok: false,
      fieldErrors: { email: ["email.taken"] },
    });
    expect(await createCaseworker(pmo, newCaseworker({ email: participant.email }))).toEqual({
      ok: false,
      fieldErrors: { email: ["email.taken"] },
    });
    expect(await createCaseworker(pmo, newCaseworker({ phone: "+62 812 7700 5555" }))).toEqual({
      ok: false,
      fieldErrors: { phone: ["phone.taken"] },
    });
    expect({ users: await countOf(users), events: await countOf(auditEvents), codes: await countOf(activationCodes) }).toEqual(before);
  });

  it("checks name, email and phone in the form schema", () => {
    const issues = (value: Record<string, string>) =>
      newCaseworkerSchema.safeParse(value).error?.issues.map((i) => `${String(i.path[0])}:${i.message}`);
    expect(issues({ name: "", email: "", phone: "" })).toEqual(["name:fullName.required", "email:required"]);
    expect(issues({ name: "R2D2", email: "bukan-email", phone: "12" })).toEqual([
      "name:fullName.invalid",
      "email:email.invalid",
      "phone:phone.invalid",
    ]);
    expect(newCaseworkerSchema.parse({ name: "Ana", email: "ana@bp2mi.go.id" }).phone).toBeNull();
  });
});

describe("disableCaseworker and enableCaseworker", () => {
  it("disabling ends every session at once and refuses sign-in; enabling lets the caseworker sign in again", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await createTestUser("caseworker", { password: PASSWORD });
    const version = (await userRow(cw.id)).sessionVersion;
    expect(await findSessionUser(cw.id, version)).toMatchObject({ id: cw.id });

    expect(await disableCaseworker(pmo, cw.id)).toEqual({ ok: true, changed: true, name: cw.name });
    const disabled = await userRow(cw.id);
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect(disabled.sessionVersion).toBe(version + 1);
    expect(await findSessionUser(cw.id, version)).toBeNull();
    expect(await findSessionUser(cw.id, version + 1)).toBeNull();
    expect(await authenticate(cw.email, PASSWORD)).toBeNull();

    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, cw.id), eq(auditEvents.action, "caseworker.disable")));
    expect(event).toMatchObject({ actorId: pmo.id, actorRole: "pmo", entityType: "user", before: { disabledAt: null } });
    expect(new Date((event.after as { disabledAt: string }).disabledAt).getTime()).toBe(disabled.disabledAt!.getTime());

    // Twice: nothing more happens.
    const events = await countOf(auditEvents);
    expect(await disableCaseworker(pmo, cw.id)).toMatchObject({ changed: false });
    expect((await userRow(cw.id)).sessionVersion).toBe(version + 1);
    expect(await countOf(auditEvents)).toBe(events);

    expect(await enableCaseworker(pmo, cw.id)).toMatchObject({ changed: true });
    expect((await userRow(cw.id)).disabledAt).toBeNull();
    const signedIn = await authenticate(cw.email, PASSWORD);
    expect(signedIn).toMatchObject({ id: cw.id, sessionVersion: version + 1 });
    expect(await findSessionUser(cw.id, version + 1)).toMatchObject({ id: cw.id });
    // The session from before the disabling stays ended.
    expect(await findSessionUser(cw.id, version)).toBeNull();
    const [enable] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, cw.id), eq(auditEvents.action, "caseworker.enable")));
    expect(enable).toMatchObject({ after: { disabledAt: null } });
  });

  it("keeps a disabled caseworker's participants assigned (the PMO moves them) and lists the account as disabled", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await createTestUser("caseworker");
    await db.insert(participants).values({
      fullName: "Peserta Tetap",
      ...sealedIdentity(makeNik({ birthDate: "1992-02-02", sex: "L" })),
      birthDate: "1992-02-02",
      sex: "L",
      provinceCode: "32",
      migrantStatus: "calon",
      source: "self",
      stage: "training",
      caseworkerId: cw.id,
    });
    await disableCaseworker(pmo, cw.id);
    const row = (await listCaseworkers(pmo)).rows.find((r) => r.id === cw.id);
    expect(row).toMatchObject({ disabled: true, caseload: 1, byStage: { training: 1, registration: 0 } });
  });

  it("answers 404 for an id that is not a caseworker's, and changes nothing", async () => {
    const pmo = await createTestUser("pmo");
    const participant = await createTestUser("participant");
    const events = await countOf(auditEvents);
    for (const id of [pmo.id, participant.id, crypto.randomUUID(), "not-an-id"]) {
      expect(await statusOf(() => disableCaseworker(pmo, id)), id).toBe(404);
      expect(await statusOf(() => issueCaseworkerCode(pmo, id)), id).toBe(404);
    }
    expect((await userRow(pmo.id)).disabledAt).toBeNull();
    expect((await userRow(participant.id)).disabledAt).toBeNull();
    expect(await countOf(auditEvents)).toBe(events);
  });

  it("a disabled caseworker cannot activate with an outstanding code", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await created(pmo);
    await disableCaseworker(pmo, cw.userId);
    expect(await activateAccount({ identifier: cw.input.email, code: cw.activation.code, password: PASSWORD })).toEqual({
      ok: false,
      failed: true,
    });
    expect(await issueCaseworkerCode(pmo, cw.userId)).toEqual({ ok: false, fieldErrors: { form: ["caseworker.disabled"] } });
  });
});

describe("issueCaseworkerCode", () => {
  it("gives a new code and voids the older one", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await created(pmo);
    const fresh = await issueCaseworkerCode(pmo, cw.userId);
    if (!fresh.ok) throw new Error("refused");
    expect(fresh.activation.code).not.toBe(cw.activation.code);
    expect(await activateAccount({ identifier: cw.input.email, code: cw.activation.code, password: PASSWORD })).toEqual({
      ok: false,
      failed: true,
    });
    expect((await activateAccount({ identifier: cw.input.email, code: fresh.activation.code, password: PASSWORD })).ok).toBe(true);
  });
});

describe("who may manage caseworkers", () => {
  it("answers 403 to a caseworker and a participant for every function, and writes nothing", async () => {
    const pmo = await createTestUser("pmo");
    const target = await createTestUser("caseworker");
    const before = { users: await countOf(users), events: await countOf(auditEvents), codes: await countOf(activationCodes) };
    for (const role of ["caseworker", "participant"] as const) {
      const viewer = await createTestUser(role);
      const calls = {
        listCaseworkers: () => listCaseworkers(viewer),
        createCaseworker: () => createCaseworker(viewer, newCaseworker()),
        disableCaseworker: () => disableCaseworker(viewer, target.id),
        enableCaseworker: () => enableCaseworker(viewer, target.id),
        issueCaseworkerCode: () => issueCaseworkerCode(viewer, target.id),
      };
      for (const [name, call] of Object.entries(calls)) expect(await statusOf(call), `${role} ${name}`).toBe(403);
    }
    // Only the two viewers were added (by the test itself).
    expect({ users: await countOf(users), events: await countOf(auditEvents), codes: await countOf(activationCodes) }).toEqual({
      ...before,
      users: before.users + 2,
    });
    expect((await userRow(target.id)).disabledAt).toBeNull();
    // The PMO itself may.
    expect(await statusOf(() => listCaseworkers(pmo))).toBe("ok");
  });
});
