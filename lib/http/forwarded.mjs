// Who sent a request, decided once, where the socket is still at hand: in server.mjs,
// before Next sees the request. Plain JavaScript because the server runs without a
// compiler; typed by forwarded.d.mts.
//
// X-Forwarded-For is a list the client starts and every proxy appends to, so only its
// right-hand end is written by proxies we run. With TRUSTED_PROXY_HOPS = N (N reverse
// proxies in front of the app, each appending the address it saw), the client is the
// N-th address from the right of the header; with 0 the header is ignored and the
// socket's address is the client. The scheme and host the proxies report are believed
// only when there are proxies to believe.

const IP = /^[0-9a-fA-F:.]{2,45}$/;

/** TRUSTED_PROXY_HOPS as a whole number from 0 to 10; anything else is refused at start. */
export function trustedProxyHops(raw) {
  if (raw === undefined || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 10) {
    throw new Error(`TRUSTED_PROXY_HOPS must be a whole number from 0 to 10 (got "${raw}")`);
  }
  return n;
}

const first = (value) => (Array.isArray(value) ? value[0] : value);

/** An IPv4-mapped IPv6 address (::ffff:192.0.2.1) as plain IPv4, so one client has one key. */
function plain(address) {
  const a = String(address ?? "").trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  return mapped ? mapped[1] : a;
}

/**
 * The client of a request: { address, proto, host }. `address` is null when it cannot be
 * told (a proxy hop reported something that is not an address); `host` is null when the
 * Host header is to be used.
 */
export function resolveClient({ socketAddress, encrypted, headers }, hops) {
  const socket = plain(socketAddress);
  if (hops === 0) {
    return { address: IP.test(socket) ? socket : null, proto: encrypted ? "https" : "http", host: null };
  }
  const header = [headers["x-forwarded-for"]].flat().filter(Boolean).join(",");
  const chain = header
    .split(",")
    .map((part) => plain(part))
    .filter((part) => part !== "");
  chain.push(socket);
  // chain's last entry is the socket (the nearest proxy); the client is `hops` further left.
  // Fewer entries than hops: the request did not come through every proxy; take the
  // leftmost, which a proxy or the socket wrote.
  const candidate = chain[Math.max(0, chain.length - 1 - hops)];
  const proto = String(first(headers["x-forwarded-proto"]) ?? "").split(",")[0].trim().toLowerCase();
  const host = String(first(headers["x-forwarded-host"]) ?? "").split(",")[0].trim();
  return {
    address: IP.test(candidate) ? candidate : null,
    proto: proto === "https" || proto === "http" ? proto : encrypted ? "https" : "http",
    host: host || null,
  };
}

/** The marker server.mjs sets so that the app knows the forwarded headers were rewritten. */
export const STAMPED = Symbol.for("pendamping.forwardedHeadersStamped");

/**
 * Rewrites a Node request's forwarded headers to the resolved client, so that everything
 * after (Next, the proxy, the app) reads one answer: X-Forwarded-For is the client alone
 * (or absent), X-Forwarded-Proto the scheme, X-Forwarded-Host the proxy's host or absent.
 */
export function stampRequest(req, hops) {
  const client = resolveClient(
    { socketAddress: req.socket?.remoteAddress, encrypted: Boolean(req.socket?.encrypted), headers: req.headers },
    hops,
  );
  delete req.headers["x-real-ip"];
  delete req.headers["forwarded"];
  if (client.address) req.headers["x-forwarded-for"] = client.address;
  else delete req.headers["x-forwarded-for"];
  req.headers["x-forwarded-proto"] = client.proto;
  if (client.host) req.headers["x-forwarded-host"] = client.host;
  else delete req.headers["x-forwarded-host"];
  return client;
}
