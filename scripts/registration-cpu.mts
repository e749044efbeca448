// `npm run bench:registration-cpu -- [N]`: where one registration's CPU goes, one call at a
// time, against the database at DATABASE_URL (the scale database; it needs DATA_KEYS and
// DATA_HASH_KEY like bench). For each phase: wall time, this process's CPU by thread
// (main = the event loop, the V8 helpers' GC and compiling, libuv's pool = argon2), and
// the CPU of every local postgres process (Linux /proc; PostgreSQL must be on this
// machine and otherwise idle). Phases: hash (argon2 alone), register (registerSelf),
// register+signin (the action's work without Next), parse only, select 1.
// PHASE=register|signin runs one. The rows it adds are deleted again at the end (as bench
// does: a superuser is needed).
import { performance } from "node:perf_hooks";
import { postgresCpuMs, threadCpuMs } from "./scale/cpu";
import { benchPerson } from "./scale/registration-http";
import { removeGone } from "./scale/remove";
import postgres from "postgres";
import { servedHeaders } from "@/lib/testing/http";

const { hashPassword } = await import("@/lib/auth/password");
const { registerSelf } = await import("@/lib/data/participants");
const { selfRegistrationSchema } = await import("@/lib/validation/registration");
const { normalizePhone } = await import("@/lib/validation");
const { db } = await import("@/db");
const { sql } = await import("drizzle-orm");

let serial = Math.floor(Math.random() * 50_000_000); // far from earlier runs: their rows stay
const phones: string[] = [];
const person = () => {
  const p = benchPerson(serial++, 80_000_000);
  const phone = normalizePhone(p.phone);
  if (phone.ok) phones.push(phone.e164);
  return p;
};
const cleanup = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
const [{ max: auditBefore }] = await cleanup<{ max: string | null }[]>`select max(id)::text as max from audit_events`;
async function measure(name: string, n: number, one: () => Promise<void>) {
  for (let i = 0; i < 10; i++) await one();
  const th0 = threadCpuMs();
  const c0 = process.cpuUsage(), p0 = postgresCpuMs(), t0 = performance.now();
  for (let i = 0; i < n; i++) await one();
  const c = process.cpuUsage(c0), p = postgresCpuMs() - p0, t = performance.now() - t0;
  const th = [...threadCpuMs()].map(([k, v]) => [k, +((v - (th0.get(k) ?? 0)) / n).toFixed(2)] as const).filter(([, v]) => v > 0.05);
  const main = th.find(([k]) => k.endsWith(`#${process.pid}`))?.[1] ?? 0;
  console.log(JSON.stringify({ name, n, wall_ms: +(t / n).toFixed(2), node_cpu_ms: +((c.user + c.system) / 1000 / n).toFixed(2), pg_cpu_ms: +(p / n).toFixed(2), main_thread_ms: main, other_threads_ms: Object.fromEntries(th.filter(([k]) => !k.endsWith(`#${process.pid}`))) }));
}
const N = Number(process.argv[2] ?? 200);
const ONLY = process.env.PHASE;
if (!ONLY) await measure("hash", N, async () => { await hashPassword("bench-password-2021"); });
if (!ONLY || ONLY === "register") await measure("register", N, async () => {
  const parsed = selfRegistrationSchema().parse(person());
  const r = await registerSelf(parsed);
  if (!r.ok) throw new Error(JSON.stringify(r));
});
const { credentialsSignIn } = await import("@/lib/auth/credentials");
if (!ONLY || ONLY === "signin") await measure("register+signin", N, async () => {
  const parsed = selfRegistrationSchema().parse(person());
  const r = await registerSelf(parsed);
  if (!r.ok || !r.signInTicket) throw new Error(JSON.stringify(r));
  const s = await credentialsSignIn({ identifier: parsed.phone, ticket: r.signInTicket }, servedHeaders("192.0.2.1"));
  if (s?.status !== "ok") throw new Error(String(s?.status));
});
if (!ONLY) await measure("parse only", N, async () => { selfRegistrationSchema().parse(person()); });
if (!ONLY) await measure("select 1", N, async () => { await db.execute(sql`select 1`); });
await cleanup.begin(async (tx) => {
  await tx`create temp table gone on commit drop as
           select p.id, p.user_id from participants p join users u on u.id = p.user_id where u.phone = any(${phones})`;
  await removeGone(tx, auditBefore);
});
await cleanup.end();
process.exit(0);
