import { describe, expect, it } from "vitest";
import { securityHeaders } from "./security-headers";

describe("security headers", () => {
  it("send HSTS and upgrade-insecure-requests only for a request that came over HTTPS", () => {
    const plain = securityHeaders("n", { production: true, https: false });
    expect(plain["Strict-Transport-Security"]).toBeUndefined();
    expect(plain["Content-Security-Policy"]).not.toContain("upgrade-insecure-requests");
    const secure = securityHeaders("n", { production: true, https: true });
    expect(secure["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
    expect(secure["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
  });
});
