import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * AUTH_SECRET signs and encrypts the session cookies; every app instance must share it.
 * A deployment on PostgreSQL must set it. The embedded demo (no DATABASE_URL) makes one
 * on first start and keeps it beside its database in .data/, so `npm run demo` works
 * from a fresh clone and sessions survive a restart.
 */
export function authSecret(): string | undefined {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  // On PostgreSQL, leave it to Auth.js to refuse every request with MissingSecret: a
  // build may run without secrets, a server may not.
  if (process.env.DATABASE_URL) return undefined;
  const file = path.join(process.cwd(), ".data", "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(33).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return readFileSync(file, "utf8").trim();
}
