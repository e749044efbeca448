import { createHmac } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, authThrottle, users } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { makeSignInTicket, openSignInTicket, TICKET_LIFETIME_MS } from "@/lib/crypto/sign-in-ticket";
import { activateAccount, issueActivationCode } from "@/lib/data/activation";
import { registerSelf } from "@/lib/data/participants";
import { identifierKey } from "@/lib/data/throttle";
import { endAllSessions, issueSignInTicket } from "@/lib/data/users";
import { createTestParticipant, TEST_PASSWORD } from "@/lib/testing/participants";
import { servedHeaders } from "@/lib/testing/http";
import { registrationForm } from "@/lib/testing/identity";
import { selfRegistrationSchema } from "@/lib/validation/registration";
import { credentialsSignIn } from "./credentials";

// What Auth.js's Credentials authorize does with a post (lib/auth/index.ts maps "ok" to
// the session's user, "locked" to LockedSignIn and anything else to the generic refusal).
// The endpoint is public: each ticket below is posted as an attacker could post it.

beforeAll(freshDatabase);

const IP = "198.51.100.20";
const post = (identifier: string, fields: { ticket?: string; password?: string }) =>
  credentialsSignIn({ identifier, ...fields, callbackUrl: "/me" }, servedHeaders(IP));

/** A freshly self-registered worker and the phone they sign in with. */
async function registered() {
  const data = selfRegistrationSchema().parse(registrationForm({ password: TEST_PASSWORD }));
  const result = await registerSelf(data);
  if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  return { id: result.userId, phone: data.phone };
}

async function ticketFor(userId: string): Promise<string> {
  const ticket = await issueSignInTicket(userId);
  if (!ticket) throw new Error("no ticket");
  return ticket;
}

const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];
const failuresOf = async (identifier: string) =>
  (await db.select().from(authThrottle).where(eq(authThrottle.key, identifierKey(identifier))))[0]?.failures ?? 0;
const lastEventFor = async (userId: string) =>
  (await db.select().from(auditEvents).where(eq(auditEvents.entityId, userId)).orderBy(desc(auditEvents.id)).limit(1))[0];

/** A refusal exactly like a wrong password's: the same answer, one more failure counted, audited with the account. */
async function expectRefusedLikeAWrongPassword(account: { id: string; phone: string }, attempt: () => ReturnType<typeof post>) {
  const counted = await failuresOf(account.phone);
  const outcome = await attempt();
  expect(outcome).toEqual({ status: "failed" });
  expect(await failuresOf(account.phone)).toBe(counted + 1);
  const event = await lastEventFor(account.id);
  expect(event).toMatchObject({ action: "auth.sign_in_failed", actorId: null, entityType: "user", entityId: account.id });
  expect(event.after).toMatchObject({ ip: IP, via: "ticket" });

  // The wrong password, for comparison: the same answer and the same count.
  expect(await post(account.phone, { password: "bukan-sandinya-123" })).toEqual(outcome);
  expect(await failuresOf(account.phone)).toBe(counted + 2);
  await db.delete(authThrottle);
}

describe("a sign-in ticket", () => {
  it("signs the new account in once, without its password, and the sign-in is audited", async () => {
    const account = await registered();
    const ticket = await ticketFor(account.id);
    const outcome = await post(account.phone, { ticket });
    expect(outcome).toMatchObject({ status: "ok", user: { id: account.id, role: "participant", sessionVersion: 1 } });
    expect((await userRow(account.id)).lastLoginAt).toBeInstanceOf(Date);
    expect(await lastEventFor(account.id)).toMatchObject({ action: "auth.sign_in", actorId: account.id, entityId: account.id });

    // Replayed: the sign-in moved last_login_at, to which the ticket is bound.
    await expectRefusedLikeAWrongPassword(account, () => post(account.phone, { ticket }));
    // A new ticket after that sign-in works (it is bound to the new last_login_at).
    expect(await post(account.phone, { ticket: await ticketFor(account.id) })).toMatchObject({ status: "ok" });
  });

  it("comes with a new registration, signs in once, and a repeated form gets none", async () => {
    const data = selfRegistrationSchema().parse(registrationForm({ password: TEST_PASSWORD }));
    const result = await registerSelf(data);
    if (!result.ok || !result.signInTicket) throw new Error(`no ticket: ${JSON.stringify(result)}`);
    // Made without reading the account: it names the first session version and no sign-in yet.
    expect(openSignInTicket(result.signInTicket)).toEqual({ userId: result.userId, sessionVersion: 1, lastLogin: null });
    expect(await post(data.phone, { ticket: result.signInTicket })).toMatchObject({ status: "ok", user: { id: result.userId } });
    await expectRefusedLikeAWrongPassword({ id: result.userId, phone: data.phone }, () => post(data.phone, { ticket: result.signInTicket! }));
    // The same form posted again: the account has signed in since, so the password decides.
    expect(await registerSelf(data)).toMatchObject({ ok: true, repeated: true, signInTicket: null });
  });

  it("is used once even when two requests race with it", async () => {
    const account = await registered();
    const ticket = await ticketFor(account.id);
    const outcomes = await Promise.all([post(account.phone, { ticket }), post(account.phone, { ticket })]);
    expect(outcomes.map((o) => o?.status).sort()).toEqual(["failed", "ok"]);
  });

  it("is void once another sign-in has happened, to the microsecond", async () => {
    const account = await registered();
    // A last sign-in with microseconds that a JS Date cannot hold.
    await db.update(users).set({ lastLoginAt: sql`'2021-06-01 10:00:00.123456+07'` }).where(eq(users.id, account.id));
    const ticket = await ticketFor(account.id);
    expect(openSignInTicket(ticket)?.lastLogin).toBe("1622516400123456");
    await db.update(users).set({ lastLoginAt: sql`'2021-06-01 10:00:00.123457+07'` }).where(eq(users.id, account.id));
    await expectRefusedLikeAWrongPassword(account, () => post(account.phone, { ticket }));
    // The same ticket while the row still had its last sign-in works.
    await db.update(users).set({ lastLoginAt: sql`'2021-06-01 10:00:00.123456+07'` }).where(eq(users.id, account.id));
    expect(await post(account.phone, { ticket })).toMatchObject({ status: "ok" });
  });

  it("is refused when forged", async () => {
    const account = await registered();
    const ticket = await ticketFor(account.id);
    // The right claim, signed with the wrong key (a plain SHA-256 HMAC under AUTH_SECRET itself).
    const body = ticket.split(".")[0];
    const forged = `${body}.${createHmac("sha256", process.env.AUTH_SECRET!).update(body).digest("base64url")}`;
    await expectRefusedLikeAWrongPassword(account, () => post(account.phone, { ticket: forged }));
    // Another account's signature on this account's claim.
    const other = await registered();
    const otherSignature = (await ticketFor(other.id)).split(".")[1];
    await expectRefusedLikeAWrongPassword(account, () => post(account.phone, { ticket: `${body}.${otherSignature}` }));
    await expectRefusedLikeAWrongPassword(account, () => post(account.phone, { ticket: "bukan-tiket" }));
    // The unchanged ticket still works: the refusals were the forgeries'.
    expect(await post(account.phone, { ticket })).toMatchObject({ status: "ok" });
  });

  it("is refused once expired", async () => {
    const account = await registered();
    const claim = openSignInTicket(await ticketFor(account.id))!;
    const expired = makeSignInTicket(claim, Date.now() - TICKET_LIFETIME_MS - 1000);
    await expectRefusedLikeAWrongPassword(account, () => post(account.phone, { ticket: expired }));
    // The same claim made just now works: only the time differs.
    expect(await post(account.phone, { ticket: makeSignInTicket(claim) })).toMatchObject({ status: "ok" });
  });

  it("is refused for another account than its own", async () => {
    const mine = await registered();
    const theirs = await registered();
    const ticket = await ticketFor(mine.id);
    await expectRefusedLikeAWrongPassword(theirs, () => post(theirs.phone, { ticket }));
    expect((await userRow(theirs.id)).lastLoginAt).toBeNull();
    // Nor does a staff account's identifier take a participant's ticket.
    const staff = await createTestUser("caseworker", { password: TEST_PASSWORD });
    expect(await post(staff.email, { ticket })).toEqual({ status: "failed" });
    expect(await post(mine.phone, { ticket })).toMatchObject({ status: "ok", user: { id: mine.id } });
  });

  it("is refused after the session version changed (sign-out everywhere)", async () => {
    const account = await registered();
    const ticket = await ticketFor(account.id);
    await endAllSessions({ id: account.id, role: "participant" });
    await expectRefusedLikeAWrongPassword(account, () => post(account.phone, { ticket }));
    expect(await post(account.phone, { ticket: await ticketFor(account.id) })).toMatchObject({ status: "ok", user: { sessionVersion: 2 } });
  });

  it("is refused for a disabled account, and none is issued for one", async () => {
    const account = await registered();
    const ticket = await ticketFor(account.id);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, account.id));
    await expectRefusedLikeAWrongPassword(account, () => post(account.phone, { ticket }));
    expect(await issueSignInTicket(account.id)).toBeNull();
    await db.update(users).set({ disabledAt: null }).where(eq(users.id, account.id));
    expect(await post(account.phone, { ticket })).toMatchObject({ status: "ok" });
  });

  it("is refused while the identifier is locked, as a right password is", async () => {
    const account = await registered();
    const ticket = await ticketFor(account.id);
    for (let i = 0; i <= 5; i++) await post(account.phone, { password: "salah-salah-salah" });
    expect(await post(account.phone, { ticket })).toMatchObject({ status: "locked" });
    expect(await post(account.phone, { password: TEST_PASSWORD })).toMatchObject({ status: "locked" });
    expect((await userRow(account.id)).lastLoginAt).toBeNull();
    await db.delete(authThrottle);
  });

  it("clears the identifier's failures when it signs in, never the address's, and audits the sign-in", async () => {
    const account = await registered();
    for (let i = 0; i < 3; i++) await post(account.phone, { password: "salah-salah-salah" });
    expect(await failuresOf(account.phone)).toBe(3);
    const ticket = await ticketFor(account.id);
    expect(await post(account.phone, { ticket })).toMatchObject({ status: "ok", user: { id: account.id, role: "participant" } });
    expect(await failuresOf(account.phone)).toBe(0);
    const [ipRow] = await db.select().from(authThrottle).where(eq(authThrottle.key, `ip:${IP}`));
    expect(ipRow.failures).toBeGreaterThanOrEqual(3);
    expect(await lastEventFor(account.id)).toMatchObject({ action: "auth.sign_in", actorId: account.id, after: { via: "ticket" } });
    expect((await userRow(account.id)).lastLoginAt).not.toBeNull();
    await db.delete(authThrottle);
  });

  it("is taken in place of the password, never beside a wrong one, and a post without either is no attempt", async () => {
    const account = await registered();
    const ticket = await ticketFor(account.id);
    expect(await post(account.phone, { ticket: "bukan-tiket", password: TEST_PASSWORD })).toEqual({ status: "failed" });
    expect(await post(account.phone, { ticket, password: "salah-salah-salah" })).toMatchObject({ status: "ok" });
    expect(await post(account.phone, {})).toBeNull();
    expect(await post(account.phone, { ticket: "x".repeat(1000) })).toBeNull();
    expect(await post("", { ticket: await ticketFor(account.id) })).toBeNull();
    // The password still signs in on its own.
    expect(await post(account.phone, { password: TEST_PASSWORD })).toMatchObject({ status: "ok" });
    await db.delete(authThrottle);
  });

  it("signs in a worker who has just activated, and a ticket from before the activation is void", async () => {
    const caseworker = await createTestUser("caseworker");
    const worker = await createTestParticipant({ caseworkerId: caseworker.id });
    const before = await ticketFor(worker.user.id);
    const { code } = await issueActivationCode(caseworker, worker.participantId);
    const activated = await activateAccount({ identifier: worker.phone, code, password: "sandi-baru-yang-panjang", ip: IP });
    expect(activated).toEqual({ ok: true, userId: worker.user.id });
    await expectRefusedLikeAWrongPassword({ id: worker.user.id, phone: worker.phone }, () => post(worker.phone, { ticket: before }));
    const outcome = await post(worker.phone, { ticket: await ticketFor(worker.user.id) });
    expect(outcome).toMatchObject({ status: "ok", user: { id: worker.user.id, sessionVersion: 2 } });
    const signIns = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, worker.user.id), eq(auditEvents.action, "auth.sign_in")));
    expect(signIns).toHaveLength(1);
  });
});
