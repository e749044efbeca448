import { describe, expect, it } from "vitest";
import { safeErrorSummary } from "./log";

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
