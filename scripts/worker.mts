// npm run worker
// A worker for the background jobs (lib/jobs/): cohort checks and imports, message
// delivery, the daily deadline reminders, the data-rights deadline check and the nightly
// cleanup, against DATABASE_URL (PostgreSQL). Run as many as the work needs, on any
// machines; each takes any job (docs/architecture.md, "Jobs"). Stops cleanly on SIGTERM
// or SIGINT: takes no new job, waits up to WORKER_STOP_SECONDS (default 25) for the jobs
// in hand, then releases what is still running for another worker, and exits.
//
// With the embedded database (no DATABASE_URL) the web server's own process runs the
// jobs (JOBS_IN_PROCESS, on by default there): only one process may open PGlite.
import { closeDb, dbKind } from "@/db";
import { startWorker } from "@/lib/jobs/worker";
import { safeErrorSummary } from "@/lib/log";
import { installPostgresWriteGuard } from "@/lib/process/postgres-write-guard.mjs";

installPostgresWriteGuard();

if (dbKind !== "postgres") {
  console.error(
    "npm run worker needs DATABASE_URL (PostgreSQL). With the embedded database the app server runs the jobs itself (npm run demo, npm start).",
  );
  process.exit(2);
}

// pg-boss 10 does not await every call it makes (its completion of a fetched batch, for
// one): while the database restarts such a call fails with no one to catch it. Node would
// end the process for it; the worker logs it and goes on, since the job it concerns is
// settled by the worker itself (lib/jobs/worker.ts) or, at worst, run again after expiry.
process.on("unhandledRejection", (error) => {
  console.log(JSON.stringify({ at: new Date().toISOString(), event: "unhandled-rejection", error: safeErrorSummary(error) }));
});

const stopSeconds = Number(process.env.WORKER_STOP_SECONDS ?? 25);
const pollSeconds = process.env.WORKER_POLL_SECONDS ? Number(process.env.WORKER_POLL_SECONDS) : undefined;
const worker = await startWorker({ pollSeconds });

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ at: new Date().toISOString(), event: "signal", signal }));
    worker
      .stop(stopSeconds * 1000)
      .then(() => closeDb())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error("worker stop:", error instanceof Error ? error.message : error);
          process.exit(1);
        },
      );
  });
}
