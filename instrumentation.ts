/**
 * Runs once when a server instance starts (Next.js instrumentation). On Node.js it puts
 * the log scrubber on the console, so that no error the framework logs by itself carries
 * a query's parameters (personal data) into the server log; and, when JOBS_IN_PROCESS is
 * on, starts a job worker in this process (lib/jobs/in-process.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installLogScrubber } = await import("@/lib/log");
  installLogScrubber(console);
  const { startInProcessWorker } = await import("@/lib/jobs/in-process");
  await startInProcessWorker();
}
