import "server-only";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/lib/auth";
import { findSessionUser } from "./users";
import { canAny, requirePermission, type Permission, type SessionUser } from "./permissions";

/**
 * The signed-in user, or null. The JWT alone is not trusted: the user must still exist,
 * not be disabled, and carry the current session version.
 */
export const getUser = cache(async (): Promise<SessionUser | null> => {
  const session = (await auth()) as { user?: { id?: string }; sv?: number; at?: number } | null;
  const id = session?.user?.id;
  if (!id || typeof session?.sv !== "number") return null;
  return findSessionUser(id, session.sv, session.at);
});

/** The signed-in user; a visitor without a valid session is sent to /login. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getUser();
  if (!user) redirect("/login");
  return user;
}

/** requireUser plus one of the permissions (a page a PMO and a coordinator share): without any, HTTP 403. */
export async function requireUserWithAny(permissions: readonly Permission[]): Promise<SessionUser> {
  const user = await requireUser();
  if (!canAny(user, permissions)) forbidden();
  return user;
}

/** requireUser plus a permission: signed-in users without it get HTTP 403. */
export async function requireUserWith(permission: Permission): Promise<SessionUser> {
  const user = await requireUser();
  requirePermission(user, permission);
  return user;
}
