import { describe, expect, it } from "vitest";
import { passwordChangeSchema } from "./password-change";

const errorsOf = (input: unknown) => {
  const r = passwordChangeSchema.safeParse(input);
  return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
};

describe("passwordChangeSchema", () => {
  it("takes the current password and a new, uncommon one of 8 to 128 characters", () => {
    expect(passwordChangeSchema.parse({ currentPassword: "sandi-lama-saya", newPassword: "kebun teh di puncak" })).toEqual({
      currentPassword: "sandi-lama-saya",
      newPassword: "kebun teh di puncak",
    });
  });

  it("names each problem beside its field", () => {
    expect(errorsOf({})).toEqual({ currentPassword: "passwordChange.currentRequired", newPassword: "password.tooShort" });
    expect(errorsOf({ currentPassword: "x", newPassword: "password123" })).toEqual({ newPassword: "password.common" });
    expect(errorsOf({ currentPassword: "x", newPassword: "a".repeat(129) })).toEqual({ newPassword: "password.tooLong" });
    expect(errorsOf({ currentPassword: "sama-sama-saja", newPassword: "sama-sama-saja" })).toEqual({ newPassword: "passwordChange.same" });
  });
});
