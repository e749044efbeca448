import { describe, expect, it } from "vitest";
import { checkHeader, checkImportRow, cohortSchema, confirmImportSchema, IMPORT_COLUMNS, parseReason, reason, type ImportRecord } from "./import";

const row = (over: Partial<ImportRecord> = {}): ImportRecord => ({
  nik: "3174011705900001",
  nama_lengkap: "Budi Santoso",
  tanggal_lahir: "1990-05-17",
  jenis_kelamin: "L",
  no_hp: "081234567801",
  kode_provinsi: "31",
  negara_penempatan: "MY",
  tanggal_kedatangan: "2021-06-10",
  lokasi_karantina: "Wisma Atlet",
  ...over,
});
const TODAY = "2021-07-01";

describe("checkImportRow", () => {
  it("accepts registration's spellings and gives registration's normal forms", () => {
    const r = checkImportRow(row({ nik: "3174 0117 0590 0001", tanggal_lahir: "17/05/1990", jenis_kelamin: "l", no_hp: "0812-3456-7801", negara_penempatan: "malaysia", tanggal_kedatangan: "10.06.2021", lokasi_karantina: "  Wisma   Atlet " }), TODAY);
    expect(r.reasons).toEqual([]);
    expect(r.data).toEqual({
      nik: "3174011705900001",
      fullName: "Budi Santoso",
      birthDate: "1990-05-17",
      sex: "L",
      phone: "+6281234567801",
      provinceCode: "31",
      countryCode: "MY",
      arrivalDate: "2021-06-10",
      quarantineLocation: "Wisma Atlet",
    });
  });

  it("reports every problem of a row with its column, in the file's column order", () => {
    const r = checkImportRow(row({ negara_penempatan: "ID", nik: "3174011705900000", no_hp: "021 5551234", kode_provinsi: "1" }), TODAY);
    expect(r.reasons).toEqual(["nik:nik.serial", "no_hp:phone.notMobile", "kode_provinsi:province.invalid", "negara_penempatan:country.invalid"]);
    expect(r.nik).toBe("3174011705900000");
    expect(r.phone).toBeNull();
    expect(r.data).toEqual({ fullName: "Budi Santoso" });
  });

  it("checks the arrival date as registration checks the return date", () => {
    expect(checkImportRow(row({ tanggal_kedatangan: "1989-01-01" }), TODAY).reasons).toEqual(["tanggal_kedatangan:returnDate.beforeBirth"]);
    expect(checkImportRow(row({ tanggal_kedatangan: "" }), TODAY).reasons).toEqual(["tanggal_kedatangan:required"]);
    expect(checkImportRow(row({ lokasi_karantina: "" }), TODAY).data).toMatchObject({ quarantineLocation: null });
    expect(checkImportRow(row({ lokasi_karantina: "x".repeat(201) }), TODAY).reasons).toEqual(["lokasi_karantina:tooLong"]);
  });
});

describe("the header", () => {
  it("is the contract's columns, in any order and case", () => {
    expect(checkHeader([...IMPORT_COLUMNS].reverse().map((c) => ` ${c.toUpperCase()}`))).toEqual({ missing: [], unknown: [], repeated: [] });
    expect(checkHeader(["nik", "nik", "kk"])).toMatchObject({ unknown: ["kk"], repeated: ["nik"] });
  });
});

describe("reasons and forms", () => {
  it("keep a reason's column, key and line", () => {
    expect(parseReason(reason("nik", "import.nikInFile", 12))).toEqual({ column: "nik", key: "import.nikInFile", line: 12 });
    expect(parseReason(reason("no_hp", "phone.taken"))).toEqual({ column: "no_hp", key: "phone.taken" });
  });

  it("tidy the cohort name and the caseworker ids", () => {
    expect(cohortSchema.parse("  Wisma   Atlet  Juni 2021 ")).toBe("Wisma Atlet Juni 2021");
    expect(cohortSchema.safeParse(" ").error?.issues[0].message).toBe("cohortRequired");
    const id = "3F2504E0-4F89-41D3-9A0C-0305E82C3301";
    expect(confirmImportSchema.parse({ importId: crypto.randomUUID(), caseworkerIds: [id, id.toLowerCase()] }).caseworkerIds).toEqual([id.toLowerCase()]);
  });
});
