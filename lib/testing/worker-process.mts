// A worker process for tests (lib/jobs/workers.test.ts): the app's own worker, with every
// job kind, plus a test kind "test-echo" whose jobs write a record of each run (which
// worker, when it started and ended) to test_job_runs, made by the test. Logs one JSON
// line per event on stdout; stops cleanly on SIGTERM, like scripts/worker.mts.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { closeDb, db } from "@/db";
import { startWorker, type ExtraKind } from "@/lib/jobs/worker";

const name = process.env.WORKER_NAME ?? String(process.pid);
const echo = {
  queue: "test-echo",
  payload: z.object({ n: z.number(), sleepMs: z.number().default(0) }),
  concurrency: Number(process.env.ECHO_CONCURRENCY ?? 1),
  batchSize: Number(process.env.ECHO_BATCH ?? 1),
  handle: async ({ n, sleepMs }: { n: number; sleepMs: number }, job: { id: string }) => {
    const started = new Date();
    if (sleepMs) await new Promise((resolve) => setTimeout(resolve, sleepMs));
    await db.execute(sql`insert into test_job_runs (job_id, n, worker, started_at, finished_at)
                         values (${job.id}, ${n}, ${name}, ${started.toISOString()}::timestamptz, clock_timestamp())`);
    return { n };
  },
} as unknown as ExtraKind;

const worker = await startWorker({
  pollSeconds: Number(process.env.WORKER_POLL_SECONDS ?? 0.5),
  extra: process.env.ECHO === "1" ? [echo] : [],
  log: (line) => console.log(JSON.stringify({ worker: name, at: new Date().toISOString(), ...line })),
});
process.on("unhandledRejection", (error) => console.log(JSON.stringify({ worker: name, event: "unhandled-rejection", error: String(error) })));
process.on("SIGTERM", () => {
  void worker
    .stop(10_000)
    .then(() => closeDb())
    .finally(() => process.exit(0));
});
