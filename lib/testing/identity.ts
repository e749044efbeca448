// Test data that passes the identity rules: NIKs that agree with a birth date and sex,
// KK numbers, Indonesian mobile numbers. Used by Vitest and Playwright alike, so it
// imports nothing but plain modules.

let counter = 0;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

// Unique within a process (a counter), and unlikely to meet another process's values (a
// random start per process): the e2e suite registers a few hundred people in one database,
// sometimes from a restarted worker, and a repeated NIK, KK or phone fails a registration.
const [processDistrict, processSerial, processPhone] = Array.from(globalThis.crypto.getRandomValues(new Uint32Array(3)));

/** A NIK for this person: region + DDMMYY (+40 for women) + a serial, unique per call. */
export function makeNik(opts: { birthDate: string; sex: "L" | "P"; regencyCode?: string; serial?: number }): string {
  const [y, m, d] = opts.birthDate.split("-");
  const day = Number(d) + (opts.sex === "P" ? 40 : 0);
  const n = ++counter;
  const serial = opts.serial ?? ((processSerial + n) % 9999) + 1;
  // The district moves on when the serials wrap around (or with each call, for a given serial).
  const district = ((processDistrict + (opts.serial === undefined ? Math.floor((processSerial + n) / 9999) : n)) % 99) + 1;
  return `${opts.regencyCode ?? "3174"}${pad(district)}${pad(day)}${m}${y.slice(2)}${pad(serial, 4)}`;
}

export function makeKk(regencyCode = "3174"): string {
  const n = ++counter;
  const serial = ((processSerial + n) % 9999) + 1;
  const district = ((processDistrict + Math.floor((processSerial + n) / 9999)) % 99) + 1;
  return `${regencyCode}${pad(district)}${pad(1 + (n % 28))}0615${pad(serial, 4)}`;
}

/** A unique Indonesian mobile number in E.164. */
export function makePhone(): string {
  return `+62813${pad((processPhone + ++counter) % 100_000_000, 8)}`;
}

/** A complete, valid registration form (the CONTRACT.md field names), values as strings. */
export function registrationForm(overrides: Partial<Record<string, string>> = {}): Record<string, string> {
  const birthDate = overrides.birthDate ?? "1990-05-17";
  const sex = (overrides.sex as "L" | "P") ?? "P";
  return {
    fullName: "Siti Nurhaliza",
    nik: makeNik({ birthDate, sex }),
    kk: makeKk(),
    birthDate,
    sex,
    phone: makePhone(),
    email: `peserta${Date.now()}${++counter}@contoh.id`,
    password: "kata-sandi-rahasia",
    provinceCode: "31",
    regencyCode: "3174",
    address: "Jl. Kemang Raya No. 5, RT 001/RW 002",
    migrantStatus: "mantan",
    countryCode: "HK",
    sector: "Pekerja rumah tangga",
    returnDate: "2021-05-20",
    consent: "on",
    submissionId: crypto.randomUUID(),
    ...overrides,
  };
}
