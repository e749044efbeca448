import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { contactSchema, milestonesSchema, serviceLogSchema, stageChangeSchema, caseloadQuerySchema } from "./caseworker";
import { dashboardFilterSchema, targetSchema } from "./dashboard";
import { isValidationKey } from "./keys";
import { participantFilterSchema } from "./pmo-participants";
import { assignmentSchema, auditQuerySchema, newCaseworkerSchema } from "./pmo-staff";
import { assistedRegistrationSchema, selfRegistrationSchema } from "./registration";
import { hostileValue } from "@/lib/testing/hostile";
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
  ["contact", contactSchema, ["participantId", "version", "phone", "email", "address"]],
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

  it("query-string filters never throw and fall back to no filter", () => {
    for (const schema of [dashboardFilterSchema, caseloadQuerySchema, participantFilterSchema, auditQuerySchema] as ZodType[]) {
      fc.assert(
        fc.property(hostileRecord(["from", "to", "provinceCode", "migrantStatus", "source", "q", "stage", "page", "countryCode", "caseworker", "actor", "action", "record"]), (input) => {
          expect(() => schema.safeParse(input)).not.toThrow();
        }),
        { numRuns: 200 },
      );
    }
  });
});
