import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, authThrottle, outboxMessages, users, verificationCodes } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { createTestParticipant } from "@/lib/testing/participants";
import { setWhatsAppEnv } from "@/lib/testing/whatsapp-env";
import { authenticate, contactChange } from "./users";
import {
  CODES_PER_HOUR,
  confirmPhone,
  getPhoneStatus,
  MAX_CODE_TRIES,
  normalizeDigits,
  requestPasswordReset,
  resetDestination,
  resetPasswordWithCode,
  sendPhoneConfirmation,
} from "./verification-codes";

// Phone confirmation and password-reset codes: what the person and their caseworker may
// do, what everybody else is refused, and that a code is single-use, short-lived, hashed
// and throttled. The code is read back from the outbox, as the person reads it on their phone.

let restoreEnv: () => void;
beforeAll(async () => {
  await freshDatabase();
  // WhatsApp and SMTP "configured": the messages are written to the outbox; nothing is sent here.
  restoreEnv = setWhatsAppEnv({ SMTP_URL: "smtp://127.0.0.1:1" });
});
afterAll(() => restoreEnv());
beforeEach(async () => {
  // Each test starts with a clean slate of throttle counters (they are per address).
  await db.delete(authThrottle);
});

const IP = "203.0.113.7";
const PASSWORD = "kata-sandi-baru-123";

/** The newest code sent to a user, as their phone or inbox shows it. */
async function lastCode(userId: string, kind: "phone_confirmation" | "password_reset" = "phone_confirmation") {
  const rows = await db
    .select({ values: outboxMessages.templateValues, body: outboxMessages.body, channel: outboxMessages.channel, recipient: outboxMessages.recipient })
    .from(outboxMessages)
    .innerJoin(users, sql`true`)
    .where(and(eq(outboxMessages.kind, kind), eq(users.id, userId), sql`${outboxMessages.recipient} in (${users.phone}, coalesce(${users.email}, ''))`))
    .orderBy(desc(outboxMessages.createdAt))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const code = (row.values as { code?: string } | null)?.code ?? /\b(\d{6})\b/.exec(row.body)?.[1] ?? null;
  return { code, channel: row.channel, recipient: row.recipient };
}

const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];
const auditCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n;
const actionsFor = async (entityId: string) =>
  (await db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.entityId, entityId))).map((e) => e.action);

/** Moves a user's codes into the past, as if time had passed. */
const age = (userId: string, interval: string) =>
  db.execute(
    sql`update verification_codes set created_at = created_at - ${interval}::interval, expires_at = expires_at - ${interval}::interval where user_id = ${userId}`,
  );

describe("confirming a phone number", () => {
  it("the participant gets a 6-digit code on WhatsApp, types it in on /me, and the phone is confirmed (audited)", async () => {
    const p = await createTestParticipant();
    expect(await getPhoneStatus(p.user, p.participantId)).toMatchObject({ confirmedAt: null, canSend: true, codePending: false });
    const sent = await sendPhoneConfirmation(p.user, p.participantId);
    expect(sent).toMatchObject({ ok: true });
    const message = await lastCode(p.user.id);
    expect(message).toMatchObject({ channel: "whatsapp", recipient: p.phone });
    expect(message!.code).toMatch(/^\d{6}$/);
    // Only a keyed hash is stored.
    const [stored] = await db.select().from(verificationCodes).where(eq(verificationCodes.userId, p.user.id));
    expect(stored.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.codeHash).not.toContain(message!.code);
    expect(await getPhoneStatus(p.user, p.participantId)).toMatchObject({ codePending: true });

    expect(await confirmPhone(p.user, { participantId: p.participantId, code: "000000" === message!.code ? "111111" : "000000" }, IP)).toEqual({
      ok: false,
      fieldErrors: { code: ["phoneCode.wrong"] },
    });
    expect((await userRow(p.user.id)).phoneConfirmedAt).toBeNull();
    // Typed with a space, as read aloud: still the code.
    const spaced = `${message!.code!.slice(0, 3)} ${message!.code!.slice(3)}`;
    expect(await confirmPhone(p.user, { participantId: p.participantId, code: spaced }, IP)).toEqual({ ok: true });
    expect((await userRow(p.user.id)).phoneConfirmedAt).toBeInstanceOf(Date);
    expect(await actionsFor(p.participantId)).toEqual(
      expect.arrayContaining(["phone.confirmation_sent", "phone.confirmation_failed", "phone.confirmed"]),
    );
    // A double submit changes nothing more; a new code is refused: it is confirmed.
    expect(await confirmPhone(p.user, { participantId: p.participantId, code: message!.code! }, IP)).toEqual({ ok: true });
    expect(await sendPhoneConfirmation(p.user, p.participantId)).toEqual({ ok: false, error: "phoneCode.confirmed" });
  });

  it("the caseworker sitting with the worker sends the code and types it in; the case file's mark follows", async () => {
    const cw = await createTestUser("caseworker");
    const p = await createTestParticipant({ caseworkerId: cw.id });
    expect(await sendPhoneConfirmation(cw, p.participantId)).toMatchObject({ ok: true });
    const { code } = (await lastCode(p.user.id))!;
    expect(await confirmPhone(cw, { participantId: p.participantId, code: code! }, IP)).toEqual({ ok: true });
    const events = await db
      .select({ action: auditEvents.action, actorId: auditEvents.actorId, after: auditEvents.after })
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, p.participantId), eq(auditEvents.action, "phone.confirmed")));
    expect(events).toMatchObject([{ actorId: cw.id, after: { by: "caseworker" } }]);
    // The phone is masked in the audit log.
    expect(JSON.stringify(events)).not.toContain(p.phone!.slice(4));
  });

  it("is refused to everybody else: another caseworker and another participant get 404, the PMO 403, and nothing is written", async () => {
    const cw = await createTestUser("caseworker");
    const other = await createTestUser("caseworker");
    const pmo = await createTestUser("pmo");
    const p = await createTestParticipant({ caseworkerId: cw.id });
    const stranger = await createTestParticipant();
    await sendPhoneConfirmation(p.user, p.participantId);
    const { code } = (await lastCode(p.user.id))!;
    const before = { audit: await auditCount(), codes: (await db.select().from(verificationCodes)).length };
    for (const [viewer, status] of [
      [other, 404],
      [stranger.user, 404],
      [pmo, 403],
    ] as const) {
      expect(await statusOf(() => sendPhoneConfirmation(viewer, p.participantId))).toBe(status);
      expect(await statusOf(() => confirmPhone(viewer, { participantId: p.participantId, code: code! }, IP))).toBe(status);
      expect(await statusOf(() => getPhoneStatus(viewer, p.participantId))).toBe(status);
    }
    expect(await statusOf(() => sendPhoneConfirmation(cw, "not-a-uuid"))).toBe(404);
    expect(await statusOf(() => sendPhoneConfirmation(cw, crypto.randomUUID()))).toBe(404);
    expect(await auditCount()).toBe(before.audit);
    expect((await db.select().from(verificationCodes)).length).toBe(before.codes);
    expect((await userRow(p.user.id)).phoneConfirmedAt).toBeNull();
  });

  it("a code works once, for 10 minutes; five wrong tries void it; a new code voids the old one", async () => {
    const p = await createTestParticipant();
    await sendPhoneConfirmation(p.user, p.participantId);
    const first = (await lastCode(p.user.id))!.code!;
    // Expired: eleven minutes later.
    await age(p.user.id, "11 minutes");
    expect(await confirmPhone(p.user, { participantId: p.participantId, code: first }, IP)).toMatchObject({ ok: false });

    await sendPhoneConfirmation(p.user, p.participantId);
    const second = (await lastCode(p.user.id))!.code!;
    const wrong = second === "123456" ? "654321" : "123456";
    for (let i = 0; i < MAX_CODE_TRIES; i++) {
      expect(await confirmPhone(p.user, { participantId: p.participantId, code: wrong }, null)).toMatchObject({ ok: false });
    }
    expect(await confirmPhone(p.user, { participantId: p.participantId, code: second }, null)).toMatchObject({ ok: false });

    await age(p.user.id, "2 minutes");
    await sendPhoneConfirmation(p.user, p.participantId);
    const third = (await lastCode(p.user.id))!.code!;
    await age(p.user.id, "2 minutes");
    await sendPhoneConfirmation(p.user, p.participantId);
    const fourth = (await lastCode(p.user.id))!.code!;
    if (third !== fourth) {
      expect(await confirmPhone(p.user, { participantId: p.participantId, code: third }, null)).toMatchObject({ ok: false });
    }
    expect(await confirmPhone(p.user, { participantId: p.participantId, code: fourth }, null)).toEqual({ ok: true });
  });

  it("sends at most one code a minute and five an hour to one account", async () => {
    const p = await createTestParticipant();
    expect(await sendPhoneConfirmation(p.user, p.participantId)).toMatchObject({ ok: true });
    expect(await sendPhoneConfirmation(p.user, p.participantId)).toEqual({ ok: false, error: "phoneCode.tooSoon" });
    for (let i = 1; i < CODES_PER_HOUR; i++) {
      await age(p.user.id, "61 seconds");
      expect(await sendPhoneConfirmation(p.user, p.participantId), `code ${i + 1}`).toMatchObject({ ok: true });
    }
    await age(p.user.id, "61 seconds");
    expect(await sendPhoneConfirmation(p.user, p.participantId)).toEqual({ ok: false, error: "phoneCode.tooMany" });
    await age(p.user.id, "1 hour");
    expect(await sendPhoneConfirmation(p.user, p.participantId)).toMatchObject({ ok: true });
  });

  it("wrong codes count against the address like failed sign-ins, until it is locked", async () => {
    const p = await createTestParticipant();
    const ip = "198.51.100.99";
    let answer;
    for (let i = 0; i < 40; i++) {
      answer = await confirmPhone(p.user, { participantId: p.participantId, code: "000000" }, ip);
      if ((answer as { fieldErrors?: { code: string[] } }).fieldErrors?.code[0] === "phoneCode.locked") break;
    }
    expect(answer).toEqual({ ok: false, fieldErrors: { code: ["phoneCode.locked"] } });
  });

  it("a new number is confirmed afresh; a code sent to the old number does not confirm the new one", async () => {
    const p = await createTestParticipant();
    await sendPhoneConfirmation(p.user, p.participantId);
    const { code } = (await lastCode(p.user.id))!;
    await db.update(users).set(contactChange({ phone: "+6281399990001", email: p.email ?? null }, new Date())).where(eq(users.id, p.user.id));
    expect(await confirmPhone(p.user, { participantId: p.participantId, code: code! }, null)).toMatchObject({ ok: false });
    expect((await userRow(p.user.id)).phoneConfirmedAt).toBeNull();

    await age(p.user.id, "2 minutes");
    await sendPhoneConfirmation(p.user, p.participantId);
    const next = (await lastCode(p.user.id))!;
    expect(next.recipient).toBe("+6281399990001");
    expect(await confirmPhone(p.user, { participantId: p.participantId, code: next.code! }, null)).toEqual({ ok: true });
    await db.update(users).set(contactChange({ phone: "+6281399990002", email: p.email ?? null }, new Date())).where(eq(users.id, p.user.id));
    expect((await userRow(p.user.id)).phoneConfirmedAt).toBeNull();
    // The same number again keeps the mark.
    await db.update(users).set({ phoneConfirmedAt: new Date() }).where(eq(users.id, p.user.id));
    await db.update(users).set(contactChange({ phone: "+6281399990002", email: p.email ?? null }, new Date())).where(eq(users.id, p.user.id));
    expect((await userRow(p.user.id)).phoneConfirmedAt).toBeInstanceOf(Date);
  });

  it("says why no code can go: WhatsApp not configured, BERHENTI, a number WhatsApp cannot reach", async () => {
    const p = await createTestParticipant();
    await db.update(users).set({ whatsappOptedOutAt: new Date() }).where(eq(users.id, p.user.id));
    expect(await sendPhoneConfirmation(p.user, p.participantId)).toEqual({ ok: false, error: "phoneCode.optedOut" });
    await db.update(users).set({ whatsappOptedOutAt: null, whatsappUnreachableAt: new Date() }).where(eq(users.id, p.user.id));
    expect(await sendPhoneConfirmation(p.user, p.participantId)).toEqual({ ok: false, error: "phoneCode.unreachable" });
    await db.update(users).set({ whatsappUnreachableAt: null }).where(eq(users.id, p.user.id));
    const token = process.env.WHATSAPP_TOKEN;
    delete process.env.WHATSAPP_TOKEN;
    try {
      expect(await sendPhoneConfirmation(p.user, p.participantId)).toEqual({ ok: false, error: "phoneCode.unavailable" });
      expect(await getPhoneStatus(p.user, p.participantId)).toMatchObject({ canSend: false, blockedBy: "phoneCode.unavailable" });
    } finally {
      process.env.WHATSAPP_TOKEN = token;
    }
    expect(await db.select().from(verificationCodes).where(eq(verificationCodes.userId, p.user.id))).toEqual([]);
  });

  it("reads digits as people type them", () => {
    expect(normalizeDigits(" 493-817 ")).toBe("493817");
    expect(normalizeDigits("４９３８１７")).toBe("493817");
  });
});

describe("forgotten password", () => {
  async function confirmedParticipant(opts: { email?: boolean } = {}) {
    const p = await createTestParticipant(opts.email === false ? { form: { email: "" } } : {});
    await db.update(users).set({ phoneConfirmedAt: new Date() }).where(eq(users.id, p.user.id));
    return p;
  }

  it("sends a code to the confirmed phone; the code sets a new password, ends every session, and is audited", async () => {
    const p = await confirmedParticipant({ email: false });
    const before = await userRow(p.user.id);
    await requestPasswordReset({ identifier: p.phone!, ip: IP });
    const message = (await lastCode(p.user.id, "password_reset"))!;
    expect(message).toMatchObject({ channel: "whatsapp", recipient: p.phone });
    expect(await resetPasswordWithCode({ identifier: p.phone!, code: message.code!, password: PASSWORD, ip: IP })).toEqual({ ok: true, userId: p.user.id });
    const after = await userRow(p.user.id);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(await authenticate(p.phone!, PASSWORD)).toMatchObject({ id: p.user.id });
    expect(await actionsFor(p.user.id)).toEqual(expect.arrayContaining(["auth.password_reset_requested", "auth.password_reset"]));
    // Used up: the same code again fails.
    expect(await resetPasswordWithCode({ identifier: p.phone!, code: message.code!, password: "lain-lagi-456789", ip: IP })).toEqual({ ok: false, failed: true });
  });

  it("sends to the email address when the phone is not confirmed (by the phone number typed, or the address)", async () => {
    const p = await createTestParticipant();
    await requestPasswordReset({ identifier: p.phone!, ip: IP });
    expect(await lastCode(p.user.id, "password_reset")).toMatchObject({ channel: "email", recipient: p.email });
    await age(p.user.id, "2 minutes");
    await requestPasswordReset({ identifier: p.email!.toUpperCase(), ip: IP });
    const message = (await lastCode(p.user.id, "password_reset"))!;
    expect(message).toMatchObject({ channel: "email" });
    expect(await resetPasswordWithCode({ identifier: p.email!, code: message.code!, password: PASSWORD, ip: IP })).toMatchObject({ ok: true });
  });

  it("sends nothing to an unconfirmed phone without an email, nor to an unknown, disabled or PMO account, and says the same", async () => {
    const unconfirmed = await createTestParticipant({ form: { email: "" } });
    const disabled = await confirmedParticipant();
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.user.id));
    const pmo = await createTestUser("pmo");
    const [pmoRow] = await db.select().from(users).where(eq(users.id, pmo.id));
    const outboxBefore = (await db.select().from(outboxMessages).where(eq(outboxMessages.kind, "password_reset"))).length;
    for (const identifier of [unconfirmed.phone!, disabled.phone!, pmoRow.email!, "+6281200000000", "tidak.ada@contoh.id", "bukan nomor", ""]) {
      expect(await requestPasswordReset({ identifier, ip: IP }), identifier).toBeUndefined();
    }
    expect((await db.select().from(outboxMessages).where(eq(outboxMessages.kind, "password_reset"))).length).toBe(outboxBefore);
    expect(await actionsFor(unconfirmed.user.id)).toContain("auth.password_reset_unavailable");
  });

  it("refuses a wrong code, an expired one and a weak password, changing nothing", async () => {
    const p = await confirmedParticipant();
    const before = await userRow(p.user.id);
    await requestPasswordReset({ identifier: p.phone!, ip: IP });
    const { code } = (await lastCode(p.user.id, "password_reset"))!;
    expect(await resetPasswordWithCode({ identifier: p.phone!, code: code!, password: "123", ip: IP })).toMatchObject({ ok: false, fieldErrors: { password: expect.any(Array) } });
    const wrong = code === "000000" ? "999999" : "000000";
    expect(await resetPasswordWithCode({ identifier: p.phone!, code: wrong, password: PASSWORD, ip: IP })).toEqual({ ok: false, failed: true });
    expect(await resetPasswordWithCode({ identifier: "+6281200000001", code: code!, password: PASSWORD, ip: IP })).toEqual({ ok: false, failed: true });
    await age(p.user.id, "11 minutes");
    expect(await resetPasswordWithCode({ identifier: p.phone!, code: code!, password: PASSWORD, ip: IP })).toEqual({ ok: false, failed: true });
    const after = await userRow(p.user.id);
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.sessionVersion).toBe(before.sessionVersion);
    expect(await actionsFor(p.user.id)).toContain("auth.password_reset_failed");
  });

  it("counts requests per address: a script asking for every number is stopped", async () => {
    const p = await confirmedParticipant();
    const ip = "192.0.2.44";
    for (let i = 0; i < 30; i++) await requestPasswordReset({ identifier: `+62812000${String(i).padStart(5, "0")}`, ip });
    const outboxBefore = (await db.select().from(outboxMessages).where(eq(outboxMessages.kind, "password_reset"))).length;
    await requestPasswordReset({ identifier: p.phone!, ip });
    expect((await db.select().from(outboxMessages).where(eq(outboxMessages.kind, "password_reset"))).length).toBe(outboxBefore);
    // Another address is not affected.
    await requestPasswordReset({ identifier: p.phone!, ip: "192.0.2.45" });
    expect((await db.select().from(outboxMessages).where(eq(outboxMessages.kind, "password_reset"))).length).toBe(outboxBefore + 1);
  });

  it("a caseworker resets by email; the code goes to the account's address", async () => {
    const cw = await createTestUser("caseworker");
    const [row] = await db.select().from(users).where(eq(users.id, cw.id));
    await requestPasswordReset({ identifier: row.email!, ip: IP });
    const message = (await lastCode(cw.id, "password_reset"))!;
    expect(message).toMatchObject({ channel: "email", recipient: row.email });
    expect(await resetPasswordWithCode({ identifier: row.email!, code: message.code!, password: PASSWORD, ip: IP })).toMatchObject({ ok: true });
  });

  it("chooses the channel typed first, then the other, only where it can send", () => {
    const account = { id: "x", role: "participant" as const, email: "a@contoh.id", phone: "+6281234567890", phoneConfirmed: true, whatsappBlocked: false };
    const all = { email: true, whatsapp: true };
    expect(resetDestination(account, "whatsapp", all)).toEqual({ channel: "whatsapp", recipient: "+6281234567890" });
    expect(resetDestination(account, "email", all)).toEqual({ channel: "email", recipient: "a@contoh.id" });
    expect(resetDestination(account, "email", { email: false, whatsapp: true })).toMatchObject({ channel: "whatsapp" });
    expect(resetDestination({ ...account, phoneConfirmed: false }, "whatsapp", all)).toMatchObject({ channel: "email" });
    expect(resetDestination({ ...account, whatsappBlocked: true, email: null }, "whatsapp", all)).toBeNull();
    expect(resetDestination(account, "whatsapp", { email: false, whatsapp: false })).toBeNull();
  });
});
