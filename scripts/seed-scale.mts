// npm run seed:scale -- --participants 1000000 --logs 10000000
//
// Fills the PostgreSQL database at DATABASE_URL with a generated programme of the given
// size, with the demo data's distributions (scripts/scale/generate.mts says which and
// what is added), for `npm run bench` and for looking at query plans. Every table is
// loaded with COPY … FROM STDIN, one pass per table, the rows generated as they are sent.
//
// - NIK and KK are sealed with lib/crypto/identity.ts (DATA_KEYS and DATA_HASH_KEY must be
//   set); NIKs are valid (region, birth date +40 for women, serial not 0000) and unique;
//   no KK has more than two participants.
// - All generated accounts that have a password share ONE argon2 hash of SCALE_PASSWORD:
//   hashing a million passwords would take hours and prove nothing. Assisted and imported
//   participants have no password (they would activate with a code), as in the app.
// - participants.last_contact_on / next_follow_up_on are set afterwards by one UPDATE
//   with the app's own definition (db/derived.ts refreshContactSummary).
// - Foreign keys and the 2-per-KK trigger: by default the COPY runs with
//   session_replication_role = replica (superuser only), which skips triggers, and every
//   foreign key and the KK rule are then checked set-based; the seed fails if any row
//   breaks one. --checks rows keeps the triggers on while loading (slower).
//
// Options: --participants N (default 20000) --logs M (default 10 × N) --caseload 500
// (average assigned caseload: sets the number of caseworkers) --start 2021-06 --months 12
// (registrations; services run on two months more) --seed 1 --reset (empty the database
// first; without it a database that already has participants is refused).
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { HELP_TOPICS } from "@/lib/validation/help";
import { HARDEST_CHOICES } from "@/lib/validation/survey";
import { CONSENT_VERSION } from "@/lib/validation/registration";
import { checkNik, todayInJakarta } from "@/lib/validation";
import { isNikProvinceCode } from "@/lib/reference/regions";
import { EMPLOYMENT_STATUSES, PLANS_ABROAD, TRAINING_HELPED } from "@/db/schema";
import { copyRows, line, type Progress } from "./scale/copy";
import {
  birthDateOf,
  cardOf,
  dayOf,
  FAMILY,
  caseworkerProvince,
  FEMALE,
  isoOf,
  jakarta,
  MALE,
  monthAfter,
  nikOf,
  planLogs,
  planParticipant,
  Rng,
  SALT,
  sha256Hex,
  uuidOf,
  WITHDRAWN_REASON,
  type Options,
} from "./scale/generate";

export const SCALE_PASSWORD = "skala-pendamping-2021";
export const SCALE_PMO_EMAIL = "pmo@skala.test";
export const scaleCaseworkerEmail = (c: number) => `pendamping${c + 1}@skala.test`;

const { values: args } = parseArgs({
  options: {
    participants: { type: "string", default: "20000" },
    logs: { type: "string" },
    caseload: { type: "string", default: "500" },
    start: { type: "string", default: "2021-06" },
    months: { type: "string", default: "12" },
    seed: { type: "string", default: "1" },
    checks: { type: "string", default: "after" },
    reset: { type: "boolean", default: false },
  },
});

const N = Number(args.participants);
const M = args.logs === undefined ? N * 10 : Number(args.logs);
const caseload = Number(args.caseload);
if (!Number.isInteger(N) || N < 1 || N > 50_000_000 || !Number.isInteger(M) || M < 0 || !(caseload >= 1)) {
  console.error("Usage: npm run seed:scale -- --participants N --logs M [--caseload 500] [--start 2021-06] [--months 12] [--reset]");
  process.exit(2);
}
if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(args.start!)) {
  console.error("--start must be a month, YYYY-MM");
  process.exit(2);
}
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("seed:scale loads PostgreSQL with COPY: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/scale_1m).");
  process.exit(2);
}
if (!process.env.DATA_KEYS || !process.env.DATA_HASH_KEY) {
  console.error(
    'NIK and KK are stored encrypted: set DATA_KEYS="k1:$(openssl rand -base64 32)" and DATA_HASH_KEY="$(openssl rand -base64 32)"\n' +
      "(the same values the app and `npm run bench` will use with this database; see README, Configuration).",
  );
  process.exit(2);
}
const checksAfter = args.checks !== "rows";

// The data layer's modules read DATA_KEYS and DATABASE_URL when first used: import them now.
const { db, closeDb } = await import("@/db");
const { PgDialect } = await import("drizzle-orm/pg-core");
const { migrateDatabase } = await import("@/db/migrate-lib");
const { truncateData } = await import("@/db/truncate");
const { refreshContactSummary } = await import("@/db/derived");
const { openNik, sealKk, sealNik } = await import("@/lib/crypto/identity");
const { hashPassword } = await import("@/lib/auth/password");

const started = performance.now();
const log = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

await migrateDatabase();
const sql = postgres(url, { max: 2, onnotice: () => {} });
const [{ n: existing }] = await sql<{ n: number }[]>`select count(*)::int as n from participants`;
if (existing > 0 && !args.reset) {
  console.error(`The database already has ${existing} participants. Use --reset to empty it first (everything in it is deleted).`);
  await sql.end();
  await closeDb();
  process.exit(1);
}
if (args.reset) await truncateData(db);

const todayDay = dayOf(todayInJakarta());
const startDay = dayOf(`${args.start}-01`);
const months = Number(args.months);
const regEndDay = dayOf(monthAfter(startDay, months));
const endDay = Math.min(todayDay, dayOf(monthAfter(startDay, months + 2)) - 1);
const caseworkers = Math.max(2, Math.ceil((N * 5) / 6 / caseload));
const o: Options = { participants: N, seed: Number(args.seed), startDay, regEndDay, endDay, caseworkers, todayDay };
log({ step: "plan", participants: N, logs: M, caseworkers, from: isoOf(startDay), registrations_until: monthAfter(startDay, months), services_until: isoOf(endDay) });

// Everything is loaded in ONE transaction on one connection: a failure leaves the
// database as it was (empty), including the indexes dropped below.
const [{ superuser }] = await sql<{ superuser: boolean }[]>`select rolsuper as superuser from pg_roles where rolname = current_user`;
const replica = checksAfter && superuser;
if (checksAfter && !superuser) console.error("session_replication_role needs a superuser: loading with triggers on (foreign keys checked per row).");

/** Runs one pass, printing its progress every 5 s and its rows per second at the end. */
async function pass(name: string, total: number, run: (progress: Progress) => Promise<unknown>): Promise<void> {
  const progress: Progress = { rows: 0 };
  const t0 = performance.now();
  const timer = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    log({ step: name, rows: progress.rows, of: total, percent: Math.round((progress.rows / Math.max(1, total)) * 100), rows_per_second: Math.round(progress.rows / s) });
  }, 5000);
  try {
    await run(progress);
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  log({ step: name, done: true, rows: progress.rows, seconds: seconds(ms), rows_per_second: Math.round(progress.rows / (ms / 1000)) });
}

const dialect = new PgDialect();
const passwordHash = await hashPassword(SCALE_PASSWORD);
const pmoId = uuidOf(SALT.caseworker, 0x7fffffff);
const cwId = (c: number) => uuidOf(SALT.caseworker, c);

await sql.begin(async (loader) => {
  // Triggers off while loading (foreign keys, the KK rule): checked set-based at the end.
  if (replica) await loader`set local session_replication_role = replica`;
  await loader`set local maintenance_work_mem = '1GB'`;
  // Secondary indexes are built once after the COPY instead of row by row (several
  // times faster); each is recreated from its own definition, unique ones re-checked.
  // Primary keys stay (foreign keys point at them); with the triggers on, the KK index
  // stays too (the trigger reads it for every row).
  const dropped = await loader<{ table: string; name: string; definition: string }[]>`
    select t.relname as table, i.relname as name, pg_get_indexdef(i.oid) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    where t.relnamespace = 'public'::regnamespace
      and t.relname in ('users', 'participants', 'stage_changes', 'service_logs')
      and not x.indisprimary
      and not exists (select 1 from pg_constraint c where c.conindid = i.oid)
      ${replica ? loader`` : loader`and i.relname <> 'participants_kk_idx'`}`;
  for (const index of dropped) await loader.unsafe(`drop index "${index.name}"`);
  const rebuild = async (tables: string[]) => {
    for (const index of dropped.filter((d) => tables.includes(d.table))) {
      const t0 = performance.now();
      await loader.unsafe(index.definition);
      log({ step: `index ${index.name}`, seconds: seconds(performance.now() - t0) });
    }
  };

  // --- accounts --------------------------------------------------------------------------------
  const userColumns = ["id", "role", "name", "email", "phone", "password_hash", "created_at", "updated_at"];
  await pass("users (staff)", caseworkers + 1, (progress) =>
    copyRows(
      loader,
      "users",
      [...userColumns, "province_code"],
      (function* () {
        const created = jakarta(startDay - 30, 9 * 60);
        yield line([pmoId, "pmo", "Ratna Kusumawati", SCALE_PMO_EMAIL, "+6281000000001", passwordHash, created, created, null]);
        for (let c = 0; c < caseworkers; c++) {
          const r = new Rng(c + 17);
          const name = `${r.next() < 0.5 ? r.pick(FEMALE) : r.pick(MALE)} ${r.pick(FAMILY)}`;
          const phone = `+62811${String(c + 1).padStart(8, "0")}`;
          yield line([cwId(c), "caseworker", name, scaleCaseworkerEmail(c), phone, passwordHash, created, created, caseworkerProvince(c)]);
        }
      })(),
      progress,
    ),
  );

  await pass("users (participants)", N, (progress) =>
    copyRows(
      loader,
      "users",
      userColumns,
      (function* () {
        for (let i = 0; i < N; i++) {
          const p = planParticipant(o, i);
          const at = jakarta(p.regDay, p.regMinute);
          yield line([p.userId, "participant", p.fullName, p.email, p.phone, p.source === "self" ? passwordHash : null, at, at]);
        }
      })(),
      progress,
    ),
  );

  // --- participants --------------------------------------------------------------------------------
  const cohorts = new Map<string, { n: number; day: number }>();
  let totalWeight = 0;
  await pass("participants", N, (progress) => {
    const usedNiks = new Set<string>();
    return copyRows(
      loader,
      "participants",
      [
        "id", "user_id", "full_name", "nik_enc", "nik_hash", "nik_last4", "kk_enc", "kk_hash", "birth_date", "sex",
        "province_code", "regency_code", "address", "migrant_status", "country_code", "sector", "return_date",
        "arrival_date", "quarantine_location", "cohort", "stage", "stage_changed_at", "withdrawn_reason", "caseworker_id",
        "source", "consent_at", "consent_version", "consent_collected_by", "card_number", "card_received_on", "wave",
        "training_bought_on", "lms_session_on", "created_at", "updated_at",
      ],
      (function* () {
        for (let i = 0; i < N; i++) {
          const p = planParticipant(o, i);
          totalWeight += p.logWeight;
          // Unique NIKs: another serial when this one is taken (region and birth date stay).
          let serial = p.nikSerial;
          let nik = nikOf(p, serial);
          while (usedNiks.has(nik)) {
            serial = (serial % 9999) + 1;
            nik = nikOf(p, serial);
          }
          usedNiks.add(nik);
          const sealedNik = sealNik(nik);
          const sealedKk = sealKk(p.kk);
          const at = jakarta(p.regDay, p.regMinute);
          const lastChange = p.changes[p.changes.length - 1];
          const caseworker = p.caseworker >= 0 ? cwId(p.caseworker) : null;
          const card = cardOf(p);
          const consented = p.source !== "import";
          if (p.cohort) {
            const c = cohorts.get(p.cohort) ?? { n: 0, day: p.regDay };
            c.n++;
            c.day = Math.min(c.day, p.regDay);
            cohorts.set(p.cohort, c);
          }
          yield line([
            p.id, p.userId, p.fullName, sealedNik.nikEnc, sealedNik.nikHash, sealedNik.nikLast4, sealedKk.kkEnc, sealedKk.kkHash,
            birthDateOf(p), p.sex, p.provinceCode, p.source === "import" ? null : p.regencyCode, p.address, p.migrantStatus,
            p.countryCode, p.source === "import" ? null : p.sector, p.returnDate,
            p.arrivalDay === null ? null : isoOf(p.arrivalDay), p.cohort ? "Wisma Atlet Kemayoran" : null, p.cohort,
            p.stage, jakarta(p.regDay + lastChange.day, lastChange.day === 0 ? p.regMinute : 10 * 60),
            p.stage === "withdrawn" ? WITHDRAWN_REASON : null, caseworker, p.source,
            consented ? at : null, consented ? CONSENT_VERSION : null,
            consented ? (p.source === "self" ? p.userId : (caseworker ?? p.userId)) : null,
            card.cardReceivedDay === null ? null : `5${String((p.i * 7919) % 1_000_000_000).padStart(9, "0")}`,
            card.cardReceivedDay === null ? null : isoOf(card.cardReceivedDay),
            card.cardReceivedDay === null ? null : 17 + (p.i % 2),
            card.trainingBoughtDay === null ? null : isoOf(card.trainingBoughtDay),
            card.lmsSessionDay === null ? null : isoOf(card.lmsSessionDay),
            at, at,
          ]);
        }
      })(),
      progress,
    );
  });

  // --- imports (the cohorts' files), stage changes --------------------------------------------------
  {
    let k = 0;
    for (const [cohort, c] of cohorts) {
      const at = jakarta(c.day, 8 * 60);
      await loader`
        insert into imports (id, cohort, file_name, file_sha256, file_bytes, state, rows_total, rows_checked, rows_ready,
                             rows_imported, created_by, created_at, imported_at)
        values (${uuidOf(SALT.import, k++)}, ${cohort}, ${`karantina-${isoOf(c.day).slice(0, 7)}.csv`}, ${sha256Hex(cohort)},
                ${c.n * 110}, 'imported', ${c.n}, ${c.n}, ${c.n}, ${c.n}, ${pmoId}, ${at}, ${at})`;
    }
  }

  const expectedChanges = Math.round(N * 2.6);
  await pass("stage_changes", expectedChanges, (progress) =>
    copyRows(
      loader,
      "stage_changes",
      ["participant_id", "from_stage", "to_stage", "reason", "changed_by", "created_at"],
      (function* () {
        for (let i = 0; i < N; i++) {
          const p = planParticipant(o, i);
          const by = p.caseworker >= 0 ? cwId(p.caseworker) : p.source === "import" ? pmoId : p.userId;
          let from: string | null = null;
          for (const change of p.changes) {
            yield line([
              p.id, from, change.stage, change.stage === "withdrawn" ? WITHDRAWN_REASON : null,
              change.stage === "withdrawn" && p.caseworker < 0 ? pmoId : by,
              jakarta(p.regDay + change.day, change.day === 0 ? p.regMinute : 10 * 60),
            ]);
            from = change.stage;
          }
        }
      })(),
      progress,
    ),
  );

  // --- service logs -----------------------------------------------------------------------------------
  // Each assigned participant gets a share of the M logs in proportion to their weight
  // (further along the journey: more services), so that the total is exactly M.
  await pass("service_logs", M, (progress) =>
    copyRows(
      loader,
      "service_logs",
      ["id", "participant_id", "caseworker_id", "service_code", "occurred_on", "channel", "outcome", "blocker_code", "notes",
        "next_follow_up_on", "corrects_id", "created_at"],
      (function* () {
        let cumulative = 0;
        let emitted = 0;
        for (let i = 0; i < N && totalWeight > 0; i++) {
          const p = planParticipant(o, i);
          if (p.logWeight === 0) continue;
          cumulative += p.logWeight;
          const count = Math.round((cumulative * M) / totalWeight) - emitted;
          if (count <= 0) continue;
          emitted += count;
          const ids: string[] = [];
          const caseworker = cwId(p.caseworker);
          for (const [j, l] of planLogs(o, p, count).entries()) {
            ids.push(crypto.randomUUID());
            yield line([
              ids[j], p.id, caseworker, l.serviceCode, isoOf(l.day), l.channel, l.outcome, l.blockerCode, l.notes,
              l.nextFollowUpDay === null ? null : isoOf(l.nextFollowUpDay), l.corrects === null ? null : ids[l.corrects],
              jakarta(l.day, l.minute),
            ]);
          }
        }
      })(),
      progress,
    ),
  );

  // --- help requests and survey answers ------------------------------------------------------------------
  // 2 % of participants asked for help (half still open); 60 % of those who completed and
  // 30 % of those who withdrew answered the evaluation survey.
  await pass("help_requests", Math.round(N * 0.02), (progress) =>
    copyRows(
      loader,
      "help_requests",
      ["participant_id", "topic", "message", "status", "answer", "answered_by", "answered_at", "created_at"],
      (function* () {
        for (let i = 0; i < N; i++) {
          const r = new Rng((i * 2654435761) ^ 0x4e1b);
          if (r.next() >= 0.02) continue;
          const p = planParticipant(o, i);
          const open = r.next() < 0.5;
          const day = Math.min(endDay, p.regDay + r.int(1, 30));
          const by = p.caseworker >= 0 ? cwId(p.caseworker) : pmoId;
          yield line([
            p.id, r.pick(HELP_TOPICS), "Mohon bantuan, saya belum bisa melanjutkan.", open ? "open" : "answered",
            open ? null : "Sudah kami bantu, silakan dicoba lagi.", open ? null : by, open ? null : jakarta(day + 1, 10 * 60),
            jakarta(day, 19 * 60),
          ]);
        }
      })(),
      progress,
    ),
  );

  await pass("survey_responses", Math.round(N * 0.12), (progress) =>
    copyRows(
      loader,
      "survey_responses",
      ["participant_id", "employment_status", "training_helped", "satisfaction", "hardest", "hardest_other", "plans_abroad",
        "submitted_at", "updated_at"],
      (function* () {
        for (let i = 0; i < N; i++) {
          const r = new Rng((i * 2246822519) ^ 0x5e7a);
          const x = r.next();
          if (x >= 0.6) continue;
          const p = planParticipant(o, i);
          if (!(p.stage === "completed" && x < 0.6) && !(p.stage === "withdrawn" && x < 0.3)) continue;
          const hardest = [...new Set(Array.from({ length: r.int(0, 2) }, () => r.pick(HARDEST_CHOICES)))];
          const at = jakarta(Math.min(endDay, p.regDay + p.changes[p.changes.length - 1].day + 2), 20 * 60);
          yield line([
            p.id, r.pick(EMPLOYMENT_STATUSES), r.pick(TRAINING_HELPED), r.int(2, 5), `{${hardest.join(",")}}`,
            hardest.includes("other") ? "Kuota internet habis." : null, r.pick(PLANS_ABROAD), at, at,
          ]);
        }
      })(),
      progress,
    ),
  );

  // The derived columns' UPDATE reads service_logs by participant: its indexes first.
  await rebuild(["service_logs", "stage_changes"]);

  // --- targets, derived columns, checks ------------------------------------------------------------------
  let t = performance.now();
  // Each month's target: about what was delivered, rounded to hundreds (some met, some not).
  await loader`
    insert into targets (month, count, set_by)
    select to_char(occurred_on, 'YYYY-MM'), greatest(100, round(count(*) * (0.9 + (abs(hashtext(to_char(occurred_on, 'YYYY-MM'))) % 30) / 100.0) / 100) * 100)::int, ${pmoId}
    from service_logs group by 1`;
  log({ step: "targets", seconds: seconds(performance.now() - t) });

  t = performance.now();
  const derived = dialect.sqlToQuery(refreshContactSummary());
  await loader.unsafe(derived.sql, derived.params as never[]);
  log({ step: "last_contact_on / next_follow_up_on (db/derived.ts, one UPDATE)", seconds: seconds(performance.now() - t) });

  await rebuild(["users", "participants"]);

  t = performance.now();
  const problems: string[] = [];
  const [kk] = await loader<{ n: number }[]>`
    select count(*)::int as n from (select kk_hash from participants where kk_hash is not null group by kk_hash having count(*) > 2) x`;
  if (kk.n > 0) problems.push(`${kk.n} KK numbers with more than 2 participants`);
  if (replica) {
    // Every single-column foreign key of the schema, checked set-based (the triggers were off).
    const fks = await loader<{ child: string; column: string; parent: string; key: string; name: string }[]>`
      select c.conrelid::regclass::text as child, a.attname as column, c.confrelid::regclass::text as parent,
             af.attname as key, c.conname as name
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_attribute af on af.attrelid = c.confrelid and af.attnum = c.confkey[1]
      where c.contype = 'f' and array_length(c.conkey, 1) = 1 and c.connamespace = 'public'::regnamespace`;
    for (const fk of fks) {
      const [row] = await loader.unsafe(
        `select count(*)::int as n from ${fk.child} c where c.${fk.column} is not null
           and not exists (select 1 from ${fk.parent} p where p.${fk.key} = c.${fk.column})`,
      );
      if (row.n > 0) problems.push(`${row.n} rows of ${fk.child}.${fk.column} break ${fk.name}`);
    }
  }
  log({ step: "checks (KK rule" + (replica ? ", every foreign key)" : ")"), problems: problems.length, seconds: seconds(performance.now() - t) });
  // Each participant's latest stage change leads to the stage on the record.
  const [stages] = await loader<{ n: number }[]>`
    select count(*)::int as n from participants p
    where p.stage <> (select sc.to_stage from stage_changes sc where sc.participant_id = p.id order by sc.created_at desc limit 1)`;
  if (stages.n > 0) problems.push(`${stages.n} participants whose stage is not their latest stage change`);
  // A sample of NIKs, opened and checked as the registration form checks them.
  const sample = await loader<{ nik_enc: string; birth_date: string; sex: "L" | "P" }[]>`
    select nik_enc, birth_date::text, sex from participants tablesample bernoulli (${Math.min(100, (2000 / N) * 100)}) limit 2000`;
  const badNiks = sample.filter((r) => {
    const nik = openNik({ nikEnc: r.nik_enc })!;
    return checkNik(nik, { birthDate: r.birth_date, sex: r.sex, isProvinceCode: isNikProvinceCode }).length > 0;
  });
  if (badNiks.length > 0) problems.push(`${badNiks.length} of ${sample.length} sampled NIKs fail the registration form's checks`);
  log({ step: "checks: stages, NIK sample", niks_checked: sample.length });
  // Thrown: the transaction is rolled back, nothing stays.
  if (problems.length) throw new Error(`generated data breaks the schema's rules:\n${problems.join("\n")}`);

  // The dashboard's counters (migration 0006): the triggers that keep them were off.
  t = performance.now();
  await loader`select dash_rebuild()`;
  log({ step: "dashboard aggregates (dash_rebuild)", seconds: seconds(performance.now() - t) });

  await loader`
    insert into audit_events (actor_role, action, entity_type, after)
    values ('system', 'scale.seed', 'database', ${loader.json({ participants: N, serviceLogs: M, caseworkers, seed: o.seed })})`;
});

const t = performance.now();
// The UPDATE above rewrote every participant: VACUUM makes the old versions reusable and
// sets the visibility map (index-only scans); ANALYZE gives the planner the statistics.
await sql`vacuum analyze`;
log({ step: "vacuum analyze", seconds: seconds(performance.now() - t) });

const [size] = await sql<{ size: string }[]>`select pg_size_pretty(pg_database_size(current_database())) as size`;
log({
  step: "total",
  seconds: seconds(performance.now() - started),
  participants: N,
  service_logs: M,
  caseworkers,
  database_size: size.size,
  password: `every generated account with a password: ${SCALE_PASSWORD} (one argon2 hash, reused)`,
  pmo: SCALE_PMO_EMAIL,
});
await sql.end();
await closeDb();
