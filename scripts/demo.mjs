#!/usr/bin/env node
// `npm run demo`: from a fresh clone to a running app on the embedded database.
// Installs dependencies if missing, migrates and seeds .data/pglite, builds, serves on
// http://localhost:3000 (PORT to change it), with the job worker in the server's process.
// DATABASE_URL, if set, is used instead.
import { spawnSync } from "node:child_process";

// The server runs the job worker in its own process (lib/jobs/in-process.ts), so the
// demo is one command also with DATABASE_URL.
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit", env: { JOBS_IN_PROCESS: "1", ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run("node", ["scripts/ensure-deps.mjs"]);
run("npm", ["run", "db:migrate"]);
run("npm", ["run", "db:seed"]);
run("npm", ["run", "build"]);
const port = process.env.PORT ?? "3000";
console.log(`\nPendamping PMI: http://localhost:${port}  (demo accounts: see README.md; password demo-pendamping-2021)\n`);
run("node", ["server.mjs", "-p", port]);
