// `npm run bench:registration-cpu -- [N]`: where one registration's CPU goes, one call at a
// time, against the database at DATABASE_URL (the scale database; it needs DATA_KEYS and
// DATA_HASH_KEY like bench). For each phase: wall time, this process's CPU by thread
// (main = the event loop, the V8 helpers' GC and compiling, libuv's pool = argon2), and
// the CPU of every local postgres process (Linux /proc; PostgreSQL must be on this
// machine and otherwise idle). Phases: hash (argon2 alone), register (registerSelf),
// register+signin (what /register does), parse only, select 1. PHASE=register|signin|fn
// runs one. The rows it adds stay (district 99, phones +62813 8…): use a scratch database.
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const { hashPassword } = await import("@/lib/auth/password");
const { registerSelf } = await import("@/lib/data/participants");
const { selfRegistrationSchema } = await import("@/lib/validation/registration");
const { db } = await import("@/db");
const { sql } = await import("drizzle-orm");

const TICK = 100; // clock ticks per second
function pgCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      if (!comm.startsWith("postgres")) continue;
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      total += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return (total / TICK) * 1000;
}
let serial = Math.floor(Math.random() * 50_000_000); // far from earlier runs: their rows stay
const person = () => {
  const k = serial++;
  const day = 1 + (k % 28), month = 1 + (Math.floor(k / 28) % 12), year = 1980 + (Math.floor(k / 336) % 20);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return {
    fullName: "Bench Registrasi", nik: `350799${pad(day + 40)}${pad(month)}${String(year).slice(2)}${pad(1 + (Math.floor(k / 6720) % 9999), 4)}`,
    kk: `350799${pad(k % 1_000_000, 6)}${pad(1 + (k % 9998), 4)}`, birthDate: `${year}-${pad(month)}-${pad(day)}`, sex: "P",
    phone: `0813${pad(80_000_000 + (k % 10_000_000), 8)}`, email: "", password: "Rahasia-bench-2021", provinceCode: "35", regencyCode: "3507",
    address: "Jl. Merdeka No. 1, RT 001/RW 002", migrantStatus: "calon", countryCode: "MY", sector: "Pabrik", returnDate: "", consent: "on",
    submissionId: crypto.randomUUID(),
  };
};
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const raw = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const comm = raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"));
      const f = raw.split(") ")[1].split(" ");
      out.set(`${comm}#${tid}`, ((Number(f[11]) + Number(f[12])) / TICK) * 1000);
    } catch {}
  }
  return out;
}
async function measure(name: string, n: number, one: () => Promise<void>) {
  for (let i = 0; i < 10; i++) await one();
  const th0 = threadCpu();
  const c0 = process.cpuUsage(), p0 = pgCpuMs(), t0 = performance.now();
  for (let i = 0; i < n; i++) await one();
  const c = process.cpuUsage(c0), p = pgCpuMs() - p0, t = performance.now() - t0;
  const th = [...threadCpu()].map(([k, v]) => [k, +((v - (th0.get(k) ?? 0)) / n).toFixed(2)] as const).filter(([, v]) => v > 0.05);
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
const { issueSignInTicket } = await import("@/lib/data/users");
const { credentialsSignIn } = await import("@/lib/auth/credentials");
if (!ONLY || ONLY === "signin") await measure("register+signin", N, async () => {
  const parsed = selfRegistrationSchema().parse(person());
  const r = await registerSelf(parsed);
  if (!r.ok) throw new Error(JSON.stringify(r));
  const ticket = await issueSignInTicket(r.userId);
  const s = await credentialsSignIn({ identifier: parsed.phone, ticket }, new Headers({ "x-forwarded-for": "192.0.2.1" }));
  if (s?.status !== "ok") throw new Error(String(s?.status));
});
if (!ONLY) await measure("parse only", N, async () => { selfRegistrationSchema().parse(person()); });
if (!ONLY) await measure("select 1", N, async () => { await db.execute(sql`select 1`); });
process.exit(0);
