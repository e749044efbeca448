import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { contactSchema, milestonesSchema, serviceLogSchema, stageChangeSchema, caseloadQuerySchema } from "./caseworker";
import { dashboardFilterFromParams, targetSchema } from "./dashboard";
import { parseDataRequestFilter } from "./data-rights";
import { reportPageSchema } from "./import";
import { isValidationKey } from "./keys";
import { FILTER_KEYS, parseParticipantFilter } from "./pmo-participants";
import { assignmentQuerySchema, assignmentSchema, auditQuerySchema, newCaseworkerSchema } from "./pmo-staff";
import { QUERY_VALUE_MAX, queryFields, type QueryFields } from "./query";
import { assistedRegistrationSchema, selfRegistrationSchema } from "./registration";
import { hostileQuery, hostileValue } from "@/lib/testing/hostile";
import { registrationForm } from "@/lib/testing/identity";

// Hostile input against every form's schema: overlong strings, control characters, SQL
// and HTML fragments, wrong types, missing fields. Each must give a clean refusal (or a
// valid value), never an exception, and every refusal must carry a message key the
// catalogue can translate.

function hostileRecord(fields: string[]) {
  return fc.record(Object.fromEntries(fields.map((f) => [f, hostileValue])), { requiredKeys: [] });
}

const schemas: [string, ZodType, string[]][] = [
  ["self registration", selfRegistrationSchema(), Object.keys(registrationForm())],
  ["assisted registration", assistedRegistrationSchema(), Object.keys(registrationForm())],
  ["service log", serviceLogSchema(), ["participantId", "submissionId", "correctsId", "serviceCode", "occurredOn", "channel", "outcome", "blockerCode", "notes", "nextFollowUpOn"]],
  ["stage change", stageChangeSchema, ["participantId", "version", "toStage", "reason"]],
  ["contact", contactSchema, ["participantId", "version", "phone", "email", "address", "provinceCode", "regencyCode"]],
  ["milestones", milestonesSchema(), ["participantId", "version", "cardNumber", "cardReceivedOn", "wave", "trainingBoughtOn", "lmsSessionOn"]],
  ["target", targetSchema, ["month", "count"]],
  ["new caseworker", newCaseworkerSchema, ["name", "email", "phone"]],
  ["assignment", assignmentSchema, ["participantIds", "caseworkerId"]],
];

describe("every form schema refuses hostile input cleanly", () => {
  for (const [name, schema, fields] of schemas) {
    it(name, () => {
      fc.assert(
        fc.property(hostileRecord(fields), (input) => {
          const result = schema.safeParse(input);
          if (!result.success) {
            for (const issue of result.error.issues) {
              // Either one of the catalogue's keys, or zod's own message for a shape it
              // refused before any rule ran (shown as the generic form error).
              expect(typeof issue.message).toBe("string");
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it("registration refusals are keys of the validation catalogue, field by field", () => {
    fc.assert(
      fc.property(hostileRecord(Object.keys(registrationForm())), (input) => {
        const result = selfRegistrationSchema().safeParse({ ...registrationForm(), ...input });
        if (result.success) return;
        for (const issue of result.error.issues) {
          if (issue.code === "custom") expect(isValidationKey(issue.message), issue.message).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a registration that passes is well formed, whatever was typed around it", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5 }), fc.constantFrom(" ", ".", "-"), (noise, sep) => {
        const form = registrationForm();
        const nik = form.nik.replace(/(\d{4})/g, `$1${sep}`).trim();
        const result = selfRegistrationSchema().safeParse({ ...form, nik, fullName: `${form.fullName}${noise.replace(/[^a-z ]/gi, "")}` });
        if (!result.success) return;
        expect(result.data.nik).toMatch(/^\d{16}$/);
        expect(result.data.phone).toMatch(/^\+[1-9]\d{6,14}$/);
        expect(result.data.fullName).not.toMatch(/^\s|\s$/);
      }),
      { numRuns: 200 },
    );
  });

});

// Every parser of a page's query string, after queryFields as the pages call it (the pages
// themselves, each with its parser and the database, are in app/query-strings.test.ts).
// Hostile values on the parser's own names and others, arrays for repeated parameters:
// the parse never throws, and what it gives holds no control character and nothing long.

/** Every string in a parsed value (nested objects and arrays included). */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
/** The longest value any filter keeps (an imported cohort's name). */
const FILTER_VALUE_MAX = 200;

const queryParsers: [string, (fields: QueryFields) => unknown, readonly string[]][] = [
  ["dashboard and survey", dashboardFilterFromParams, ["from", "to", "provinceCode", "migrantStatus", "source", "cohort"]],
  ["participant list and export", parseParticipantFilter, [...FILTER_KEYS, "page"]],
  ["caseload", (fields) => caseloadQuerySchema.parse(fields), ["q", "stage", "page"]],
  ["assignment list", (fields) => assignmentQuerySchema.parse(fields), ["assigned", "stage", "province", "q", "page"]],
  ["audit log", (fields) => auditQuerySchema.parse(fields), ["actorId", "actor", "action", "record", "from", "to", "page"]],
  ["data requests", parseDataRequestFilter, ["status", "kind"]],
  ["import pages", (fields) => reportPageSchema.parse(fields.page), ["page"]],
];

describe("every query-string parser reads hostile input cleanly", () => {
  it("queryFields keeps at most one clean, bounded, non-empty string per name", () => {
    fc.assert(
      fc.property(hostileQuery(["cohort", "q", "page"]), (raw) => {
        const fields = queryFields(raw);
        for (const [name, value] of Object.entries(fields)) {
          expect(typeof value, name).toBe("string");
          expect(value, name).not.toMatch(CONTROL);
          expect(value, name).not.toBe("");
          expect(value!.length, name).toBeLessThanOrEqual(QUERY_VALUE_MAX);
          expect(value!.isWellFormed(), name).toBe(true);
        }
        // A route handler's URL reads the same as a page's searchParams.
        const url = new URLSearchParams();
        for (const [name, value] of Object.entries(raw)) for (const v of [value ?? []].flat()) url.append(name, v);
        expect(queryFields(url)).toEqual(queryFields(Object.fromEntries([...url.keys()].map((k) => [k, url.getAll(k)]))));
      }),
      { numRuns: 300 },
    );
    expect(queryFields({ cohort: "a\u0000b", stage: ["lms", "training"], q: "\u0000", page: "" })).toEqual({ cohort: "ab", stage: "lms" });
  });

  for (const [name, parse, names] of queryParsers) {
    it(name, () => {
      fc.assert(
        fc.property(hostileQuery(names), (raw) => {
          const parsed = parse(queryFields(raw));
          for (const value of stringsIn(parsed)) {
            expect(value).not.toMatch(CONTROL);
            expect(value.length).toBeLessThanOrEqual(FILTER_VALUE_MAX);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
