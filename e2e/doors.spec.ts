import { appRoutes } from "./app-routes";
import type { APIRequestContext } from "@playwright/test";
import { demo, expect, signIn, test } from "./fixtures";

// Every door, found by itself: each page.tsx and route.ts under app/ is listed here with
// the answer each visitor gets. A new page or route handler without an entry fails this
// test, so nobody can add one without deciding who may open it.
//
// ok = 200; login = sent to /login; home = sent to the user's own home (signed-in users
// on public forms); 403 / 404 / 405 = that status. Dynamic segments get a random id, so
// a role that may open the page still gets 404 for it.

type Answer = "ok" | "login" | "home" | 401 | 403 | 404 | 405;
type Row = { anonymous: Answer; participant: Answer; caseworker: Answer; pmo: Answer; coordinator: Answer };

const publicForm: Row = { anonymous: "ok", participant: "home", caseworker: "home", pmo: "home", coordinator: "home" };
const everyone: Row = { anonymous: "ok", participant: "ok", caseworker: "ok", pmo: "ok", coordinator: "ok" };
// The partner API: an API key or nothing (a signed-in session is no key).
const apiKeyOnly: Row = { anonymous: 401, participant: 401, caseworker: 401, pmo: 401, coordinator: 401 };
const participantOnly = (own: Answer = "ok"): Row => ({ anonymous: "login", participant: own, caseworker: 403, pmo: 403, coordinator: 403 });
const caseworkerOnly = (own: Answer = "ok"): Row => ({ anonymous: "login", participant: 403, caseworker: own, pmo: 403, coordinator: 403 });
const pmoOnly = (own: Answer = "ok"): Row => ({ anonymous: "login", participant: 403, caseworker: 403, pmo: own, coordinator: 403 });
// A PMO page a regional coordinator also reads, scoped to their regions' provinces.
const pmoAndCoordinator = (own: Answer = "ok"): Row => ({ ...pmoOnly(own), coordinator: own });

const DOORS: Record<string, Row> = {
  "/": everyone,
  "/activate": publicForm,
  "/login": publicForm,
  "/register": publicForm,
  "/reset-password": publicForm,
  "/api/health": everyone,
  "/account/password": { anonymous: "login", participant: "ok", caseworker: "ok", pmo: "ok", coordinator: "ok" },
  "/api/auth/[...nextauth]": everyone,
  // Not configured in the end-to-end run (no WHATSAPP_VERIFY_TOKEN): not there.
  "/api/webhooks/whatsapp": { anonymous: 404, participant: 404, caseworker: 404, pmo: 404, coordinator: 404 },
  "/api/v1/openapi.json": everyone,
  "/api/v1/participants": apiKeyOnly,
  "/api/v1/progress": apiKeyOnly,
  // POST only: a GET is 405 from Next, before any key is read.
  "/api/v1/prakerja-status": { anonymous: 405, participant: 405, caseworker: 405, pmo: 405, coordinator: 405 },
  "/api/v1/prakerja-status/batches/[id]": apiKeyOnly,
  "/me": participantOnly(),
  "/me/data": participantOnly(),
  "/me/data/export": participantOnly(),
  "/me/data/view": participantOnly(),
  "/me/help": participantOnly(),
  "/me/help/[id]": participantOnly(404),
  "/me/survey": participantOnly(),
  "/caseworker": caseworkerOnly(),
  "/caseworker/register": caseworkerOnly(),
  "/caseworker/participants/[id]": caseworkerOnly(404),
  "/pmo": pmoAndCoordinator(),
  "/pmo/api-clients": pmoOnly(),
  "/pmo/api-docs": pmoOnly(),
  "/pmo/audit": pmoAndCoordinator(),
  "/pmo/caseworkers": pmoAndCoordinator(),
  "/pmo/data-requests": pmoOnly(),
  "/pmo/help": pmoAndCoordinator(),
  "/pmo/imports": pmoOnly(),
  "/pmo/imports/[id]": pmoOnly(404),
  "/pmo/imports/[id]/progress": { ...pmoOnly(404), coordinator: 403 },
  "/pmo/imports/[id]/report": { ...pmoOnly(404), coordinator: 403 },
  "/pmo/imports/upload": { anonymous: 405, participant: 405, caseworker: 405, pmo: 405, coordinator: 405 },
  "/pmo/jobs": pmoOnly(),
  "/pmo/outbox": pmoOnly(),
  "/pmo/participants": pmoAndCoordinator(),
  "/pmo/participants/[id]": pmoAndCoordinator(404),
  "/pmo/participants/export": pmoAndCoordinator(),
  "/pmo/regions": pmoOnly(),
  "/pmo/reports": pmoAndCoordinator(),
  "/pmo/reports/pdf": pmoAndCoordinator(),
  "/pmo/reports/xlsx": pmoAndCoordinator(),
  "/pmo/survey": pmoAndCoordinator(),
};


const urlOf = (door: string) =>
  door === "/api/auth/[...nextauth]" ? "/api/auth/session" : door.replace(/\[[^\]]+\]/g, "0b6a3c52-1c39-4c0e-9a51-8d0f2f3e4a11");

async function answerOf(request: APIRequestContext, url: string): Promise<Answer | number> {
  const response = await request.get(url, { maxRedirects: 0 });
  const status = response.status();
  if (status >= 300 && status < 400) {
    const location = response.headers()["location"] ?? "";
    return /\/login(\?|$)/.test(location) ? "login" : "home";
  }
  return status === 200 ? "ok" : status;
}

test("every page and route handler is in the table of doors", () => {
  const found = appRoutes(["page.tsx", "route.ts"]).sort();
  expect(found).toEqual(Object.keys(DOORS).sort());
});

for (const [who, email] of [
  ["anonymous", null],
  ["participant", demo.participant],
  ["caseworker", demo.caseworker1],
  ["pmo", demo.pmo],
  ["coordinator", demo.coordinator1],
] as const) {
  test(`every door answers the ${who} as documented`, async ({ page }) => {
    if (email) await signIn(page, email, demo.password);
    const request = page.context().request;
    const wrong: string[] = [];
    for (const [door, row] of Object.entries(DOORS)) {
      const answer = await answerOf(request, urlOf(door));
      if (answer !== row[who]) wrong.push(`${door}: expected ${row[who]}, got ${answer}`);
    }
    expect(wrong).toEqual([]);
  });
}
