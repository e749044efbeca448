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
  coordinator: [
    "read:dashboard:region",
    // The caseworkers of their provinces: list, create, disable, enable, new codes, and
    // assignment among them; the help queue of their unassigned participants
    // (docs/decisions/030).
    "manage:caseworker:region",
    "update:assignment:region",
    "update:help_request:region",
    // The participant list, read-only case files (NIK masked), the export (masked; whole
    // NIKs only with a stated purpose), the audit log of their participants
    // (docs/decisions/029-coordinator-reads.md).
    "read:participant:region",
    "read:export:region",
    "read:audit:region",
    "update:account:own",
  ],
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

/** Managing caseworker accounts: everywhere (the PMO) or in one's regions (a coordinator). */
export const MANAGE_CASEWORKERS = ["manage:caseworker:any", "manage:caseworker:region"] as const satisfies readonly Permission[];

/** Assigning participants to caseworkers: everywhere or in one's regions. */
export const ASSIGN = ["update:assignment:any", "update:assignment:region"] as const satisfies readonly Permission[];

/** The help queue of participants without a caseworker: all of it, or one's regions' part. */
export const ANSWER_HELP_QUEUE = ["update:help_request:unassigned", "update:help_request:region"] as const satisfies readonly Permission[];
/** Reading participants (the list, case files): everywhere (the PMO) or in one's regions (a coordinator). */
export const READ_PARTICIPANTS = ["read:participant:any", "read:participant:region"] as const satisfies readonly Permission[];

/** Exporting the participant list: everywhere or in one's regions. */
export const READ_EXPORT = ["read:export:any", "read:export:region"] as const satisfies readonly Permission[];

/** Reading the audit log: all of it, or the events on one's regions' participants. */
export const READ_AUDIT = ["read:audit:any", "read:audit:region"] as const satisfies readonly Permission[];

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
