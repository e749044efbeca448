// Measures the JavaScript a page makes the browser download, gzipped at level 9 (what
// a phone on a slow connection would fetch from a server that compresses with gzip).
// Used by e2e/budget.spec.ts and scripts/js-budget.mts.
import { gzipSync } from "node:zlib";
import type { Page, Response } from "@playwright/test";

/** The JavaScript budget per page, gzipped. */
export const JS_BUDGET_BYTES = 170 * 1024;

export interface JsSize {
  page: string;
  scripts: number;
  gzipBytes: number;
  kb: number;
}

/**
 * Opens `path` in `page` with the browser cache disabled, waits for the network to go
 * quiet (so scripts fetched while the page settles, such as prefetched routes, count
 * too) and sums the gzipped size of every script response.
 */
export async function measurePageJs(page: Page, path: string): Promise<JsSize> {
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
  try {
    await page.goto(path, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
  } finally {
    page.off("response", onResponse);
  }
  const sizes = (await Promise.all(bodies.values())).filter((size): size is number => size !== null);
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false }).catch(() => undefined);
  await cdp.detach().catch(() => undefined);

  const gzipBytes = sizes.reduce((sum, size) => sum + size, 0);
  return { page: path, scripts: sizes.length, gzipBytes, kb: Math.round((gzipBytes / 1024) * 10) / 10 };
}
