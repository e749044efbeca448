// postgres.js 3.4 schedules a small write with setImmediate; when the connection closes
// before it runs (PostgreSQL restarting, a proxy dropping the socket), the callback writes
// to a socket that is already null and throws where nobody can catch it, ending the
// process: porsager/postgres#1154 and #1208, fixes proposed in #1168, #1176 and #1209, not
// released. By then the connection's queries have been rejected with CONNECTION_CLOSED
// (the pool's callers see a normal, catchable error and the pool reconnects), so the lost
// write is moot. This guard recognises exactly that exception and logs it; anything else
// uncaught ends the process as Node would (printed, exit code 1).
//
// Installed by server.mjs, the worker (scripts/worker.mts) and the fault run's driver
// (scripts/load-jobs.mts). Remove it once postgres.js ships the fix.

/** Whether an error is the null-socket write of postgres.js's nextWrite. */
export function isPostgresNullSocketWrite(error) {
  if (!(error instanceof TypeError)) return false;
  const stack = String(error.stack ?? "");
  return /reading 'write'|evaluating 'socket\.write'/.test(error.message) && /nextWrite/.test(stack) && /postgres[\\/]src[\\/]connection\.js/.test(stack);
}

let installed = false;

export function installPostgresWriteGuard(log = (line) => console.log(line)) {
  if (installed) return;
  installed = true;
  process.on("uncaughtException", (error, origin) => {
    if (isPostgresNullSocketWrite(error)) {
      log(JSON.stringify({ at: new Date().toISOString(), event: "postgres-null-socket-write", note: "porsager/postgres#1154: write after close skipped" }));
      return;
    }
    console.error(origin === "unhandledRejection" ? "Unhandled rejection:" : "Uncaught exception:", error);
    process.exit(1);
  });
}
