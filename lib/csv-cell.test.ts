import { describe, expect, it } from "vitest";
import { safeCsvText } from "./csv-cell";

describe("safeCsvText", () => {
  it("leaves ordinary text alone", () => {
    expect(safeCsvText("Pekerja rumah tangga")).toBe("Pekerja rumah tangga");
    expect(safeCsvText("Budi; Ani")).toBe("Budi; Ani");
    expect(safeCsvText(null)).toBe("");
  });

  it("neutralises a formula at the start and after every separator a spreadsheet may split at", () => {
    expect(safeCsvText('=HYPERLINK("http://evil")')).toBe(`'=HYPERLINK("http://evil")`);
    for (const c of ["=", "+", "-", "@", "\t", "\r"]) expect(safeCsvText(`${c}1`)).toBe(`'${c}1`);
    expect(safeCsvText("Pekerja rumah tangga;=cmd|' /C calc'!A0;")).toBe("Pekerja rumah tangga;'=cmd|' /C calc'!A0;");
    expect(safeCsvText("a\t@SUM(1)")).toBe("a\t'@SUM(1)");
    // Every piece between separators starts safely.
    const hostile = "=1;+2;-3;@4\t=5";
    for (const piece of safeCsvText(hostile).split(/[;\t]/)) expect(piece).not.toMatch(/^[=+\-@]/);
  });
});
