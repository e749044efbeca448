// npm run load -- [--users 50] [--seconds 60] [--base http://127.0.0.1:3000]
// Simulated caseworkers on loopback against a running production server (demo data):
// each signs in, then loops reading the caseload, opening a case file and logging a
// service through the plain HTML form (the no-JavaScript path, as a cheap phone would).
// Prints one JSON line per operation with counts and latency percentiles, and a summary
// with the ids of every service log that got a success answer; with DATABASE_URL set it
// then checks that each of them is in the database.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "50" },
    seconds: { type: "string", default: "60" },
    base: { type: "string", default: process.env.BASE_URL ?? "http://127.0.0.1:3000" },
  },
});
const USERS = Number(values.users);
const SECONDS = Number(values.seconds);
const BASE = values.base!.replace(/\/$/, "");
const ACCOUNTS = ["pendamping1@pendamping.test", "pendamping2@pendamping.test"];
const PASSWORD = "demo-pendamping-2021";

type Stat = { ok: number; failed: number; times: number[]; errors: Record<string, number> };
const stats: Record<string, Stat> = {};
const stat = (name: string) => (stats[name] ??= { ok: 0, failed: 0, times: [], errors: {} });
const loggedSubmissions: string[] = [];

class Session {
  cookies = new Map<string, string>();
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  keep(response: Response) {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  async fetch(path: string, init: RequestInit = {}) {
    const response = await fetch(BASE + path, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: this.header(), origin: BASE },
    });
    this.keep(response);
    return response;
  }
}

async function timed<T>(name: string, fn: () => Promise<T>, ok: (value: T) => boolean): Promise<T | null> {
  const start = performance.now();
  try {
    const value = await fn();
    const s = stat(name);
    s.times.push(performance.now() - start);
    if (ok(value)) s.ok++;
    else {
      s.failed++;
      const key = value instanceof Response ? `HTTP ${value.status}` : "unexpected answer";
      s.errors[key] = (s.errors[key] ?? 0) + 1;
    }
    return value;
  } catch (error) {
    const s = stat(name);
    s.failed++;
    const key = (error as Error).message.slice(0, 80);
    s.errors[key] = (s.errors[key] ?? 0) + 1;
    return null;
  }
}

async function signIn(session: Session, email: string): Promise<boolean> {
  const csrf = await session.fetch("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const body = new URLSearchParams({ identifier: email, password: PASSWORD, csrfToken, callbackUrl: `${BASE}/caseworker` });
  const response = await session.fetch("/api/auth/callback/credentials", {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  await response.arrayBuffer();
  return response.status === 302 && [...session.cookies.keys()].some((k) => k.includes("session-token"));
}

/** The hidden and default fields of the case file's log form, as the browser would post them. */
function logFormFields(html: string): Record<string, string> | null {
  const start = html.indexOf('id="log"');
  if (start < 0) return null;
  const form = html.slice(start, html.indexOf("</form>", start));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? "";
    if (name) fields[name] = value.replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  }
  return fields.participantId ? fields : null;
}

async function user(index: number, until: number) {
  const session = new Session();
  const email = ACCOUNTS[index % ACCOUNTS.length];
  const signedIn = await timed("sign in", () => signIn(session, email), Boolean);
  if (!signedIn) return;
  while (Date.now() < until) {
    const caseload = await timed("caseload", () => session.fetch("/caseworker"), (r) => r.status === 200);
    if (!caseload) continue;
    const html = await caseload.text();
    const ids = [...html.matchAll(/href="\/caseworker\/participants\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    if (ids.length === 0) continue;
    const id = ids[Math.floor(Math.random() * ids.length)];
    const file = await timed("case file", () => session.fetch(`/caseworker/participants/${id}`), (r) => r.status === 200);
    if (!file) continue;
    const fields = logFormFields(await file.text());
    if (!fields) continue;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta" }).format(new Date());
    const form = new FormData();
    for (const [k, v] of Object.entries({
      ...fields,
      serviceCode: "email_verified",
      occurredOn: today,
      channel: "whatsapp",
      outcome: "done",
      notes: `load test ${index}`,
    })) form.append(k, v);
    const posted = await timed("log a service", () => session.fetch(`/caseworker/participants/${id}`, { method: "POST", body: form }), (r) => r.status === 200 || r.status === 303);
    if (posted) {
      const text = await posted.text();
      // The answer re-renders the page with the form's state: "saved" is a status message.
      if (posted.status === 303 || /role="status"[^>]*>(Tersimpan|Saved)/.test(text)) loggedSubmissions.push(fields.submissionId);
    }
  }
}

const until = Date.now() + SECONDS * 1000;
await Promise.all(Array.from({ length: USERS }, (_, i) => user(i, until)));

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Number(s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1)) : null;
};
let failed = 0;
for (const [name, s] of Object.entries(stats)) {
  failed += s.failed;
  console.log(JSON.stringify({ operation: name, ok: s.ok, failed: s.failed, p50_ms: pct(s.times, 0.5), p95_ms: pct(s.times, 0.95), p99_ms: pct(s.times, 0.99), errors: s.errors }));
}
let missing: number | null = null;
if (process.env.DATABASE_URL && loggedSubmissions.length) {
  const { default: postgres } = await import("postgres");
  const sql = postgres(process.env.DATABASE_URL, { max: 1 });
  const rows = await sql`select submission_id::text as id from service_logs where submission_id = any(${loggedSubmissions}::uuid[])`;
  missing = loggedSubmissions.length - rows.length;
  await sql.end();
}
console.log(JSON.stringify({ summary: true, users: USERS, seconds: SECONDS, errors: failed, servicesLogged: loggedSubmissions.length, missingFromDatabase: missing }));
process.exitCode = failed > 0 || (missing ?? 0) > 0 ? 1 : 0;
