// Worker processes for tests: started with the test's database, killed or stopped.
import { spawn, type ChildProcess } from "node:child_process";

export type WorkerProcess = {
  name: string;
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const root = process.cwd();

/** A worker process on the test's PostgreSQL database (DATABASE_URL), polling every 0.5 s. */
export function spawnWorker(name: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(
    process.execPath,
    // One process (tsx as a loader, not its CLI, which would run the script in a child that
    // a SIGKILL of the parent leaves running).
    ["--import", "tsx", "--import", "./scripts/register-server-only.mjs", "lib/testing/worker-process.mts"],
    {
      cwd: root,
      env: { ...process.env, WORKER_NAME: name, JOBS_MAINTENANCE_SECONDS: "1", WORKER_POLL_SECONDS: "0.5", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    let at: number;
    while ((at = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ text: line });
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => lines.push({ stderr: chunk.toString() }));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { name, child, lines, exited };
}

/** Waits until the worker has logged that it started (its engine polls from then on). */
export async function started(worker: WorkerProcess, timeoutMs = 30_000): Promise<void> {
  await until(() => worker.lines.some((l) => l.event === "worker-started"), timeoutMs, `${worker.name} did not start: ${JSON.stringify(worker.lines.slice(-5))}`);
}

/** Polls a condition every 50 ms until it holds; throws after timeoutMs. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
