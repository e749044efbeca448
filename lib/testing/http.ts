import { STAMPED } from "@/lib/http/forwarded.mjs";

/**
 * Request headers as server.mjs hands them on for a client at `address` (and marks the
 * process as served by it), for tests and scripts that call what a request would.
 */
export function servedHeaders(address: string, extra: Record<string, string> = {}): Headers {
  (globalThis as Record<symbol, unknown>)[STAMPED] = true;
  return new Headers({ "x-forwarded-for": address, "x-forwarded-proto": "http", ...extra });
}
