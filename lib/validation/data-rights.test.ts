import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { queryFields } from "./query";
import {
  dataDecisionSchema,
  dataRefusalSchema,
  dataRequestSchema,
  parseDataRequestFilter,
  DATA_NOTE_MAX,
  DATA_REASON_MAX,
} from "./data-rights";
import { isValidationKey } from "./keys";

const id = "0b6a3c52-1c39-4c0e-9a51-8d0f2f3e4a11";

describe("data-rights forms", () => {
  it("a request needs the tick; the reason is optional, trimmed, and bounded", () => {
    expect(dataRequestSchema.parse({ participantId: id, reason: "  ", confirm: "on" })).toEqual({ participantId: id, reason: null, confirm: "on" });
    expect(dataRequestSchema.parse({ participantId: id, confirm: "on" }).reason).toBeNull();
    expect(dataRequestSchema.parse({ participantId: id, reason: " pindah kerja ", confirm: "on" }).reason).toBe("pindah kerja");
    const noTick = dataRequestSchema.safeParse({ participantId: id, reason: "x" });
    expect(noTick.error?.issues.map((i) => [i.path[0], i.message])).toEqual([["confirm", "dataRequest.confirm"]]);
    const long = dataRequestSchema.safeParse({ participantId: id, reason: "a".repeat(DATA_REASON_MAX + 1), confirm: "on" });
    expect(long.error?.issues[0].message).toBe("dataRequest.reason");
  });

  it("a completion's note is optional and its tick a boolean; a refusal's note is required", () => {
    expect(dataDecisionSchema.parse({ requestId: id })).toEqual({ requestId: id, note: null, confirm: false });
    expect(dataDecisionSchema.parse({ requestId: id, note: " ok ", confirm: "on" })).toEqual({ requestId: id, note: "ok", confirm: true });
    expect(dataDecisionSchema.safeParse({ requestId: id, note: "a".repeat(DATA_NOTE_MAX + 1) }).error?.issues[0].message).toBe("dataRequest.note");
    expect(dataRefusalSchema.safeParse({ requestId: id, note: "  " }).error?.issues[0].message).toBe("dataRequest.noteRequired");
    expect(dataRefusalSchema.safeParse({ requestId: id }).error?.issues[0].message).toBe("dataRequest.noteRequired");
    expect(dataRefusalSchema.parse({ requestId: id, note: " Wajib disimpan. " }).note).toBe("Wajib disimpan.");
  });

  it("the list filter falls back to the open requests", () => {
    expect(parseDataRequestFilter({})).toEqual({ status: "open" });
    expect(parseDataRequestFilter({ status: "decided", kind: "deletion" })).toEqual({ status: "decided", kind: "deletion" });
    expect(parseDataRequestFilter(queryFields({ status: ["all", "open"], kind: "drop table" }))).toEqual({ status: "all" });
  });

  it("hostile input gives clean refusals with catalogue keys", () => {
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ minLength: 900, maxLength: 3000 }),
      fc.constantFrom("<script>alert(1)</script>", "'; drop table data_requests; --", "\u0000\u202e", "on", id),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 2 }),
    );
    const cases: [ZodType, string[]][] = [
      [dataRequestSchema, ["participantId", "reason", "confirm"]],
      [dataDecisionSchema, ["requestId", "note", "confirm"]],
      [dataRefusalSchema, ["requestId", "note"]],
    ];
    for (const [schema, fields] of cases) {
      fc.assert(
        fc.property(fc.record(Object.fromEntries(fields.map((f) => [f, value])), { requiredKeys: [] }), (input) => {
          const result = schema.safeParse(input);
          if (result.success) return;
          for (const issue of result.error.issues) expect(isValidationKey(issue.message), issue.message).toBe(true);
        }),
        { numRuns: 300 },
      );
      fc.assert(fc.property(fc.record({ status: value, kind: value }, { requiredKeys: [] }), (q) => {
        expect(() => parseDataRequestFilter(q as never)).not.toThrow();
      }));
    }
  });
});
