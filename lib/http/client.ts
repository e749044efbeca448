import { STAMPED } from "./forwarded.mjs";

// What the app knows about the client of a request, read from the headers that server.mjs
// rewrote from the socket and TRUSTED_PROXY_HOPS (lib/http/forwarded.mjs). This is the one
// place that reads them. Served by anything else (`next start`, `next dev`), the headers
// are the client's own words: no address is believed and no request counts as HTTPS.

const IP = /^[0-9a-fA-F:.]{2,45}$/;
let warned = false;

function stamped(): boolean {
  if ((globalThis as Record<symbol, unknown>)[STAMPED]) return true;
  if (!warned && process.env.NODE_ENV === "production") {
    warned = true;
    console.warn("Started without server.mjs: client addresses are unknown, so failures are throttled per identifier only (use `npm start`).");
  }
  return false;
}

/** The client's address, or null when it cannot be told. */
export function clientAddress(headers: Headers | null | undefined): string | null {
  if (!headers || !stamped()) return null;
  const address = headers.get("x-forwarded-for")?.trim();
  return address && IP.test(address) ? address : null;
}

/** Whether the request reached the first proxy (or this server) over HTTPS. */
export function requestIsHttps(headers: Headers | null | undefined): boolean {
  return Boolean(headers && stamped() && headers.get("x-forwarded-proto") === "https");
}

/** The host the browser addressed: the proxy's X-Forwarded-Host, else Host. */
export function requestHost(headers: Headers): string | null {
  return (stamped() ? headers.get("x-forwarded-host") : null) ?? headers.get("host");
}

/**
 * Whether a POST comes from one of our own pages. Browsers send Origin with every POST;
 * a client that sends none is not a cross-site page (and gets no cookie-borne power from
 * one).
 */
export function sameOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (!origin) return true;
  try {
    return new URL(origin).host === requestHost(headers);
  } catch {
    return false;
  }
}
