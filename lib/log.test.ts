import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { register } from "@/instrumentation";
import { installLogScrubber, safeErrorSummary } from "./log";

describe("safeErrorSummary", () => {
  it("keeps the kind, code, constraint and statement of a database error, never its parameters", () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "users_phone_key"'), {
      name: "PostgresError",
      code: "23505",
      constraint_name: "users_phone_key",
      table_name: "users",
    });
    const error = new Error(
      'Failed query: insert into "users" ("role", "name", "phone") values ($1, $2, $3)\nparams: participant,Siti Aminah,+6281234567890',
      { cause },
    );
    const text = safeErrorSummary(error);
    expect(text).toContain("code=23505");
    expect(text).toContain("constraint=users_phone_key");
    expect(text).toContain('sql="insert into "users"');
    expect(text).not.toContain("Siti");
    expect(text).not.toContain("6281234567890");
  });

  it("scrubs long digit runs and email addresses from other messages", () => {
    const text = safeErrorSummary(new Error("no account for 3174011705900001 or ani@contoh.id / 0812-3456-7890"));
    expect(text).not.toMatch(/3174011705900001|ani@contoh|3456/);
  });
});

describe("the server console's scrubber", () => {
  beforeAll(freshDatabase, 60_000);

  /** A real failed query: a second account with the same phone, named in the parameters. */
  async function duplicatePhoneError(phone: string, name: string): Promise<unknown> {
    await createTestUser("participant", { phone, name: "Pemilik Nomor" });
    try {
      await createTestUser("participant", { phone, name });
    } catch (error) {
      return error;
    }
    throw new Error("the second insert should have failed");
  }

  it("logs a failed query's kind, code and statement without its parameters", async () => {
    const phone = "+6281299887766";
    const error = await duplicatePhoneError(phone, "Siti Rahasia");
    expect(String((error as Error).message)).toContain("Siti Rahasia"); // what Drizzle would have logged
    const lines: unknown[][] = [];
    const target = { error: (...args: unknown[]) => lines.push(args), warn: (...args: unknown[]) => lines.push(args) };
    installLogScrubber(target);
    installLogScrubber(target); // twice: still one layer
    target.error("⨯", error);
    target.warn(`Failed query: select 1\nparams: ${phone},Siti Rahasia`);
    const text = lines.flat().map(String).join("\n");
    expect(text).toContain("code=23505");
    expect(text).toContain('sql="insert into "users"');
    expect(text).toMatch(/\n\s+at /); // the stack frames stay
    expect(text).not.toContain("Siti");
    expect(text).not.toContain("81299887766");
    expect(lines).toHaveLength(2);
  });

  it("is put on the console by instrumentation.ts when a Node.js server starts", async () => {
    const original = console.error;
    const seen: unknown[][] = [];
    console.error = (...args: unknown[]) => void seen.push(args);
    const runtime = process.env.NEXT_RUNTIME;
    try {
      process.env.NEXT_RUNTIME = "nodejs";
      await register();
      console.error(await duplicatePhoneError("+6281299887700", "Budi Rahasia"));
    } finally {
      console.error = original;
      if (runtime === undefined) delete process.env.NEXT_RUNTIME;
      else process.env.NEXT_RUNTIME = runtime;
    }
    expect(seen).toHaveLength(1);
    expect(String(seen[0][0])).toContain("code=23505");
    expect(String(seen[0][0])).not.toContain("Budi");
  });
});

describe("a database error's own message", () => {
  it("loses the values it quotes, keeping its code", async () => {
    let error: unknown;
    try {
      await db.execute(sql`select ${"Siti Rahasia"}::date`);
    } catch (e) {
      error = e;
    }
    const raw = JSON.stringify(error, Object.getOwnPropertyNames(error as object)) + String((error as Error).cause);
    expect(raw).toContain("Siti Rahasia"); // PostgreSQL quotes the value it refused
    const text = safeErrorSummary(error);
    expect(text).toContain("code=22007");
    expect(text).not.toContain("Siti");
  });
});
