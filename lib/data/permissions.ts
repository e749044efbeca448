import "server-only";
import { forbidden } from "next/navigation";
import type { Role } from "@/db/schema";

// Permissions are "action:entity:access" strings (epic-stack style). "own" means the
// participant's own record (or, for "account", one's own account), "assigned" the
// caseworker's caseload, "any" everything.
export const PERMISSIONS = {
  participant: [
    "read:participant:own",
    "update:participant:own",
    "create:help_request:own",
    "create:survey_response:own",
    // UU PDP: download one's own data; ask for deletion or withdraw consent.
    "read:data_export:own",
    "create:data_request:own",
    "update:account:own",
  ],
  caseworker: [
    "read:participant:assigned",
    "update:participant:assigned",
    "create:participant:assisted",
    "create:service_log:assigned",
    "update:help_request:assigned",
    "update:account:own",
  ],
  pmo: [
    "read:participant:any",
    "read:dashboard:any",
    "read:audit:any",
    "read:export:any",
    "manage:caseworker:any",
    "update:assignment:any",
    // The automatic assignment rule of self-registration (docs/decisions/020).
    "update:assignment_rule:any",
    "update:target:any",
    "create:import:any",
    "update:help_request:unassigned",
    "read:outbox:any",
    "read:data_request:any",
    "update:data_request:any",
    // The job queue (/pmo/jobs): counts and failed jobs; putting a failed job back.
    "read:jobs:any",
    "update:jobs:any",
    // Regional offices and their coordinators (/pmo/regions, docs/decisions/028).
    "manage:region:any",
    // Partners' API clients (/pmo/api-clients, docs/decisions/031).
    "manage:api_client:any",
    "update:account:own",
  ],
  // A regional coordinator: the PMO's reads and caseworker management, in the provinces
  // of their regions only (lib/data/scope.ts). Each ":region" permission is granted once
  // the data functions behind it scope their queries.
  coordinator: ["read:dashboard:region", "update:account:own"],
} as const satisfies Record<Role, readonly string[]>;

export type Permission = (typeof PERMISSIONS)[Role][number];

export type SessionUser = {
  id: string;
  role: Role;
  name: string;
  locale: "id" | "en";
};

export function can(user: Pick<SessionUser, "role"> | null | undefined, permission: Permission): boolean {
  if (!user) return false;
  return (PERMISSIONS[user.role] as readonly string[]).includes(permission);
}

/** Whether the user holds at least one of the permissions (e.g. a reading everywhere or in their regions). */
export function canAny(user: Pick<SessionUser, "role"> | null | undefined, permissions: readonly Permission[]): boolean {
  return permissions.some((permission) => can(user, permission));
}

/** Reading the dashboard's figures: everywhere (the PMO) or in one's regions (a coordinator). */
export const READ_DASHBOARD = ["read:dashboard:any", "read:dashboard:region"] as const satisfies readonly Permission[];

/** Stops the request with HTTP 403 unless the user holds the permission. */
export function requirePermission(user: Pick<SessionUser, "role"> | null | undefined, permission: Permission): void {
  if (!can(user, permission)) forbidden();
}

export const HOME_BY_ROLE: Record<Role, string> = {
  participant: "/me",
  caseworker: "/caseworker",
  pmo: "/pmo",
  coordinator: "/pmo",
};
