// The generated programme for `npm run seed:scale`: one pure function per participant
// (planParticipant(i) always gives the same person for the same seed and i), so that
// each table is written in its own pass without keeping a million people in memory.
// The distributions are those of the demo data (db/demo-data.ts): the same provinces,
// placement countries, sectors, names, channels, share of women and of returned workers,
// stage mix, one in six waiting for a caseworker, 12 % of services blocked, and each
// service on its day of the journey after registration. What the demo cannot show at
// its size is said where it is added: imported cohorts (10 %), months beyond June–July
// 2021, more services per participant, corrections, help requests, survey answers.
import { createHash } from "node:crypto";
import { regenciesOf } from "@/lib/reference/regions";
import { BLOCKERS, SERVICE_CATALOGUE, type ServiceStage } from "@/lib/reference/services";
import type { Channel, Stage } from "@/db/schema";

// --- deterministic randomness -----------------------------------------------------

/** murmur3's 32-bit finaliser: a bijection on 32 bits, so distinct inputs give distinct outputs. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mulberry32, as the demo data uses. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed | 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const hex8 = (n: number) => HEX[n >>> 24] + HEX[(n >>> 16) & 255] + HEX[(n >>> 8) & 255] + HEX[n & 255];

/**
 * A version-4-shaped UUID made from (salt, i): the first 32 bits are a bijection of i, so
 * ids of one kind never collide, and their order is unrelated to i (as random UUIDs).
 */
export function uuidOf(salt: number, i: number): string {
  const a = fmix32((i ^ salt) >>> 0);
  const b = fmix32((a ^ 0x9e3779b9) >>> 0);
  const c = fmix32((b ^ salt ^ 0x7f4a7c15) >>> 0);
  const d = fmix32((c ^ i) >>> 0);
  // Version 4, variant 10xx, as gen_random_uuid() makes them.
  const hb = hex8(((b & 0xffff0fff) | 0x4000) >>> 0);
  const hc = hex8(((c & 0x3fffffff) | 0x80000000) >>> 0);
  return `${hex8(a)}-${hb.slice(0, 4)}-${hb.slice(4)}-${hc.slice(0, 4)}-${hc.slice(4)}${hex8(d)}`;
}

export const SALT = { user: 0x51a7e001, participant: 0x51a7e002, caseworker: 0x51a7e003, import: 0x51a7e004 };

// --- the demo data's lists (db/demo-data.ts) ----------------------------------------

export const MALE = ["Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Imam", "Joko", "Kurniawan", "Muhammad", "Nur", "Rudi", "Slamet", "Taufik", "Wahyu", "Yusuf"];
export const FEMALE = ["Ani", "Dewi", "Eka", "Fitri", "Indah", "Kartini", "Lestari", "Maya", "Nining", "Puji", "Rina", "Siti", "Sri", "Tuti", "Wulan", "Yuni"];
export const FAMILY = ["Susanti", "Rahayu", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Setiawan", "Handayani", "Nurhayati", "Santoso", "Lubis", "Siregar", "Hasibuan", "Wati", "Maulana"];
export const PROVINCES = ["35", "35", "35", "33", "33", "32", "32", "52", "52", "53", "18", "12", "36", "31"];
/**
 * A caseworker works in one province (users.province_code: the region they belong to,
 * docs/decisions/028), the provinces shared out as the participants are; a participant
 * is assigned to a caseworker of their own province, as the assignment rule does.
 */
export const caseworkerProvince = (c: number) => PROVINCES[c % PROVINCES.length];
const caseworkersByProvince = new Map<string, number[]>();
function caseworkerFor(rng: Rng, provinceCode: string, total: number): number {
  const key = `${total}:${provinceCode}`;
  let list = caseworkersByProvince.get(key);
  if (!list) {
    list = Array.from({ length: total }, (_, c) => c).filter((c) => caseworkerProvince(c) === provinceCode);
    caseworkersByProvince.set(key, list);
  }
  // Fewer caseworkers than province slots (a tiny seed): anyone.
  return list.length > 0 ? list[rng.int(0, list.length - 1)] : rng.int(0, total - 1);
}
export const COUNTRIES = ["MY", "MY", "MY", "HK", "HK", "TW", "TW", "SA", "SG", "KR", "JP", "AE"];
export const SECTORS = ["Pekerja rumah tangga", "Perkebunan", "Pabrik", "Perawat lansia", "Konstruksi", "Perikanan"];
export const CHANNELS: Channel[] = ["in_person", "phone", "whatsapp", "whatsapp", "video"];
const STREETS = ["Jl. Merdeka", "Jl. Diponegoro", "Jl. Sudirman", "Jl. Kartini", "Jl. Pahlawan", "Jl. Melati"];
// The demo's 40 participants: 9 registration, 11 training, 10 LMS, 7 completed, 3 withdrawn.
const STAGE_WEIGHTS: [Stage, number][] = [
  ["registration", 9],
  ["training", 11],
  ["lms", 10],
  ["completed", 7],
  ["withdrawn", 3],
];
// Day of each stage change after registration in the demo (training on day 10, …);
// each generated participant goes 1 to 3 times slower than that.
const STAGE_DAY: Record<Stage, number> = { registration: 0, training: 10, lms: 20, completed: 32, withdrawn: 6 };
export const WITHDRAWN_REASON = "Berangkat bekerja ke luar negeri sebelum pelatihan";
const JOURNEY: ServiceStage[] = ["registration", "training", "lms"];
const MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];

// --- dates as day numbers ----------------------------------------------------------------

const DAY_MS = 86_400_000;
export const dayOf = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
export const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const pad = (n: number, w = 2) => String(n).padStart(w, "0");
/** A timestamp literal in Jakarta time, as COPY reads it. */
export const jakarta = (day: number, minutes: number) => `${isoOf(day)} ${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}:00+07`;

// --- the plan of one participant ------------------------------------------------------------

export type Options = {
  participants: number;
  seed: number;
  /** First day of registrations, and the first day after them. */
  startDay: number;
  regEndDay: number;
  /** Last day of services and stage changes. */
  endDay: number;
  caseworkers: number;
  todayDay: number;
};

type Base = {
  sex: "L" | "P";
  provinceCode: string;
  regencyCode: string;
  district: number;
  source: "self" | "assisted" | "import";
};

export type Plan = Base & {
  i: number;
  id: string;
  userId: string;
  fullName: string;
  birthYear: number;
  birthMonth: number;
  birthDay: number;
  nikSerial: number;
  kk: string | null;
  /** Index of the participant whose KK this one shares (itself when not shared). */
  family: number;
  stage: Stage;
  migrantStatus: "calon" | "mantan";
  countryCode: string;
  sector: string;
  address: string | null;
  returnDate: string | null;
  arrivalDay: number | null;
  cohort: string | null;
  /** Index of the caseworker, or -1 while waiting for assignment. */
  caseworker: number;
  regDay: number;
  regMinute: number;
  /** Days after registration of each stage change reached, in order. */
  changes: { stage: Stage; day: number }[];
  email: string | null;
  phone: string;
  /** The weight of this participant in the share of service logs (0: none). */
  logWeight: number;
  rng: Rng;
};

function baseOf(o: Options, i: number): { base: Base; rng: Rng } {
  const rng = new Rng(fmix32((i ^ Math.imul(o.seed, 0x27d4eb2f)) >>> 0));
  const sex = rng.next() < 0.6 ? "P" : "L";
  const provinceCode = rng.pick(PROVINCES);
  const regencyCode = rng.pick(regenciesOf(provinceCode)).code;
  const district = rng.int(1, 20);
  const s = rng.next();
  const source = s < 0.1 ? "import" : s < 0.55 ? "self" : "assisted";
  return { base: { sex, provinceCode, regencyCode, district, source }, rng };
}

export function cohortName(day: number): string {
  const d = new Date(day * DAY_MS);
  return `Wisma Atlet ${MONTHS_ID[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function planParticipant(o: Options, i: number): Plan {
  const { base, rng } = baseOf(o, i);
  // One in seven odd-numbered participants shares the family card of the one before: a
  // KK never has more than two participants, as the database's trigger demands.
  let family = i;
  let region = base;
  if (i % 2 === 1 && base.source !== "import" && rng.next() < 0.3) {
    const head = baseOf(o, i - 1).base;
    if (head.source !== "import") {
      family = i - 1;
      region = { ...base, provinceCode: head.provinceCode, regencyCode: head.regencyCode, district: head.district };
    }
  }
  const birthYear = rng.int(1975, 2000);
  const birthMonth = rng.int(1, 12);
  const birthDay = rng.int(1, 28);
  const nikSerial = rng.int(1, 9999);
  const first = base.sex === "P" ? rng.pick(FEMALE) : rng.pick(MALE);
  const fullName = `${first} ${rng.pick(FAMILY)}`;

  let x = rng.next() * 40;
  let stage: Stage = "registration";
  for (const [s, w] of STAGE_WEIGHTS) {
    if (x < w) {
      stage = s;
      break;
    }
    x -= w;
  }
  const imported = base.source === "import";
  const migrantStatus = imported || rng.next() < 0.55 ? "mantan" : "calon";
  const countryCode = rng.pick(COUNTRIES);
  const sector = rng.pick(SECTORS);
  // Registrations spread over the chosen months; services and stage changes may run on
  // into the two months after (endDay).
  const regDay = o.startDay + Math.floor(rng.next() * Math.max(1, o.regEndDay - o.startDay));
  const regMinute = 8 * 60 + rng.int(0, 9 * 60);
  const waiting = !imported && rng.next() < 1 / 6;
  const caseworker = waiting ? -1 : caseworkerFor(rng, region.provinceCode, o.caseworkers);
  const lastEntry = STAGE_DAY[stage];
  let speed = 1 + rng.next() * 2;
  if (lastEntry > 0) speed = Math.min(speed, Math.max(0, o.endDay - regDay) / lastEntry);
  const changes: { stage: Stage; day: number }[] = [{ stage: "registration", day: 0 }];
  if (stage === "withdrawn") changes.push({ stage: "withdrawn", day: Math.round(STAGE_DAY.withdrawn * speed) });
  else for (const s of ["training", "lms", "completed"] as Stage[]) {
    if (STAGE_DAY[s] > STAGE_DAY[stage]) break;
    changes.push({ stage: s, day: Math.round(STAGE_DAY[s] * speed) });
  }
  const returnDate = migrantStatus === "mantan"
    ? imported ? null : `202${rng.int(0, 1)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`
    : null;
  const arrivalDay = imported ? regDay - rng.int(1, 5) : null;
  const address = imported ? null : `${rng.pick(STREETS)} No. ${rng.int(1, 120)}, RT ${pad(rng.int(1, 9), 3)}/RW ${pad(rng.int(1, 9), 3)}`;
  const email = !imported && rng.next() < 0.2 ? `peserta${i + 1}@contoh.id` : null;
  const jitter = 0.5 + rng.next();
  const stageWeight: Record<Stage, number> = { registration: 1, training: 2, lms: 3, completed: 3.5, withdrawn: 0.7 };
  // Fields written out (no spread): V8 builds a spread-then-extended literal slowly.
  return {
    provinceCode: region.provinceCode,
    regencyCode: region.regencyCode,
    district: region.district,
    sex: base.sex,
    source: base.source,
    i,
    id: uuidOf(SALT.participant, i),
    userId: uuidOf(SALT.user, i),
    fullName,
    birthYear,
    birthMonth,
    birthDay,
    nikSerial,
    kk: imported ? null : `${region.regencyCode}${pad(region.district)}${pad(family * 10 + 1, 10)}`,
    family,
    stage,
    migrantStatus,
    countryCode,
    sector,
    address,
    returnDate: imported ? isoOf(arrivalDay!) : returnDate,
    arrivalDay,
    cohort: imported ? cohortName(regDay) : null,
    caseworker,
    regDay,
    regMinute,
    changes,
    email,
    phone: `+62812${pad(i + 1, 8)}`,
    logWeight: caseworker < 0 ? 0 : stageWeight[stage] * jitter,
    rng,
  };
}

export function monthAfter(day: number, months: number): string {
  const d = new Date(day * DAY_MS);
  const index = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`;
}

/** The NIK: regency, district, birth date (+40 for women), serial (never 0000). */
export function nikOf(p: Plan, serial = p.nikSerial): string {
  const day = p.sex === "P" ? p.birthDay + 40 : p.birthDay;
  return `${p.regencyCode}${pad(p.district)}${pad(day)}${pad(p.birthMonth)}${String(p.birthYear).slice(2)}${pad(serial, 4)}`;
}

export const birthDateOf = (p: Plan) => `${p.birthYear}-${pad(p.birthMonth)}-${pad(p.birthDay)}`;

export function cardOf(p: Plan): { cardReceivedDay: number | null; trainingBoughtDay: number | null; lmsSessionDay: number | null } {
  const reached = (s: Stage) => p.changes.some((c) => c.stage === s);
  const day = (s: Stage) => p.changes.find((c) => c.stage === s)!.day;
  return {
    cardReceivedDay: reached("training") ? p.regDay + Math.max(0, day("training") - 2) : null,
    trainingBoughtDay: reached("lms") ? p.regDay + Math.max(0, day("lms") - 6) : null,
    lmsSessionDay: reached("lms") ? p.regDay + day("lms") + 1 : null,
  };
}

// --- the services of one participant ---------------------------------------------------------

export type LogPlan = {
  serviceCode: string;
  day: number;
  channel: Channel;
  outcome: "done" | "blocked" | "follow_up";
  blockerCode: string | null;
  notes: string | null;
  nextFollowUpDay: number | null;
  /** Index (in this participant's list) of the record this one corrects. */
  corrects: number | null;
  minute: number;
};

/**
 * `count` services for a participant, in journey order: every step of the stages they
 * have passed, then the first steps of the current one, each on a day within its stage
 * (steps repeat when there are more services than steps: a second try after a blocker).
 * As in the demo, the last contact with someone still on the way sets a follow-up around
 * today for 70 % of them. About 1 in 250 records is followed by its correction.
 */
export function planLogs(o: Options, p: Plan, count: number): LogPlan[] {
  if (count <= 0) return [];
  const rng = p.rng;
  const steps: { code: string; stage: ServiceStage; pos: number; len: number }[] = [];
  const entry = (s: Stage) => p.changes.find((c) => c.stage === s)?.day;
  if (p.stage === "withdrawn") {
    const n = rng.int(1, 2);
    SERVICE_CATALOGUE.registration.slice(0, n).forEach((e, pos) => steps.push({ code: e.code, stage: "registration", pos, len: n }));
  } else {
    for (const s of JOURNEY) {
      if (entry(s) === undefined) break;
      const all = SERVICE_CATALOGUE[s];
      const done = p.stage === s ? rng.int(1, all.length) : all.length;
      all.slice(0, done).forEach((e, pos) => steps.push({ code: e.code, stage: s, pos, len: all.length }));
    }
  }
  const last = o.endDay - p.regDay;
  const windowOf = (s: ServiceStage): [number, number] => {
    const start = entry(s) ?? 0;
    const next = s === "registration" ? (entry("training") ?? entry("withdrawn")) : s === "training" ? entry("lms") : entry("completed");
    const end = next ?? Math.min(last, start + 14);
    return [start, Math.max(start, end)];
  };
  const active = p.stage !== "completed" && p.stage !== "withdrawn";
  const logs: LogPlan[] = [];
  let previousIndex = -1;
  let repeat = 0;
  for (let j = 0; j < count; j++) {
    const index = count === 1 ? steps.length - 1 : Math.round((j * (steps.length - 1)) / (count - 1));
    repeat = index === previousIndex ? repeat + 1 : 0;
    previousIndex = index;
    const step = steps[index];
    const [from, to] = windowOf(step.stage);
    const day = Math.min(last, Math.round(from + ((step.pos + 1) / (step.len + 1)) * (to - from)) + repeat);
    const previous = logs[j - 1];
    if (previous && previous.corrects === null && rng.next() < 0.004) {
      // The record before was wrong: its correction, the same service on the same day.
      logs.push({ ...previous, outcome: "done", blockerCode: null, notes: "Koreksi: hasil sebelumnya salah dicatat.", corrects: j - 1, minute: previous.minute + 60 });
      continue;
    }
    const r = rng.next();
    const outcome = r < 0.12 ? "blocked" : r < 0.18 ? "follow_up" : "done";
    const isLast = j === count - 1;
    const nextFollowUpDay = isLast && active
      ? rng.next() < 0.7 ? o.todayDay + rng.int(-4, 10) : null
      : outcome === "follow_up" ? p.regDay + day + 3 : null;
    logs.push({
      serviceCode: step.code,
      day: p.regDay + day,
      channel: rng.pick(CHANNELS),
      outcome,
      blockerCode: outcome === "blocked" ? rng.pick(BLOCKERS).code : null,
      notes: outcome === "blocked" ? "Dibantu ulang minggu depan." : outcome === "follow_up" ? "Ditelepon lagi." : null,
      nextFollowUpDay,
      corrects: null,
      minute: 11 * 60 + rng.int(0, 300),
    });
  }
  return logs;
}

export const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");
