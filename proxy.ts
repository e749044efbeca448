import { NextResponse, type NextRequest } from "next/server";
import { requestIsHttps, sameOrigin } from "@/lib/http/client";
import { securityHeaders } from "@/lib/security-headers";

// Next 16's proxy (formerly middleware). It sets the security headers with a fresh CSP
// nonce for each request (Next reads the nonce from the request's policy header and puts
// it on its own scripts) and passes the path and query on for the language switch. It never
// decides access: that is the data layer's job.
export function proxy(request: NextRequest) {
  // A POST to a page is a server action. Next refuses one from another origin by throwing
  // (a 500 with an error in the log); the answer is a plain 403. Route handlers under
  // /api check for themselves (a webhook comes from another server, not a page).
  if (request.method === "POST" && !request.nextUrl.pathname.startsWith("/api/") && !sameOrigin(request.headers)) {
    return new NextResponse(null, { status: 403 });
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders(nonce, { https: requestIsHttps(request.headers) });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-pathname", request.nextUrl.pathname);
  requestHeaders.set("x-search", request.nextUrl.search);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // The cohort upload is left out: Next buffers a request body for the proxy, and that
  // route streams up to 50 MB itself (it answers with a redirect, no page). The partner API
  // (/api/v1) too: it reads its bodies itself, stopping past its limit (lib/api/handler.ts),
  // and answers JSON with its own headers (no page, so no CSP to carry).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|pmo/imports/upload|api/v1/).*)"],
};
