import { describe, expect, it } from "vitest";
import { isPostgresNullSocketWrite } from "./postgres-write-guard.mjs";

describe("the postgres.js null-socket guard", () => {
  it("recognises the write after close that porsager/postgres#1154 describes, and nothing else", () => {
    const bug = new TypeError("Cannot read properties of null (reading 'write')");
    bug.stack = `TypeError: Cannot read properties of null (reading 'write')
    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)
    at process.processImmediate (node:internal/timers:483:21)`;
    expect(isPostgresNullSocketWrite(bug)).toBe(true);

    const elsewhere = new TypeError("Cannot read properties of null (reading 'write')");
    elsewhere.stack = `TypeError: Cannot read properties of null (reading 'write')
    at send (file:///app/lib/mine.js:3:1)`;
    expect(isPostgresNullSocketWrite(elsewhere)).toBe(false);

    const other = new TypeError("x is not a function");
    other.stack = `TypeError: x is not a function
    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)`;
    expect(isPostgresNullSocketWrite(other)).toBe(false);
    expect(isPostgresNullSocketWrite(new Error("Cannot read properties of null (reading 'write')"))).toBe(false);
  });

  it("can see postgres.js's own frames in the app server: Next leaves the package unbundled", async () => {
    // Bundled, the stack names a minified chunk instead of postgres/src/connection.js, the
    // guard lets the exception end the server, and a database restart takes the app down
    // (what the fault run of npm run load:check met).
    const config = (await import(new URL("../../next.config.js", import.meta.url).href)) as { default: { serverExternalPackages: string[] } };
    expect(config.default.serverExternalPackages).toContain("postgres");
  });
});
