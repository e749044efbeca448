import { describe, expect, it } from "vitest";
import { apiClientFormFields, newApiClientSchema } from "./api-clients";

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
}

describe("the API client form", () => {
  it("reads the ticked scopes as a list, and drops Next's own $ fields", () => {
    const fields = apiClientFormFields(
      form([["name", "Mitra"], ["organisation", "PMO Prakerja"], ["scopes", "progress:read"], ["scopes", "participants:read"], ["$ACTION_ID_x", "1"]]),
    );
    expect(fields).toEqual({ name: "Mitra", organisation: "PMO Prakerja", scopes: ["progress:read", "participants:read"] });
  });

  it("removes control characters no keyboard types (a NUL, which PostgreSQL refuses in text), as every form does", () => {
    const fields = apiClientFormFields(form([["name", "Siti\u0000Aminah"], ["organisation", "PMO\u0007 Prakerja"], ["scopes", "progress:read"]]));
    const parsed = newApiClientSchema.parse(fields);
    expect(parsed.name).toBe("SitiAminah");
    expect(parsed.organisation).toBe("PMO Prakerja");
  });

  it("refuses a name that is only control characters as missing", () => {
    const result = newApiClientSchema.safeParse(apiClientFormFields(form([["name", "\u0000\u0001"], ["organisation", "PMO"], ["scopes", "progress:read"]])));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toContainEqual(["name", "apiClient.nameRequired"]);
  });
});
