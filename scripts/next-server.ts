// The production server (server.mjs) on a free loopback port, for the scripts that measure the built
// app (js-budget, the registration benchmark). Needs `npm run build` first.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export type NextServer = {
  baseURL: string;
  /** The server process (its pid, for CPU readings). */
  process: ChildProcess;
  /** What the server printed so far. */
  log(): string;
  stop(): Promise<void>;
};

export const hasProductionBuild = (root = process.cwd()) => existsSync(join(root, ".next", "BUILD_ID"));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseURL: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with code ${server.exitCode}`);
    try {
      const response = await fetch(`${baseURL}/api/health`);
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`/api/health did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`);
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-server.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      resolve();
    }, 10_000);
    server.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      // The server runs in its own process group, so this reaches any workers it forked.
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/**
 * Starts the build in .next/ with `env` (on top of this process's) and waits for
 * /api/health. `nodeArgs` go to node before next's own (`--cpu-prof`, say).
 */
export async function startNextServer(
  env: Record<string, string | undefined> = {},
  { root = process.cwd(), nodeArgs = [] }: { root?: string; nodeArgs?: string[] } = {},
): Promise<NextServer> {
  if (!hasProductionBuild(root)) throw new Error("No production build found in .next/ — run `npm run build` first.");
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [...nodeArgs, join(root, "server.mjs"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      AUTH_TRUST_HOST: "true",
      AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
      ...env,
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout?.on("data", (chunk) => (output += chunk));
  server.stderr?.on("data", (chunk) => (output += chunk));
  const stop = () => stopServer(server);
  try {
    await waitForHealth(baseURL, server, 90_000);
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : error}\n--- next start output ---\n${output.trim()}`);
  }
  return { baseURL, process: server, log: () => output, stop };
}
