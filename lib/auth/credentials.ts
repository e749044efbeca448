import "server-only";
import { MAX_TICKET_LENGTH } from "@/lib/crypto/sign-in-ticket";
import { clientIp } from "@/lib/data/throttle";
import { signInAttempt, ticketSignInAttempt, type SignInOutcome } from "@/lib/data/users";

/**
 * What the Credentials provider's authorize does with what was posted: an identifier with
 * either a password (the login form) or a sign-in ticket (the registration and activation
 * actions, lib/crypto/sign-in-ticket.ts). The endpoint is public, so a posted ticket is
 * checked as strictly as a password, with the same throttle and the same answer. Null
 * for a post that is not even an attempt (a field missing or absurdly long).
 */
export async function credentialsSignIn(
  credentials: Partial<Record<string, unknown>> | undefined,
  headers: Headers | null | undefined,
): Promise<SignInOutcome | null> {
  const field = (name: string) => (typeof credentials?.[name] === "string" ? (credentials[name] as string) : "");
  const identifier = field("identifier");
  const password = field("password");
  const ticket = field("ticket");
  if (!identifier || identifier.length > 254) return null;
  if (ticket) return ticket.length > MAX_TICKET_LENGTH ? null : ticketSignInAttempt(identifier, ticket, clientIp(headers));
  if (!password || password.length > 1024) return null;
  return signInAttempt(identifier, password, clientIp(headers));
}
