// The response headers every page carries (set in proxy.ts). Kept apart from the proxy so
// a unit test can read the policy.

export function contentSecurityPolicy(nonce: string, { dev = process.env.NODE_ENV === "development", https = false } = {}): string {
  return [
    "default-src 'self'",
    // Scripts only with this response's nonce (Next adds it to its own scripts), no inline
    // script of any other kind; 'strict-dynamic' lets those load the app's chunks.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes (the widths of the chart bars) are allowed; scripts are not.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Only a page that came over HTTPS asks for its resources over HTTPS: on a plain-HTTP
    // address (a LAN demo) the upgrade would break every script and style.
    ...(https && !dev ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * `https`: whether this request came over HTTPS (lib/http/client.ts). HSTS is sent only
 * then: over plain HTTP it is ignored by browsers at best, and a deployment reached by
 * plain HTTP on purpose must not be told it is HTTPS-only.
 */
export function securityHeaders(
  nonce: string,
  { production = process.env.NODE_ENV === "production", https = false }: { production?: boolean; https?: boolean } = {},
): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(nonce, { dev: !production && process.env.NODE_ENV === "development", https }),
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(production && https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
