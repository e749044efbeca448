import "server-only";
import type { ApiScope } from "@/db/schema";

/**
 * A partner system acting through /api/v1: who it is and what it may do, read from its
 * key's row on every request (lib/data functions take it as they take a SessionUser).
 * `provinces` is its scope: null for every province, else the provinces of its region
 * (possibly none, which means nothing: see lib/data/scope.ts).
 */
export type ApiClientActor = {
  kind: "api_client";
  id: string;
  name: string;
  scopes: readonly ApiScope[];
  provinces: string[] | null;
};

export function hasApiScope(actor: ApiClientActor, scope: ApiScope): boolean {
  return actor.scopes.includes(scope);
}
