import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, requestIsHttps, sameOrigin } from "./client";
import { resolveClient, STAMPED, stampRequest, trustedProxyHops } from "./forwarded.mjs";

// Hardening issue, point 2: the sign-in throttle took the first address of
// X-Forwarded-For, which the client writes.

const request = (socketAddress: string, headers: Record<string, string> = {}, encrypted = false) => ({
  socket: { remoteAddress: socketAddress, encrypted },
  headers: { ...headers } as Record<string, string | string[] | undefined>,
});

describe("resolveClient", () => {
  it("with no trusted proxy, believes the socket and nothing the client wrote", () => {
    const client = resolveClient({ socketAddress: "203.0.113.7", encrypted: false, headers: { "x-forwarded-for": "198.51.100.1", "x-forwarded-proto": "https", "x-forwarded-host": "evil.test" } }, 0);
    expect(client).toEqual({ address: "203.0.113.7", proto: "http", host: null });
  });

  it("with N proxies, takes the N-th address from the right of X-Forwarded-For", () => {
    // The client wrote 198.51.100.1; proxy 1 (the edge) appended the client it saw,
    // 203.0.113.9; proxy 2 appended proxy 1; the socket is proxy 2.
    const headers = { "x-forwarded-for": "198.51.100.1, 203.0.113.9, 10.0.0.1", "x-forwarded-proto": "https", "x-forwarded-host": "pmi.example.id" };
    expect(resolveClient({ socketAddress: "10.0.0.2", encrypted: false, headers }, 2)).toEqual({ address: "203.0.113.9", proto: "https", host: "pmi.example.id" });
    expect(resolveClient({ socketAddress: "10.0.0.2", encrypted: false, headers }, 1).address).toBe("10.0.0.1");
    // One proxy that appends: the client's own words stay to the left, unread.
    expect(resolveClient({ socketAddress: "10.0.0.1", encrypted: false, headers: { "x-forwarded-for": "1.1.1.1, 2.2.2.2, 203.0.113.9" } }, 1).address).toBe("203.0.113.9");
  });

  it("when the request came through fewer proxies than configured, takes the leftmost a proxy wrote", () => {
    expect(resolveClient({ socketAddress: "10.0.0.2", encrypted: false, headers: {} }, 2).address).toBe("10.0.0.2");
    expect(resolveClient({ socketAddress: "10.0.0.2", encrypted: false, headers: { "x-forwarded-for": "203.0.113.9" } }, 3).address).toBe("203.0.113.9");
  });

  it("gives IPv4-mapped addresses as IPv4 and refuses what is not an address", () => {
    expect(resolveClient({ socketAddress: "::ffff:127.0.0.1", encrypted: false, headers: {} }, 0).address).toBe("127.0.0.1");
    expect(resolveClient({ socketAddress: "10.0.0.1", encrypted: false, headers: { "x-forwarded-for": "not-an-ip\u0000" } }, 1).address).toBeNull();
    expect(resolveClient({ socketAddress: "10.0.0.1", encrypted: true, headers: { "x-forwarded-proto": "gopher" } }, 1).proto).toBe("https");
  });

  it("reads TRUSTED_PROXY_HOPS as a small whole number and refuses anything else", () => {
    expect(trustedProxyHops(undefined)).toBe(0);
    expect(trustedProxyHops("")).toBe(0);
    expect(trustedProxyHops("2")).toBe(2);
    for (const bad of ["-1", "1.5", "x", "11"]) expect(() => trustedProxyHops(bad), bad).toThrow(/TRUSTED_PROXY_HOPS/);
  });
});

describe("the app reads only what server.mjs stamped", () => {
  const globals = globalThis as Record<symbol, unknown>;
  afterEach(() => {
    delete globals[STAMPED];
  });
  const headersOf = (req: ReturnType<typeof request>) => new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]));

  it("31 made-up X-Forwarded-For addresses from one socket are one client", () => {
    globals[STAMPED] = true;
    const seen = new Set<string | null>();
    for (let i = 0; i < 31; i++) {
      const req = request("203.0.113.50", { "x-forwarded-for": `198.51.100.${i}`, "x-real-ip": `192.0.2.${i}` });
      stampRequest(req, 0);
      seen.add(clientAddress(headersOf(req)));
    }
    expect([...seen]).toEqual(["203.0.113.50"]);
  });

  it("behind one proxy, the proxy's word is taken and the client's prefix is not", () => {
    globals[STAMPED] = true;
    const req = request("10.0.0.1", { "x-forwarded-for": "192.0.2.66, 203.0.113.9", "x-forwarded-proto": "https", "x-forwarded-host": "pmi.example.id" });
    stampRequest(req, 1);
    const headers = headersOf(req);
    expect(clientAddress(headers)).toBe("203.0.113.9");
    expect(requestIsHttps(headers)).toBe(true);
    expect(sameOrigin(new Headers({ ...Object.fromEntries(headers), origin: "https://pmi.example.id" }))).toBe(true);
    expect(sameOrigin(new Headers({ ...Object.fromEntries(headers), origin: "https://evil.test" }))).toBe(false);
  });

  it("without server.mjs (plain next start) believes no address and no HTTPS", () => {
    const headers = new Headers({ "x-forwarded-for": "198.51.100.1", "x-forwarded-proto": "https" });
    expect(clientAddress(headers)).toBeNull();
    expect(requestIsHttps(headers)).toBe(false);
  });
});
