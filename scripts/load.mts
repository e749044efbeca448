// npm run load -- [--users 50] [--seconds 60] [--base http://127.0.0.1:3000]
//                 [--accounts a@x,b@x] [--password …]
// Simulated caseworkers on loopback against a running production server (demo data by
// default: the two demo caseworkers); what each one does is in scripts/load-lib.mts.
// Prints one JSON line per operation with counts, requests per second and latency
// percentiles, and a summary; with DATABASE_URL set it then checks that every service log
// that got a success answer is in the database. Exit code 1 on any error or missing log.
// `npm run load:check` (scripts/load-check.mts) does the whole thing by itself: fresh
// database, server, plain run, and a run with PostgreSQL restarted in the middle.
import { parseArgs } from "node:util";
import { countLogged, runLoad, summarize } from "./load-lib.mjs";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "50" },
    seconds: { type: "string", default: "60" },
    base: { type: "string", default: process.env.BASE_URL ?? "http://127.0.0.1:3000" },
    accounts: { type: "string", default: "pendamping1@pendamping.test,pendamping2@pendamping.test" },
    password: { type: "string", default: "demo-pendamping-2021" },
  },
});
const users = Number(values.users);
const seconds = Number(values.seconds);

const result = await runLoad({
  base: values.base!,
  users,
  seconds,
  accounts: values.accounts!.split(",").map((a) => a.trim()).filter(Boolean),
  password: values.password!,
});
const elapsed = (result.endedAt - result.startedAt) / 1000;
let failed = 0;
for (const row of summarize(result.samples, elapsed)) {
  failed += row.failed;
  console.log(JSON.stringify(row));
}
const logged = process.env.DATABASE_URL && result.acknowledged.length ? await countLogged(process.env.DATABASE_URL, result.acknowledged) : null;
console.log(
  JSON.stringify({
    summary: true,
    users,
    seconds,
    requests: result.samples.length,
    rps: Number((result.samples.length / elapsed).toFixed(1)),
    errors: failed,
    servicesLogged: result.acknowledged.length,
    missingFromDatabase: logged?.missing ?? null,
  }),
);
process.exitCode = failed > 0 || (logged?.missing ?? 0) > 0 ? 1 : 0;
