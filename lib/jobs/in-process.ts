import "server-only";
import { dbKind } from "@/db";
import { startWorker, type Worker } from "./worker";

// The worker inside the web server's process. With the embedded database it must be
// here (only one process may open PGlite), so it is on by default there; with PostgreSQL
// it is off by default (run `npm run worker` processes), and JOBS_IN_PROCESS=1 turns it
// on (`npm run demo` does, for one command). Only the app's own server (server.mjs)
// starts it, never a build. server.mjs stops it on SIGTERM, before the database closes.

const STARTED = Symbol.for("pendamping.inProcessWorker");
const SERVED_BY_APP_SERVER = Symbol.for("pendamping.forwardedHeadersStamped");

type Global = typeof globalThis & { [STARTED]?: Promise<Worker | null>; [SERVED_BY_APP_SERVER]?: boolean };

export function jobsInProcess(): boolean {
  const set = process.env.JOBS_IN_PROCESS;
  if (set === "1" || set === "true") return true;
  if (set === "0" || set === "false") return false;
  return dbKind === "pglite";
}

export async function startInProcessWorker(): Promise<Worker | null> {
  const g = globalThis as Global;
  if (!g[SERVED_BY_APP_SERVER] || !jobsInProcess()) return null;
  g[STARTED] ??= startWorker().catch((error: unknown) => {
    console.error("in-process job worker did not start:", error instanceof Error ? error.message : error);
    return null;
  });
  return g[STARTED];
}
