import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, participants, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makePhone } from "@/lib/testing/identity";
import { createTestParticipant, TEST_PASSWORD } from "@/lib/testing/participants";
import { ownContactSchema } from "@/lib/validation/own-contact";
import { getOwnContact, setPreferredChannel, updateOwnContact } from "./self-service";

beforeAll(freshDatabase);

async function form(p: { user: { id: string }; participantId: string }, overrides: Record<string, string> = {}) {
  const [row] = await db
    .select({
      version: participants.version,
      address: participants.address,
      provinceCode: participants.provinceCode,
      regencyCode: participants.regencyCode,
      phone: users.phone,
      email: users.email,
    })
    .from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(eq(participants.id, p.participantId));
  return ownContactSchema.parse({
    participantId: p.participantId,
    version: String(row.version),
    phone: row.phone ?? "",
    email: row.email ?? "",
    address: row.address ?? "",
    provinceCode: row.provinceCode,
    regencyCode: row.regencyCode ?? "",
    ...overrides,
  });
}

const accountOf = async (userId: string) => (await db.select().from(users).where(eq(users.id, userId)))[0];

describe("a participant's own contact data", () => {
  it("is shown to them whole", async () => {
    const me = await createTestParticipant();
    expect(await getOwnContact(me.user)).toMatchObject({ participantId: me.participantId, phone: me.phone, email: me.email, version: 1 });
  });

  it("changes the address without the password, with an audit event", async () => {
    const me = await createTestParticipant();
    expect(await updateOwnContact(me.user, await form(me, { address: "Jl. Mawar No. 9, Blitar" }))).toEqual({ ok: true });
    const [p] = await db.select().from(participants).where(eq(participants.id, me.participantId));
    expect(p).toMatchObject({ address: "Jl. Mawar No. 9, Blitar", version: 2 });
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "participant.contact_update"), eq(auditEvents.entityId, me.participantId)));
    expect(event).toMatchObject({ actorId: me.user.id, actorRole: "participant" });
    expect(event.after).toMatchObject({ addressChanged: true, passwordChecked: false });
  });

  it("asks for the current password to change the phone or the email", async () => {
    const me = await createTestParticipant();
    const phone = makePhone();
    expect(await updateOwnContact(me.user, await form(me, { phone }))).toEqual({
      ok: false,
      fieldErrors: { currentPassword: ["currentPassword.required"] },
    });
    expect(await updateOwnContact(me.user, await form(me, { email: "baru@contoh.id", currentPassword: "salah-sekali" }))).toEqual({
      ok: false,
      fieldErrors: { currentPassword: ["currentPassword.wrong"] },
    });
    expect(await accountOf(me.user.id)).toMatchObject({ phone: me.phone, email: me.email });
    const failed = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.password_check_failed"), eq(auditEvents.entityId, me.user.id)));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actorId: me.user.id, after: { purpose: "participant.contact_update" } });
    expect(JSON.stringify(failed[0])).not.toContain("salah-sekali");

    expect(await updateOwnContact(me.user, await form(me, { phone, email: "", currentPassword: TEST_PASSWORD }))).toEqual({ ok: true });
    expect(await accountOf(me.user.id)).toMatchObject({ phone, email: null });
  });

  it("counts wrong passwords with the sign-in throttle, and then refuses even the right one", async () => {
    const me = await createTestParticipant();
    const input = async (currentPassword: string) => form(me, { phone: makePhone(), currentPassword });
    for (let i = 0; i < 6; i++) {
      expect(await updateOwnContact(me.user, await input("salah-lagi"))).toMatchObject({ fieldErrors: { currentPassword: ["currentPassword.wrong"] } });
    }
    expect(await updateOwnContact(me.user, await input(TEST_PASSWORD))).toEqual({
      ok: false,
      fieldErrors: { currentPassword: ["currentPassword.locked"] },
    });
    expect((await accountOf(me.user.id)).phone).toBe(me.phone);
  });

  it("reports a phone or email someone else uses beside the field", async () => {
    const someone = await createTestParticipant();
    const me = await createTestParticipant();
    expect(await updateOwnContact(me.user, await form(me, { phone: someone.phone, currentPassword: TEST_PASSWORD }))).toEqual({
      ok: false,
      fieldErrors: { phone: ["phone.taken"] },
    });
    expect(await updateOwnContact(me.user, await form(me, { email: someone.email!, currentPassword: TEST_PASSWORD }))).toEqual({
      ok: false,
      fieldErrors: { email: ["email.taken"] },
    });
  });

  it("refuses a stale form (the record changed since it was loaded)", async () => {
    const me = await createTestParticipant();
    const stale = await form(me, { address: "Jl. Lama No. 1, Kediri" });
    await updateOwnContact(me.user, await form(me, { address: "Jl. Baru No. 2, Kediri" }));
    expect(await updateOwnContact(me.user, stale)).toEqual({ ok: false, fieldErrors: { form: ["record.stale"] } });
  });

  it("refuses a form naming another participant (404) and staff (403)", async () => {
    const victim = await createTestParticipant();
    const other = await createTestParticipant();
    const input = { ...(await form(victim, { address: "Jl. Penyusup No. 1" })) };
    expect(await statusOf(() => updateOwnContact(other.user, input))).toBe(404);
    const [p] = await db.select().from(participants).where(eq(participants.id, victim.participantId));
    expect(p.address).not.toBe("Jl. Penyusup No. 1");
    expect(await statusOf(async () => updateOwnContact(await createTestUser("caseworker"), input))).toBe(403);
    expect(await statusOf(async () => getOwnContact(await createTestUser("pmo")))).toBe(403);
  });
});

describe("the channel messages go by", () => {
  it("is the participant's choice once made (audited), email only with an address; refused to anyone else", async () => {
    const me = await createTestParticipant({ form: { email: "" } });
    // No choice, no email, nothing configured: the phone.
    expect(await getOwnContact(me.user)).toMatchObject({ preferredChannel: null, channel: "whatsapp" });
    expect(await setPreferredChannel(me.user, { participantId: me.participantId, preferredChannel: "email" })).toEqual({
      ok: false,
      fieldErrors: { preferredChannel: ["preferredChannel.noEmail"] },
    });
    const withEmail = await createTestParticipant();
    expect(await getOwnContact(withEmail.user)).toMatchObject({ channel: "email" });
    expect(await setPreferredChannel(withEmail.user, { participantId: withEmail.participantId, preferredChannel: "whatsapp" })).toEqual({ ok: true });
    expect(await getOwnContact(withEmail.user)).toMatchObject({ preferredChannel: "whatsapp", channel: "whatsapp" });
    const events = await db
      .select({ action: auditEvents.action, before: auditEvents.before, after: auditEvents.after })
      .from(auditEvents)
      .where(eq(auditEvents.entityId, withEmail.participantId));
    expect(events.filter((e) => e.action === "participant.preferred_channel")).toEqual([
      { action: "participant.preferred_channel", before: { preferredChannel: null }, after: { preferredChannel: "whatsapp" } },
    ]);
    const input = { participantId: withEmail.participantId, preferredChannel: "email" as const };
    expect(await statusOf(() => setPreferredChannel(me.user, input))).toBe(404);
    expect(await statusOf(async () => setPreferredChannel(await createTestUser("caseworker"), input))).toBe(403);
  });
});
