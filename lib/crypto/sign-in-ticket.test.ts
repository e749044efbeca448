import { createHmac, hkdfSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { makeSignInTicket, openSignInTicket, TICKET_LIFETIME_MS, type TicketClaim } from "./sign-in-ticket";

process.env.AUTH_SECRET ??= "test-secret-for-sign-in-tickets-0123456789";

const CLAIM: TicketClaim = { userId: "2f9b7c1e-0000-4000-8000-000000000001", sessionVersion: 3, lastLogin: "1622512800123456" };
const MADE = Date.UTC(2021, 5, 1);

/** A ticket in the right format, signed with a key of the attacker's choosing. */
function signedWith(key: Buffer, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}
const bodyOf = (ticket: string) => JSON.parse(Buffer.from(ticket.split(".")[0], "base64url").toString()) as Record<string, unknown>;

describe("sign-in tickets", () => {
  it("open to the claim they were made with, before a first sign-in too", () => {
    expect(openSignInTicket(makeSignInTicket(CLAIM, MADE), MADE + 1000)).toEqual(CLAIM);
    const first = { ...CLAIM, lastLogin: null };
    expect(openSignInTicket(makeSignInTicket(first, MADE), MADE)).toEqual(first);
  });

  it(`expire after ${TICKET_LIFETIME_MS / 1000} seconds`, () => {
    const ticket = makeSignInTicket(CLAIM, MADE);
    expect(openSignInTicket(ticket, MADE + TICKET_LIFETIME_MS)).toEqual(CLAIM);
    expect(openSignInTicket(ticket, MADE + TICKET_LIFETIME_MS + 1)).toBeNull();
  });

  it("refuse a changed claim, a key not derived from AUTH_SECRET with this label, and a cut ticket", () => {
    const ticket = makeSignInTicket(CLAIM, MADE);
    const [, signature] = ticket.split(".");
    // Another user, another session version, a later expiry: the signature no longer fits.
    for (const change of [{ u: "2f9b7c1e-0000-4000-8000-000000000002" }, { v: 4 }, { l: null }, { e: MADE + 10 * TICKET_LIFETIME_MS }]) {
      const body = Buffer.from(JSON.stringify({ ...bodyOf(ticket), ...change })).toString("base64url");
      expect(openSignInTicket(`${body}.${signature}`, MADE)).toBeNull();
    }
    const payload = bodyOf(ticket);
    const secret = process.env.AUTH_SECRET!;
    // The key of the search seal (same secret, its own label), the raw secret, another secret.
    const searchKey = Buffer.from(hkdfSync("sha256", secret, "pendamping-pmi", "search-seal v1", 32));
    const otherKey = Buffer.from(hkdfSync("sha256", "another-secret-another-secret-0000", "pendamping-pmi", "sign-in-ticket v1", 32));
    for (const key of [searchKey, Buffer.from(secret), otherKey]) expect(openSignInTicket(signedWith(key, payload), MADE)).toBeNull();
    // The same payload signed with the right key opens: the refusals above are the key's.
    const rightKey = Buffer.from(hkdfSync("sha256", secret, "pendamping-pmi", "sign-in-ticket v1", 32));
    expect(openSignInTicket(signedWith(rightKey, payload), MADE)).toEqual(CLAIM);

    expect(openSignInTicket(ticket.slice(0, -2), MADE)).toBeNull();
    expect(openSignInTicket(ticket.split(".")[0], MADE)).toBeNull();
    expect(openSignInTicket(`${ticket}.x`, MADE)).toBeNull();
    expect(openSignInTicket("", MADE)).toBeNull();
    expect(openSignInTicket(`${ticket}${"A".repeat(600)}`, MADE)).toBeNull();
  });

  it("refuse a well-signed ticket whose fields are not what a ticket holds", () => {
    const rightKey = Buffer.from(hkdfSync("sha256", process.env.AUTH_SECRET!, "pendamping-pmi", "sign-in-ticket v1", 32));
    const good = { u: CLAIM.userId, v: 3, l: CLAIM.lastLogin, e: MADE + 1000 };
    expect(openSignInTicket(signedWith(rightKey, good), MADE)).toEqual(CLAIM);
    for (const bad of [{ v: "3" }, { v: 1.5 }, { u: 7 }, { l: "1622512800123456 or 1=1" }, { l: 1622512800123456 }, { e: "later" }]) {
      expect(openSignInTicket(signedWith(rightKey, { ...good, ...bad }), MADE)).toBeNull();
    }
  });
});
