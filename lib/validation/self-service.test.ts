import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { isValidationKey } from "./keys";
import { helpAnswerSchema, helpRequestSchema } from "./help";
import { ownContactSchema } from "./own-contact";
import { surveyFields, surveySchema } from "./survey";

const id = "00000000-0000-4000-8000-000000000001";

describe("surveySchema", () => {
  const base = { participantId: id, employmentStatus: "looking", trainingHelped: "yes", satisfaction: "4", plansAbroad: "unsure" };

  it("accepts a complete answer, with hardest as a list from the checkboxes", () => {
    const form = new FormData();
    for (const [k, v] of Object.entries(base)) form.append(k, v);
    form.append("hardest", "otp_not_received");
    form.append("hardest", "no_device_or_data");
    const parsed = surveySchema.parse(surveyFields(form));
    expect(parsed).toMatchObject({ satisfaction: 4, hardestOther: null });
    // In catalogue order, whatever the order ticked.
    expect(parsed.hardest).toEqual(["no_device_or_data", "otp_not_received"]);
  });

  it("refuses unknown choices and a satisfaction outside 1–5", () => {
    const r = surveySchema.safeParse({ ...base, employmentStatus: "astronaut", satisfaction: "6", hardest: ["nope"] });
    expect(r.success).toBe(false);
    const fields = r.error!.issues.map((i) => i.path[0]);
    expect(fields).toEqual(expect.arrayContaining(["employmentStatus", "satisfaction", "hardest"]));
  });

  it("ties 'other' and its text together", () => {
    expect(surveySchema.safeParse({ ...base, hardest: ["other"] }).error?.issues[0]).toMatchObject({
      path: ["hardestOther"],
      message: "survey.otherRequired",
    });
    expect(surveySchema.parse({ ...base, hardest: [], hardestOther: "  jadwal   kerja " })).toMatchObject({
      hardest: ["other"],
      hardestOther: "jadwal kerja",
    });
  });
});

describe("helpRequestSchema and helpAnswerSchema", () => {
  it("needs a known topic and a message of 1–1000 characters", () => {
    const ok = { participantId: id, submissionId: id, topic: "otp_not_received", message: " OTP tidak masuk " };
    expect(helpRequestSchema.parse(ok).message).toBe("OTP tidak masuk");
    expect(helpRequestSchema.safeParse({ ...ok, topic: "x" }).error?.issues[0].message).toBe("help.topic");
    expect(helpRequestSchema.safeParse({ ...ok, message: "   " }).error?.issues[0].message).toBe("help.message");
    expect(helpRequestSchema.safeParse({ ...ok, message: "a".repeat(1001) }).error?.issues[0].message).toBe("help.message");
    expect(helpRequestSchema.safeParse({ ...ok, message: "a".repeat(1000) }).success).toBe(true);
  });

  it("needs an answer", () => {
    expect(helpAnswerSchema.safeParse({ requestId: id, answer: "" }).error?.issues[0].message).toBe("help.answer");
  });
});

describe("ownContactSchema", () => {
  it("normalises like the caseworker's contact form and keeps the current password", () => {
    const parsed = ownContactSchema.parse({
      participantId: id,
      version: "3",
      phone: "0812 3456 7890",
      email: "Ani@Contoh.ID",
      address: "Jl. Melati No. 5",
      provinceCode: " 33 ",
      regencyCode: "3374",
      currentPassword: "rahasia",
    });
    expect(parsed).toMatchObject({
      phone: "+6281234567890",
      email: "ani@contoh.id",
      provinceCode: "33",
      regencyCode: "3374",
      version: 3,
      currentPassword: "rahasia",
    });
  });

  it("refuses a missing or unknown province, and a regency outside its province, beside the field", () => {
    const base = { participantId: id, version: "3", phone: "0812 3456 7890", email: "", address: "Jl. Melati No. 5", currentPassword: "" };
    const errors = (extra: Record<string, string>) =>
      ownContactSchema.safeParse({ ...base, ...extra }).error?.issues.map((i) => `${i.path.join(".")}:${i.message}`);
    expect(errors({ provinceCode: "", regencyCode: "" })).toEqual(["provinceCode:required", "regencyCode:required"]);
    expect(errors({ provinceCode: "99", regencyCode: "3374" })).toEqual(["provinceCode:province.invalid"]);
    expect(errors({ provinceCode: "35", regencyCode: "3374" })).toEqual(["regencyCode:regency.notInProvince"]);
    expect(errors({ provinceCode: "33", regencyCode: "3399" })).toEqual(["regencyCode:regency.invalid"]);
    expect(errors({ provinceCode: "33" })).toEqual(["regencyCode:required"]);
  });
});

describe("hostile input", () => {
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 900, maxLength: 3000 }),
    fc.constantFrom("<script>alert(1)</script>", "'; drop table help_requests; --", "\u0000\u202e", "other", "otp_not_received", "6", "0", "NaN", id),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.oneof(fc.string(), fc.constantFrom("other", "otp_not_received")), { maxLength: 12 }),
    fc.object({ maxDepth: 1 }),
  );
  const schemas: [string, ZodType, string[]][] = [
    ["survey", surveySchema, ["participantId", "employmentStatus", "trainingHelped", "satisfaction", "hardest", "hardestOther", "plansAbroad"]],
    ["help request", helpRequestSchema, ["participantId", "submissionId", "topic", "message"]],
    ["help answer", helpAnswerSchema, ["requestId", "answer"]],
    ["own contact", ownContactSchema, ["participantId", "version", "phone", "email", "address", "provinceCode", "regencyCode", "currentPassword"]],
  ];
  for (const [name, schema, fields] of schemas) {
    it(`${name}: a clean refusal or a valid value, never an exception`, () => {
      fc.assert(
        fc.property(fc.record(Object.fromEntries(fields.map((f) => [f, value])), { requiredKeys: [] }), (input) => {
          const result = schema.safeParse(input);
          // Refusals of our rules carry catalogue keys; zod's own shape errors become the generic one.
          if (!result.success) for (const issue of result.error.issues) expect(typeof issue.message).toBe("string");
        }),
        { numRuns: 300 },
      );
    });
  }

  it("the survey's and help's own refusals are catalogue keys", () => {
    const r = surveySchema.safeParse({ participantId: id, employmentStatus: "x", trainingHelped: "x", satisfaction: "9", plansAbroad: "x", hardest: ["other"] });
    for (const issue of r.error!.issues) expect(isValidationKey(issue.message), issue.message).toBe(true);
    const h = helpRequestSchema.safeParse({ participantId: id, submissionId: id, topic: "x", message: "" });
    for (const issue of h.error!.issues) expect(isValidationKey(issue.message), issue.message).toBe(true);
  });
});
