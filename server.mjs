#!/usr/bin/env node
// The app's HTTP server: Next's request handler behind a plain Node server, so that the
// client's address is decided from the socket, in one place, before Next sees the
// request (Next itself keeps a client's own X-Forwarded-For). `npm start` runs it on a
// build; `npm run dev` with --dev. Next's `next start` still serves the pages, but then
// the app knows no client address (see lib/http/client.ts).
//
//   PORT (3000), HOSTNAME (0.0.0.0), TRUSTED_PROXY_HOPS (0: see lib/http/forwarded.mjs)
//   node server.mjs [--dev] [-p PORT] [-H HOSTNAME]
import { createServer } from "node:http";
import next from "next";
import { STAMPED, stampRequest, trustedProxyHops } from "./lib/http/forwarded.mjs";
import { installPostgresWriteGuard } from "./lib/process/postgres-write-guard.mjs";

installPostgresWriteGuard();

const args = process.argv.slice(2);
const option = (short, long) => {
  const i = args.findIndex((a) => a === short || a === long);
  return i === -1 ? undefined : args[i + 1];
};
const dev = args.includes("--dev");
const port = Number(option("-p", "--port") ?? process.env.PORT ?? 3000);
const hostname = option("-H", "--hostname") ?? process.env.HOSTNAME ?? "0.0.0.0";
const hops = trustedProxyHops(process.env.TRUSTED_PROXY_HOPS);
if (!dev) process.env.NODE_ENV ??= "production";

globalThis[STAMPED] = true;
const app = next({ dev, hostname, port, dir: import.meta.dirname });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  stampRequest(req, hops);
  handle(req, res);
});
const upgrade = app.getUpgradeHandler();
server.on("upgrade", (req, socket, head) => {
  stampRequest(req, hops);
  upgrade(req, socket, head);
});
server.listen(port, hostname, () => {
  console.log(`Pendamping PMI on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port} (${dev ? "development" : "production"}; trusted proxy hops: ${hops})`);
});

// SIGTERM/SIGINT: stop taking connections, let the requests in hand finish, and stop the
// in-process job worker (lib/jobs/in-process.ts), which finishes its jobs in hand or
// releases them for a later run; 15 s at most in all.
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing the requests in hand`);
    const timer = setTimeout(() => process.exit(0), 15_000);
    timer.unref();
    const requests = new Promise((resolve) => server.close(() => app.close().finally(resolve)));
    server.closeIdleConnections();
    const jobs = Promise.resolve(globalThis[Symbol.for("pendamping.inProcessWorker")])
      .then((worker) => worker?.stop(10_000))
      .catch((error) => console.error("job worker stop:", error?.message ?? error));
    Promise.all([requests, jobs]).finally(() => process.exit(0));
  });
}
