// Registrations through the real page: the /register form posted as a phone without
// JavaScript posts it (multipart, the server action's hidden fields from the page), to a
// production server. Counts a registration only when the answer is the action's redirect
// to /me with a session cookie: validation, the argon2 hash, the statement, the ticket
// sign-in through Auth.js and the JWT cookie, all inside the server.
import http from "node:http";

/** One bench person: district 99 (seed:scale never uses it), a birth date and serial of their own. */
export function benchPerson(k: number, phoneBase: number): Record<string, string> {
  const day = 1 + (k % 28);
  const month = 1 + (Math.floor(k / 28) % 12);
  const year = 1980 + (Math.floor(k / 336) % 20);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return {
    fullName: "Bench Registrasi",
    nik: `350799${pad(day + 40)}${pad(month)}${String(year).slice(2)}${pad(1 + (Math.floor(k / 6720) % 9999), 4)}`,
    kk: `350799${pad(k % 1_000_000, 6)}${pad(1 + (k % 9998), 4)}`,
    birthDate: `${year}-${pad(month)}-${pad(day)}`,
    sex: "P",
    phone: `0813${pad(phoneBase + (k % 10_000_000), 8)}`,
    email: "",
    password: "Rahasia-bench-2021",
    provinceCode: "35",
    regencyCode: "3507",
    address: "Jl. Merdeka No. 1, RT 001/RW 002",
    migrantStatus: "calon",
    countryCode: "MY",
    sector: "Pabrik",
    returnDate: "",
    consent: "on",
    submissionId: crypto.randomUUID(),
  };
}

const unescape = (value: string) => value.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The hidden fields of the registration form (the action's reference and key), without submissionId. */
export async function registrationFormFields(baseURL: string): Promise<Record<string, string>> {
  const html = await (await fetch(`${baseURL}/register`)).text();
  const at = html.indexOf('name="submissionId"');
  if (at < 0) throw new Error("/register has no registration form");
  const form = html.slice(html.lastIndexOf("<form", at), html.indexOf("</form>", at));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    if (name && name !== "submissionId") fields[unescape(name)] = unescape(/value="([^"]*)"/.exec(m[0])?.[1] ?? "");
  }
  return fields;
}

export type HttpRegistrationResult = { ok: true } | { ok: false; problem: string };

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** The form as multipart/form-data, as a browser posts it (built by hand: the client shares the machine). */
function multipart(fields: Record<string, string>): { body: Buffer; type: string } {
  const boundary = `----bench${crypto.randomUUID().replaceAll("-", "")}`;
  let text = "";
  for (const [name, value] of Object.entries(fields)) {
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  return { body: Buffer.from(`${text}--${boundary}--\r\n`, "utf8"), type: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Posts one registration; ok when the server answers with the action's redirect to /me
 * and a session cookie. node:http with keep-alive rather than fetch: the load generator
 * runs on the same two cores as the server, and fetch with FormData costs it 2-3 ms of
 * CPU per request, this about a tenth of that.
 */
export function postRegistration(baseURL: string, hidden: Record<string, string>, person: Record<string, string>): Promise<HttpRegistrationResult> {
  const { body, type } = multipart({ ...hidden, ...person });
  const url = new URL("/register", baseURL);
  return new Promise((resolve) => {
    const request = http.request(
      url,
      { method: "POST", agent, headers: { "content-type": type, "content-length": body.length, origin: baseURL } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const to = String(response.headers.location ?? "");
          const cookie = (response.headers["set-cookie"] ?? []).some((c) => c.includes("session-token="));
          if (response.statusCode === 303 && to.endsWith("/me") && cookie) return resolve({ ok: true });
          const alert = /role="alert"[^>]*>([^<]{0,120})/.exec(Buffer.concat(chunks).toString("utf8"))?.[1];
          resolve({ ok: false, problem: `HTTP ${response.statusCode}${to ? ` → ${to}` : ""}${alert ? `: ${alert}` : ""}` });
        });
      },
    );
    request.on("error", (error) => resolve({ ok: false, problem: error.message }));
    request.end(body);
  });
}
