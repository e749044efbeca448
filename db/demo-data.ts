// Demo data for `npm run demo`, `npm run db:seed` and the tests: the demo accounts of
// CONTRACT.md and 40 participants in every stage, with services logged in June and July
// 2021 (the programme's first months, targets 23 and 69). Deterministic (a fixed
// pseudo-random sequence), so every demo looks the same.
import { eq, sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import { sealKk, sealNik } from "@/lib/crypto/identity";
import { SERVICE_CATALOGUE, BLOCKERS, type ServiceStage } from "@/lib/reference/services";
import { regenciesOf } from "@/lib/reference/regions";
import { CONSENT_VERSION } from "@/lib/validation/registration";
import { todayInJakarta } from "@/lib/validation";
import { loadDemoJobs } from "./demo-jobs";
import { refreshContactSummary } from "./derived";
import { db, type Db } from "./index";
import { truncateData } from "./truncate";
import {
  auditEvents,
  coordinatorRegions,
  participants,
  regionProvinces,
  regions,
  serviceLogs,
  stageChanges,
  targets,
  users,
  type Channel,
  type Stage,
} from "./schema";


export const DEMO_PASSWORD = "demo-pendamping-2021";

// Mulberry32: small, seedable, good enough for demo data.
let state = 20210601;
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

const MALE = ["Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Imam", "Joko", "Kurniawan", "Muhammad", "Nur", "Rudi", "Slamet", "Taufik", "Wahyu", "Yusuf"];
const FEMALE = ["Ani", "Dewi", "Eka", "Fitri", "Indah", "Kartini", "Lestari", "Maya", "Nining", "Puji", "Rina", "Siti", "Sri", "Tuti", "Wulan", "Yuni"];
const FAMILY = ["Susanti", "Rahayu", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Setiawan", "Handayani", "Nurhayati", "Santoso", "Lubis", "Siregar", "Hasibuan", "Wati", "Maulana"];
// Where migrant workers come from most (East, Central and West Java, NTB, NTT, Lampung…).
const PROVINCES = ["35", "35", "35", "33", "33", "32", "32", "52", "52", "53", "18", "12", "36", "31"];
const COUNTRIES = ["MY", "MY", "MY", "HK", "HK", "TW", "TW", "SA", "SG", "KR", "JP", "AE"];
const SECTORS = ["Pekerja rumah tangga", "Perkebunan", "Pabrik", "Perawat lansia", "Konstruksi", "Perikanan"];
const CHANNELS: Channel[] = ["in_person", "phone", "whatsapp", "whatsapp", "video"];
const STREETS = ["Jl. Merdeka", "Jl. Diponegoro", "Jl. Sudirman", "Jl. Kartini", "Jl. Pahlawan", "Jl. Melati"];

type Person = {
  fullName: string;
  sex: "L" | "P";
  birthDate: string;
  nik: string;
  kk: string;
  provinceCode: string;
  regencyCode: string;
};

const usedNiks = new Set<string>();
function person(sex: "L" | "P", fullName?: string): Person {
  const provinceCode = pick(PROVINCES);
  const regency = pick(regenciesOf(provinceCode));
  const district = pad(int(1, 20));
  const year = int(1975, 2000);
  const month = int(1, 12);
  const day = int(1, 28);
  const nikDay = sex === "P" ? day + 40 : day;
  let nik: string;
  do {
    nik = `${regency.code}${district}${pad(nikDay)}${pad(month)}${String(year).slice(2)}${pad(int(1, 9999), 4)}`;
  } while (usedNiks.has(nik));
  usedNiks.add(nik);
  const kk = `${regency.code}${district}${pad(int(1, 28))}${pad(int(1, 12))}${pad(int(5, 20))}${pad(int(1, 9999), 4)}`;
  const first = sex === "P" ? pick(FEMALE) : pick(MALE);
  return {
    fullName: fullName ?? `${first} ${pick(FAMILY)}`,
    sex,
    birthDate: `${year}-${pad(month)}-${pad(day)}`,
    nik,
    kk,
    provinceCode,
    regencyCode: regency.code,
  };
}

// The journey a participant has travelled to reach a stage: the key services of each
// earlier stage, then the first steps of the current one, each on its day after
// registration (the stage changes fall between them: training on day 10, LMS on day 20,
// completed on day 32). About the size of the programme's first plan: 23 services in June
// 2021 and 69 in July.
const ORDER: ServiceStage[] = ["registration", "training", "lms"];
const KEY_SERVICES: Record<ServiceStage, string[]> = {
  registration: ["prakerja_account", "card_received"],
  training: ["training_bought"],
  lms: ["redeem_entered", "certificate_issued", "incentive_received"],
};
const FIRST_STEPS: Record<ServiceStage, string[]> = {
  registration: ["prakerja_account", "email_verified"],
  training: ["training_chosen"],
  lms: ["redeem_entered", "modules_completed"],
};
const SERVICE_DAY: Record<string, number> = {
  prakerja_account: 1, email_verified: 3, card_received: 8, training_chosen: 11, training_bought: 14,
  redeem_entered: 21, modules_completed: 25, certificate_issued: 28, incentive_received: 31,
};
const STAGE_DAY: Record<string, number> = { registration: 0, training: 10, lms: 20, completed: 32, withdrawn: 6 };
// Days after 1 June 2021 within which a participant of each stage registered. The plan
// was 23 services in June and 69 in July (the targets): the first workers came early in
// June and have finished; most came in July, and services after 31 July are not in the
// demo. With these windows the demo delivers 23 services in June and 70 in July, so the
// first look at /pmo?from=2021-06&to=2021-07 matches the plan (db/demo-data.test.ts).
const REGISTRATION_WINDOW: Record<Stage, [number, number]> = {
  completed: [0, 12],
  lms: [36, 52],
  training: [42, 56],
  registration: [50, 59],
  withdrawn: [40, 58],
};

function servicesFor(stage: Stage): string[] {
  const reached = stage === "completed" ? 3 : stage === "withdrawn" ? 0 : ORDER.indexOf(stage as ServiceStage);
  const done = ORDER.slice(0, reached).flatMap((s) => KEY_SERVICES[s]);
  const current = ORDER[reached];
  if (!current || stage === "completed") return done;
  const steps = stage === "withdrawn" ? 1 : int(1, FIRST_STEPS[current].length);
  return [...done, ...FIRST_STEPS[current].slice(0, steps)];
}
// Kept for the catalogue's sake: every service code used above exists there.
void SERVICE_CATALOGUE;

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Loads the demo data into the migrated database. Returns false, writing nothing, when
 * it is already there (unless reset). Deterministic: the same rows every time.
 */
export async function loadDemoData(opts: { reset?: boolean } = {}): Promise<{ loaded: boolean; participants: number; serviceLogs: number }> {
  state = 20210601;
  usedNiks.clear();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, "pmo@pendamping.test"));
  if (existing && !opts.reset) return { loaded: false, participants: 0, serviceLogs: 0 };

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    if (opts.reset) await truncateData(tx as unknown as Db);
    await loadDemoJobs(tx);
    const [pmo] = await tx
      .insert(users)
      .values({ role: "pmo", name: "Ratna Kusumawati", email: "pmo@pendamping.test", phone: "+6281100000001", passwordHash })
      .returning();
    const caseworkers = await tx
      .insert(users)
      .values([
        // Provinces for the automatic assignment rule (decision 020): the two most common
        // of the demo's participants. The rule itself stays off, as in a new deployment.
        { role: "caseworker", name: "Andi Prasetyo", email: "pendamping1@pendamping.test", phone: "+6281100000011", passwordHash, provinceCode: "35" },
        { role: "caseworker", name: "Sri Mulyani Lestari", email: "pendamping2@pendamping.test", phone: "+6281100000012", passwordHash, provinceCode: "33" },
      ])
      .returning();

    // Two regional offices (issue 19, docs/decisions/028): East Java, where pendamping1
    // works, and Central Java with Yogyakarta, where pendamping2 works; a coordinator each.
    const [east, central] = await tx
      .insert(regions)
      .values([{ name: "Kantor Wilayah Jawa Timur" }, { name: "Kantor Wilayah Jawa Tengah dan DIY" }])
      .returning();
    await tx.insert(regionProvinces).values([
      { provinceCode: "35", regionId: east.id },
      { provinceCode: "33", regionId: central.id },
      { provinceCode: "34", regionId: central.id },
    ]);
    const coordinators = await tx
      .insert(users)
      .values([
        { role: "coordinator", name: "Bambang Sutrisno", email: "koordinator1@pendamping.test", phone: "+6281100000021", passwordHash },
        { role: "coordinator", name: "Wulan Sari Dewi", email: "koordinator2@pendamping.test", phone: "+6281100000022", passwordHash },
      ])
      .returning();
    await tx.insert(coordinatorRegions).values([
      { userId: coordinators[0].id, regionId: east.id },
      { userId: coordinators[1].id, regionId: central.id },
    ]);

    await tx.insert(targets).values([
      { month: "2021-06", count: 23, setBy: pmo.id },
      { month: "2021-07", count: 69, setBy: pmo.id },
    ]);

    // 40 participants; peserta1 first. Stages spread over the journey.
    const stagePlan: Stage[] = [
      "training",
      ...Array<Stage>(9).fill("registration"),
      ...Array<Stage>(10).fill("training"),
      ...Array<Stage>(10).fill("lms"),
      ...Array<Stage>(7).fill("completed"),
      ...Array<Stage>(3).fill("withdrawn"),
    ];
    let phoneSerial = 1000;
    let logCount = 0;
    for (const [i, stage] of stagePlan.entries()) {
      const isDemo = i === 0;
      const sex = isDemo ? "P" : random() < 0.6 ? "P" : "L";
      const p = person(sex, isDemo ? "Siti Aminah" : undefined);
      const status = random() < 0.55 ? "mantan" : "calon";
      const [earliest, latest] = REGISTRATION_WINDOW[stage];
      const registeredOn = addDays("2021-06-01", int(earliest, latest));
      // Every sixth participant waits for assignment; the rest alternate between the two caseworkers.
      const caseworker = isDemo ? caseworkers[0] : i % 6 === 5 ? null : caseworkers[i % 2];
      const source = isDemo ? "self" : random() < 0.5 ? "self" : "assisted";
      const [user] = await tx
        .insert(users)
        .values({
          role: "participant",
          name: p.fullName,
          email: isDemo ? "peserta1@pendamping.test" : null,
          phone: `+62812${pad(phoneSerial++, 7)}`,
          passwordHash: isDemo ? passwordHash : null,
          createdAt: new Date(`${registeredOn}T09:00:00+07:00`),
        })
        .returning();
      const services = servicesFor(stage);
      const lastOn = addDays(registeredOn, STAGE_DAY[stage]);
      const cardOn = services.includes("card_received") ? addDays(registeredOn, SERVICE_DAY.card_received) : null;
      const [participant] = await tx
        .insert(participants)
        .values({
          userId: user.id,
          fullName: p.fullName,
          ...sealNik(p.nik),
          ...sealKk(p.kk),
          birthDate: p.birthDate,
          sex: p.sex,
          provinceCode: p.provinceCode,
          regencyCode: p.regencyCode,
          address: `${pick(STREETS)} No. ${int(1, 120)}, RT ${pad(int(1, 9), 3)}/RW ${pad(int(1, 9), 3)}`,
          migrantStatus: status,
          countryCode: pick(COUNTRIES),
          sector: pick(SECTORS),
          returnDate: status === "mantan" ? `202${int(0, 1)}-${pad(int(1, 12))}-${pad(int(1, 28))}` : null,
          stage,
          stageChangedAt: new Date(`${lastOn}T10:00:00+07:00`),
          withdrawnReason: stage === "withdrawn" ? "Berangkat bekerja ke luar negeri sebelum pelatihan" : null,
          caseworkerId: caseworker?.id ?? null,
          source,
          consentAt: new Date(`${registeredOn}T09:00:00+07:00`),
          consentVersion: CONSENT_VERSION,
          consentCollectedBy: source === "self" ? user.id : (caseworker?.id ?? user.id),
          cardNumber: cardOn ? `5${pad(int(0, 999999999), 9)}` : null,
          cardReceivedOn: cardOn,
          wave: cardOn ? int(17, 18) : null,
          trainingBoughtOn: services.includes("training_bought") ? addDays(registeredOn, SERVICE_DAY.training_bought) : null,
          createdAt: new Date(`${registeredOn}T09:00:00+07:00`),
        })
        .returning();

      let previous: Stage | null = null;
      for (const to of ["registration", "training", "lms", "completed"] as Stage[]) {
        const journey: Stage[] = ["registration", "training", "lms", "completed"];
        const reached = stage === "withdrawn" ? to === "registration" : journey.indexOf(to) <= journey.indexOf(stage);
        if (!reached) break;
        await tx.insert(stageChanges).values({
          participantId: participant.id,
          fromStage: previous,
          toStage: to,
          changedBy: caseworker?.id ?? user.id,
          createdAt: new Date(`${addDays(registeredOn, STAGE_DAY[to])}T${to === "registration" ? "09:00" : "10:00"}:00+07:00`),
        });
        previous = to;
      }
      if (stage === "withdrawn") {
        await tx.insert(stageChanges).values({
          participantId: participant.id,
          fromStage: "registration",
          toStage: "withdrawn",
          reason: "Berangkat bekerja ke luar negeri sebelum pelatihan",
          changedBy: caseworker?.id ?? pmo.id,
          createdAt: new Date(`${lastOn}T10:00:00+07:00`),
        });
      }

      // Only an assigned participant has a caseworker who logged services.
      if (!caseworker) continue;
      const active = !["completed", "withdrawn"].includes(stage);
      for (const [k, service] of services.entries()) {
        const occurredOn = addDays(registeredOn, SERVICE_DAY[service]);
        if (occurredOn > "2021-07-31") break;
        const blocked = random() < 0.12;
        const last = k === services.length - 1;
        // The latest contact with someone still on the way sets a follow-up around today,
        // so that a caseworker opening the demo sees some due, some overdue, some ahead.
        const nextFollowUpOn = last && active && random() < 0.7 ? addDays(todayInJakarta(), int(-4, 10)) : null;
        await tx.insert(serviceLogs).values({
          participantId: participant.id,
          caseworkerId: caseworker.id,
          serviceCode: service,
          occurredOn,
          channel: pick(CHANNELS),
          outcome: blocked ? "blocked" : "done",
          blockerCode: blocked ? pick(BLOCKERS).code : null,
          notes: blocked ? "Dibantu ulang minggu depan." : null,
          nextFollowUpOn,
          createdAt: new Date(`${occurredOn}T11:00:00+07:00`),
        });
        logCount++;
      }
    }
    await tx.execute(refreshContactSummary());
    // One of pendamping1's workers received the card 13 days ago and has not bought a
    // training yet: the 15-day deadline warning shows in the demo.
    await tx.execute(sql`
      update participants set card_received_on = ${addDays(todayInJakarta(), -13)}, training_bought_on = null
      where id = (select p.id from participants p join users u on u.id = p.user_id
                  where p.caseworker_id = ${caseworkers[0].id} and p.stage = 'training'
                    and u.email is distinct from 'peserta1@pendamping.test'
                  order by p.full_name limit 1)`);
    await tx.insert(auditEvents).values({
      actorRole: "system",
      action: "demo.seed",
      entityType: "database",
      after: { participants: stagePlan.length, serviceLogs: logCount },
    });
    return { participants: stagePlan.length, serviceLogs: logCount };
  }).then((counts) => ({ loaded: true, ...counts }));
}
