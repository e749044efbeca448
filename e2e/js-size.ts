// Measures the JavaScript a page makes the browser download, gzipped at level 9 (what
// a phone on a slow connection would fetch from a server that compresses with gzip).
// Used by e2e/budget.spec.ts and scripts/js-budget.mts.
import { gzipSync } from "node:zlib";
import type { Page, Response } from "@playwright/test";

/**
 * The budget of a page a participant opens, gzipped: 150 KB read strictly, 150,000 bytes.
 * Participants are migrant workers on cheap phones and paid data.
 */
export const PARTICIPANT_JS_BUDGET_BYTES = 150_000;

/** The participant budget, under the name the specs that measure one page use. */
export const JS_BUDGET_BYTES = PARTICIPANT_JS_BUDGET_BYTES;

/** The budget of a staff page (caseworkers and the PMO, on office connections), gzipped. */
export const STAFF_JS_BUDGET_BYTES = 170 * 1024;

export type Visitor = "anonymous" | "participant" | "caseworker" | "pmo";

/** An id no record has: the page answers "not found" in the same shell as a real record. */
export const UNKNOWN_ID = "0b6a3c52-1c39-4c0e-9a51-8d0f2f3e4a11";

/**
 * Every page a participant can open (each page.tsx under app/ outside caseworker/ and
 * pmo/; e2e/budget.spec.ts checks that none is missing), with who opens it, then the
 * staff homes and forms. A dynamic segment is opened with UNKNOWN_ID.
 */
export const BUDGET_PAGES: readonly { path: string; as: Visitor; budget: number }[] = [
  ...(["/", "/login", "/register", "/activate", "/reset-password"] as const).map((path) => ({ path, as: "anonymous" as const, budget: PARTICIPANT_JS_BUDGET_BYTES })),
  ...(["/me", "/me/data", "/me/data/view", "/me/help", "/me/help/[id]", "/me/survey", "/account/password"] as const).map((path) => ({
    path,
    as: "participant" as const,
    budget: PARTICIPANT_JS_BUDGET_BYTES,
  })),
  ...(["/caseworker", "/caseworker/register"] as const).map((path) => ({ path, as: "caseworker" as const, budget: STAFF_JS_BUDGET_BYTES })),
  ...(["/pmo", "/pmo/participants", "/pmo/caseworkers", "/pmo/jobs"] as const).map((path) => ({ path, as: "pmo" as const, budget: STAFF_JS_BUDGET_BYTES })),
];

/** The URL to open for a page of BUDGET_PAGES. */
export const urlOfPage = (path: string) => path.replace(/\[[^\]]+\]/g, UNKNOWN_ID);

export interface JsSize {
  page: string;
  /** Script files downloaded. */
  scripts: number;
  /** Their bytes, gzipped: what the budget counts. */
  gzipBytes: number;
  /** The same in KiB, one decimal. */
  kb: number;
  /**
   * Inline scripts in the HTML document (mostly the React Server Components payload the
   * page hydrates from), gzipped on their own: shown for information, not in the budget.
   */
  inlineGzipBytes: number;
  /** With `{ files: true }`: each script file's path and gzipped bytes, largest first. */
  files?: { path: string; gzipBytes: number }[];
}

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/**
 * Opens `path` in `page` with the browser cache disabled, waits for the network to go
 * quiet (so scripts fetched while the page settles, such as prefetched routes, count
 * too) and sums the gzipped size of every script response.
 */
export async function measurePageJs(page: Page, path: string, options: { files?: boolean } = {}): Promise<JsSize> {
  // Cached scripts may not be reported as responses: turn the cache off (Chromium only).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });

  const bodies = new Map<string, Promise<number | null>>();
  const onResponse = (response: Response) => {
    if (response.request().resourceType() !== "script") return;
    if (!response.ok()) return;
    const url = response.url();
    if (bodies.has(url)) return;
    bodies.set(
      url,
      response
        .body()
        .then((body) => gzipSync(body, { level: 9 }).length)
        .catch(() => null),
    );
  };

  page.on("response", onResponse);
  let html = "";
  try {
    const document = await page.goto(path, { waitUntil: "load" });
    html = (await document?.text().catch(() => "")) ?? "";
    await page.waitForLoadState("networkidle");
  } finally {
    page.off("response", onResponse);
  }
  const files: JsSize["files"] = [];
  for (const [url, size] of bodies) {
    const gzipBytes = await size;
    if (gzipBytes !== null) files.push({ path: new URL(url).pathname, gzipBytes });
  }
  files.sort((a, b) => b.gzipBytes - a.gzipBytes);
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false }).catch(() => undefined);
  await cdp.detach().catch(() => undefined);

  const inline = [...html.matchAll(INLINE_SCRIPT)].map((match) => match[1]).join("");
  const gzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  return {
    page: path,
    scripts: files.length,
    gzipBytes,
    kb: Math.round((gzipBytes / 1024) * 10) / 10,
    inlineGzipBytes: inline ? gzipSync(inline, { level: 9 }).length : 0,
    ...(options.files ? { files } : {}),
  };
}
