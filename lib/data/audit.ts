import "server-only";
import type { Tx } from "@/db";
import { auditEvents } from "@/db/schema";
import type { SessionUser } from "./permissions";

export type AuditInput = {
  actor: Pick<SessionUser, "id" | "role"> | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
};

/**
 * Writes one audit event inside the caller's transaction, so the event exists exactly
 * when the change it describes does. Callers pass only the fields that changed, with
 * personal data already masked where the whole value is not needed to reconstruct history.
 */
export async function recordAudit(tx: Tx, event: AuditInput): Promise<void> {
  await tx.insert(auditEvents).values({
    actorId: event.actor?.id ?? null,
    actorRole: event.actor?.role ?? "system",
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId ?? null,
    before: event.before ?? null,
    after: event.after ?? null,
  });
}
