// The simulated caseworkers shared by `npm run load` (scripts/load.mts) and the load and
// fault check (scripts/load-check.mts). Each user signs in, then loops: read the caseload,
// open a case file, log a service through the plain HTML form (the no-JavaScript path, as
// a cheap phone would post it). Every 10 to 20 seconds (by default) the user signs in
// again with a fresh cookie jar (another device), so sign-ins are measured all through the
// run, not only in the first second. Only correct passwords are ever sent: the sign-in throttle counts
// failures, so a load run never locks an account or the loopback address.
//
// A request that fails (an error answer, a refused connection, a timeout) is counted and
// the user waits a moment before trying again, as a person would; a service log counts
// as acknowledged only when the answer says it was saved.

export type Sample = { op: string; start: number; ms: number; ok: boolean; error?: string };

export type LoadOptions = {
  base: string;
  users: number;
  seconds: number;
  /** Caseworker accounts; user i signs in as accounts[i % accounts.length]. */
  accounts: string[];
  password: string;
  /** A fresh sign-in once a session is this old, plus up to as much again at random (default 10 s). */
  reloginSeconds?: number;
  /** Per-request limit (default 30 s), so a run is bounded in time. */
  requestTimeoutMs?: number;
};

export type LoadResult = {
  startedAt: number;
  endedAt: number;
  samples: Sample[];
  /** submissionId of every service log whose answer said "saved". */
  acknowledged: string[];
};

export const OPERATIONS = ["sign in", "caseload", "case file", "log a service"] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Session {
  cookies = new Map<string, string>();
  constructor(
    private base: string,
    private timeoutMs: number,
  ) {}
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
    const response = await fetch(this.base + path, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { ...(init.headers as Record<string, string>), cookie: this.header(), origin: this.base },
    });
    this.keep(response);
    return response;
  }
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

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = options.base.replace(/\/$/, "");
  const reloginMs = (options.reloginSeconds ?? 10) * 1000;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const samples: Sample[] = [];
  const acknowledged: string[] = [];
  const startedAt = Date.now();
  const until = startedAt + options.seconds * 1000;

  const describe = (error: unknown) => {
    const e = error as Error & { cause?: { code?: string } };
    return e.name === "TimeoutError" ? "timeout" : (e.cause?.code ?? e.message).slice(0, 80);
  };

  /**
   * Runs one request and records one sample; `check` reads the answer (body included) and
   * returns null when it is the expected one, or the reason it is not. The time covers the
   * whole body. Returns what `read` makes of the body, or null on failure.
   */
  async function timed<T>(
    op: string,
    fn: () => Promise<Response>,
    check: (r: Response, body: string) => string | null,
    read: (body: string) => T,
  ): Promise<{ ok: true; value: T } | { ok: false; problem: string }> {
    const start = Date.now();
    try {
      const response = await fn();
      const body = await response.text();
      const problem = check(response, body);
      samples.push({ op, start, ms: Date.now() - start, ok: !problem, ...(problem ? { error: problem } : {}) });
      return problem ? { ok: false, problem } : { ok: true, value: read(body) };
    } catch (error) {
      const problem = describe(error);
      samples.push({ op, start, ms: Date.now() - start, ok: false, error: problem });
      return { ok: false, problem };
    }
  }

  const status = (r: Response, ...wanted: number[]) => {
    if (wanted.includes(r.status)) return null;
    const to = r.headers.get("location") ?? "";
    return to.includes("/login") ? "sent to /login" : `HTTP ${r.status}`;
  };

  /** Auth.js's CSRF token, then the credentials callback (what the sign-in form does): one sample. */
  async function signIn(email: string): Promise<Session | null> {
    const session = new Session(base, timeoutMs);
    const signedIn = await timed(
      "sign in",
      async () => {
        const csrf = await session.fetch("/api/auth/csrf");
        if (csrf.status !== 200) return csrf;
        const { csrfToken } = (await csrf.json()) as { csrfToken: string };
        const body = new URLSearchParams({ identifier: email, password: options.password, csrfToken, callbackUrl: `${base}/caseworker` });
        return session.fetch("/api/auth/callback/credentials", {
          method: "POST",
          body,
          headers: { "content-type": "application/x-www-form-urlencoded" },
        });
      },
      (r) => {
        if (r.status !== 302) return `HTTP ${r.status}`;
        const to = r.headers.get("location") ?? "";
        if (to.includes("error=")) return `refused (${new URL(to, base).searchParams.get("error")})`;
        return [...session.cookies.keys()].some((k) => k.includes("session-token")) ? null : "no session cookie";
      },
      () => session,
    );
    return signedIn.ok ? signedIn.value : null;
  }

  async function user(index: number) {
    const email = options.accounts[index % options.accounts.length];
    // Users arrive over the first couple of seconds rather than in one instant.
    await sleep(Math.min(index * 40, 2000));
    let session: Session | null = null;
    let renewAt = 0;
    const pause = () => sleep(250 + Math.random() * 250);
    while (Date.now() < until) {
      if (!session || Date.now() >= renewAt) {
        session = await signIn(email);
        renewAt = Date.now() + reloginMs * (1 + Math.random());
        if (!session) {
          await pause();
          continue;
        }
      }
      const s: Session = session;
      const caseload = await timed(
        "caseload",
        () => s.fetch("/caseworker"),
        (r) => status(r, 200),
        (html) => [...html.matchAll(/href="\/caseworker\/participants\/([0-9a-f-]{36})"/g)].map((m) => m[1]),
      );
      if (!caseload.ok) {
        if (caseload.problem === "sent to /login") session = null;
        await pause();
        continue;
      }
      const ids = caseload.value;
      if (ids.length === 0) {
        // The load needs assigned participants; this is a set-up mistake, counted as a failure.
        samples.push({ op: "caseload", start: Date.now(), ms: 0, ok: false, error: "empty caseload" });
        await pause();
        continue;
      }
      const id = ids[Math.floor(Math.random() * ids.length)];
      const file = await timed(
        "case file",
        () => s.fetch(`/caseworker/participants/${id}`),
        (r, html) => status(r, 200) ?? (logFormFields(html) ? null : "no service log form"),
        (html) => logFormFields(html)!,
      );
      if (!file.ok) {
        await pause();
        continue;
      }
      const fields = file.value;
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
      const posted = await timed(
        "log a service",
        () => s.fetch(`/caseworker/participants/${id}`, { method: "POST", body: form }),
        // The answer re-renders the page with the form's state: "saved" is a status message.
        (r, html) => status(r, 200) ?? (/role="status"[^>]*>(Tersimpan|Saved)/.test(html) ? null : "not saved"),
        () => true,
      );
      if (posted.ok) acknowledged.push(fields.submissionId);
      else await pause();
    }
  }

  await Promise.all(Array.from({ length: options.users }, (_, i) => user(i)));
  return { startedAt, endedAt: Date.now(), samples, acknowledged };
}

export function percentile(sorted: number[], q: number): number | null {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
}

export type OperationSummary = {
  operation: string;
  requests: number;
  ok: number;
  failed: number;
  rps: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  errors: Record<string, number>;
};

/** Per operation: counts, requests per second over the run, latency percentiles (all requests, ok or not). */
export function summarize(samples: Sample[], seconds: number): OperationSummary[] {
  const names = [...new Set([...OPERATIONS, ...samples.map((s) => s.op)])];
  return names.map((operation) => {
    const mine = samples.filter((s) => s.op === operation);
    const times = mine.map((s) => s.ms).sort((a, b) => a - b);
    const errors: Record<string, number> = {};
    for (const s of mine) if (!s.ok) errors[s.error ?? "?"] = (errors[s.error ?? "?"] ?? 0) + 1;
    const ok = mine.filter((s) => s.ok).length;
    return {
      operation,
      requests: mine.length,
      ok,
      failed: mine.length - ok,
      rps: Number((mine.length / seconds).toFixed(1)),
      p50_ms: percentile(times, 0.5),
      p95_ms: percentile(times, 0.95),
      p99_ms: percentile(times, 0.99),
      max_ms: times.at(-1) ?? null,
      errors,
    };
  });
}

/** How many of the acknowledged service logs are in the database (by submission id). */
export async function countLogged(databaseUrl: string, submissionIds: string[]): Promise<{ acknowledged: number; found: number; missing: number }> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const unique = [...new Set(submissionIds)];
    const [row] = await sql<{ n: number }[]>`
      select count(distinct submission_id)::int as n from service_logs where submission_id = any(${unique}::uuid[])`;
    return { acknowledged: unique.length, found: row.n, missing: unique.length - row.n };
  } finally {
    await sql.end();
  }
}
