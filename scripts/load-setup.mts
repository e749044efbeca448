// tsx --import ./scripts/register-server-only.mjs scripts/load-setup.mts --caseworkers 50 --caseload 5
// Run by scripts/load-check.mts on its own throwaway database (DATABASE_URL), after the
// demo seed: one caseworker account per simulated user, each with its own caseload of
// assisted registrations, all made through the data layer (createStaffUser,
// registerAssisted) so the rows are what the app itself writes. One account per user
// means 50 users are 50 caseworkers (not 25 people on each demo account), and no
// sign-in can ever be a failure the throttle would count. The password comes from
// LOAD_PASSWORD. Prints one JSON line: {"accounts": [...]}.
import { parseArgs } from "node:util";
import { closeDb } from "@/db";
import { registerAssisted } from "@/lib/data/assisted";
import { createStaffUser } from "@/lib/data/users";
import { makeNik, registrationForm } from "@/lib/testing/identity";
import { assistedRegistrationSchema } from "@/lib/validation/registration";

const { values } = parseArgs({
  options: {
    caseworkers: { type: "string", default: "50" },
    caseload: { type: "string", default: "5" },
  },
});
const caseworkers = Number(values.caseworkers);
const caseload = Number(values.caseload);
const password = process.env.LOAD_PASSWORD;
if (!password || !process.env.DATABASE_URL) {
  console.error("load-setup needs DATABASE_URL and LOAD_PASSWORD");
  process.exit(2);
}
if (caseworkers * caseload > 9000) {
  console.error("at most 9000 participants (the NIK serial has four digits)");
  process.exit(2);
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const accounts: string[] = [];
try {
  for (let c = 1; c <= caseworkers; c++) {
    const email = `beban${pad(c, 3)}@pendamping.test`;
    const { id } = await createStaffUser({ role: "caseworker", email, name: `Pendamping Beban ${c}`, password });
    const viewer = { id, role: "caseworker" as const, name: `Pendamping Beban ${c}`, locale: "id" as const };
    for (let p = 1; p <= caseload; p++) {
      // Unique by construction: the serial in the NIK, KK and phone is the participant's number.
      const n = (c - 1) * caseload + p;
      const birthDate = `19${80 + (n % 20)}-0${1 + (n % 9)}-1${n % 10}`;
      const sex = n % 2 ? "L" : "P";
      const form = registrationForm({
        birthDate,
        sex,
        nik: makeNik({ birthDate, sex, serial: n }),
        kk: `31749999${pad(n, 8)}`,
        phone: `+6281377${pad(n, 6)}`,
        email: `beban-peserta-${n}@contoh.id`,
      });
      const parsed = assistedRegistrationSchema().safeParse(form);
      if (!parsed.success) throw new Error(`participant ${n}: ${JSON.stringify(parsed.error.issues)}`);
      const result = await registerAssisted(viewer, parsed.data);
      if (!result.ok) throw new Error(`participant ${n}: ${JSON.stringify(result.fieldErrors)}`);
    }
    accounts.push(email);
  }
  console.log(JSON.stringify({ accounts }));
} finally {
  await closeDb();
}
