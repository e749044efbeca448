import "server-only";
import type { Tx } from "@/db";
import { auditEvents } from "@/db/schema";
import type { ApiClientActor } from "./api-actor";
import type { SessionUser } from "./permissions";

export type AuditInput = {
  // A signed-in user, a partner system (/api/v1), or null for the system itself (jobs).
  actor: Pick<SessionUser, "id" | "role"> | Pick<ApiClientActor, "kind" | "id"> | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  /**
   * The provinces the event concerns, for regional coordinators' audit log. Leave it out:
   * the database fills it for events on a participant (their province, and a
   * `provinceCode` in before/after) or on a caseworker's account (migration 0021). Given
   * only for events the database cannot place, such as an export of a region's list.
   */
  provinces?: string[] | null;
};

/**
 * Writes one audit event inside the caller's transaction, so the event exists exactly
 * when the change it describes does. Callers pass only the fields that changed, with
 * personal data already masked where the whole value is not needed to reconstruct history.
 */
export async function recordAudit(tx: Tx, event: AuditInput): Promise<void> {
  const actor = event.actor;
  const partner = actor && "kind" in actor ? actor : null;
  const user = actor && !("kind" in actor) ? actor : null;
  await tx.insert(auditEvents).values({
    actorId: user?.id ?? null,
    actorRole: partner ? "api_client" : (user?.role ?? "system"),
    apiClientId: partner?.id ?? null,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId ?? null,
    before: event.before ?? null,
    after: event.after ?? null,
    ...(event.provinces ? { provinceCodes: [...new Set(event.provinces)].sort() } : {}),
  });
}
