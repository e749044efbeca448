import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { after } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { coordinatorRegions, programmeSettings, regionProvinces, users } from "@/db/schema";
import { createCoordinator, createRegion } from "@/lib/data/regions";
import { createApiClient } from "@/lib/data/api-clients";
import { newApiClientSchema } from "@/lib/validation/api-clients";
import { provinces, regenciesOf } from "@/lib/reference/regions";
import { newCoordinatorSchema, newRegionSchema } from "@/lib/validation/regions";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { auth } from "@/lib/auth";
import { refuseDataRequest, requestDeletion } from "@/lib/data/data-rights";
import { createHelpRequest } from "@/lib/data/help";
import { checkImport, uploadImport } from "@/lib/data/imports";
import { retryFailedJob } from "@/lib/data/jobs";
import { QUEUES } from "@/lib/jobs/queues";
import type { SessionUser } from "@/lib/data/permissions";
import { changesOf, describeChanges, type Change } from "@/lib/testing/db-snapshot";
import { insertFailedJob } from "@/lib/testing/failed-job";
import { FORBIDDEN_STORED, hostileString } from "@/lib/testing/hostile";
import { makeNik, makePhone, registrationForm } from "@/lib/testing/identity";
import { createTestParticipant, TEST_PASSWORD, type TestParticipant } from "@/lib/testing/participants";
import { sendPhoneConfirmation } from "@/lib/data/verification-codes";
import { setWhatsAppEnv } from "@/lib/testing/whatsapp-env";
import { outboxMessages } from "@/db/schema";
import { and, desc } from "drizzle-orm";
import { dataRefusalSchema, dataRequestSchema } from "@/lib/validation/data-rights";

// Every server action, found by this test itself: each module under app/ that starts
// with "use server", and each function it exports, must be in ACTIONS below with the
// answer each caller gets. A new action without an entry fails the first test.
//
// Each action is posted with a valid form (so that only the caller decides the answer)
// by a visitor without a session, a participant, a caseworker and the PMO, and where the
// action takes a record id, by a participant or caseworker naming someone else's record.
// A refusal must write nothing: every table is compared before and after, row by row
// (lib/testing/db-snapshot.ts). The same form posted by the right caller must write, so
// the refusals are not refusals of a broken form.
//
// The session is stubbed where Auth.js hands it over (auth() in lib/auth); requireUser,
// the session version check and everything after it are the app's own. Next's request
// APIs (headers, cookies, revalidatePath, after) are stubbed; redirect(), forbidden() and
// notFound() are Next's own, read from the error each throws.

vi.mock("@/lib/auth", async () => {
  const { redirect: go } = await import("next/navigation");
  return {
    auth: vi.fn(async () => null),
    // Auth.js answers a sign-in or sign-out with a redirect.
    signIn: vi.fn(async (_provider: string, opts?: { redirectTo?: string }) => go(opts?.redirectTo ?? "/")),
    signOut: vi.fn(async (opts?: { redirectTo?: string }) => go(opts?.redirectTo ?? "/")),
    handlers: {},
  };
});
// next-auth itself does not load outside Next (it imports "next/server" without an
// extension); the sign-in action only needs its error class.
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {} }));
vi.mock("next-intl/server", () => ({
  getTranslations: async () => Object.assign((key: string) => key, { has: () => false }),
  getFormatter: async () => ({ dateTime: () => "1 Juli 2021 10.00" }),
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "pendamping.test" }),
  cookies: async () => ({ get: () => undefined, set: () => {}, delete: () => {} }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
vi.mock("next/server", async (original) => ({ ...(await original<typeof import("next/server")>()), after: vi.fn() }));

// The search actions seal with AUTH_SECRET, which on PostgreSQL (DATABASE_URL) is never
// made up (lib/auth/secret.ts): a test one, as in lib/crypto/search-seal.test.ts.
process.env.AUTH_SECRET ??= "test-secret-for-server-actions-0123456789";
// WhatsApp "configured", so that a phone confirmation code can be sent (to the outbox only).
setWhatsAppEnv();

const ROOT = process.cwd();
const APP = path.join(ROOT, "app");

// ---------------------------------------------------------------------------
// Callers and fixtures
// ---------------------------------------------------------------------------

// A regional coordinator (issue 19) works for a region with one province of its own.
type Caller = "anonymous" | "participant" | "caseworker" | "pmo" | "coordinator";
const CALLERS: Caller[] = ["anonymous", "participant", "caseworker", "pmo", "coordinator"];

/** The answer an action gives: sent to /login, 403, 404, a form answer refusing, done, or done and sent on. */
type Answer = "login" | 403 | 404 | "refused" | "ok" | "redirect";

let pmo: SessionUser;
let coordinator: SessionUser;
/** The session auth() hands over for the next call. */
async function signedIn(user: SessionUser | null): Promise<void> {
  if (!user) {
    vi.mocked(auth).mockResolvedValue(null as never);
    return;
  }
  const [row] = await db.select({ sv: users.sessionVersion }).from(users).where(eq(users.id, user.id));
  vi.mocked(auth).mockResolvedValue({ user: { id: user.id }, sv: row.sv, at: Date.now(), expires: "" } as never);
}

beforeAll(async () => {
  await freshDatabase();
  pmo = await createTestUser("pmo");
  coordinator = await createTestUser("coordinator");
  await db.insert(coordinatorRegions).values({ userId: coordinator.id, regionId: await someRegion() });
});

const JUNE = new Date("2021-06-01T09:00:00+07:00");
function participant(opts: { caseworker?: SessionUser | null; stage?: "registration" | "completed" } = {}): Promise<TestParticipant> {
  return createTestParticipant({ caseworkerId: opts.caseworker?.id ?? null, stage: opts.stage, set: { createdAt: JUNE } });
}

/** A province in no region; when all are taken, the regions are emptied first (outside any snapshot). */
async function freeProvince(): Promise<string> {
  const placed = new Set((await db.select().from(regionProvinces)).map((r) => r.provinceCode));
  const free = provinces.find((p) => !placed.has(p.code));
  if (free) return free.code;
  await db.delete(regionProvinces);
  return provinces[0].code;
}

/** A new region with one free province; its id. */
async function someRegion(): Promise<string> {
  const made = await createRegion(pmo, newRegionSchema.parse({ name: `Wilayah ${crypto.randomUUID().slice(0, 8)}`, provinceCodes: [await freeProvince()] }));
  if (!made.ok) throw new Error(JSON.stringify(made));
  return made.regionId;
}

/** Two provinces in no region; when too few are left, the regions are emptied first (outside any snapshot). */
async function freeProvinces(): Promise<[string, string]> {
  let placed = new Set((await db.select().from(regionProvinces)).map((r) => r.provinceCode));
  if (provinces.filter((p) => !placed.has(p.code)).length < 2) {
    await db.delete(regionProvinces);
    placed = new Set();
  }
  const [a, b] = provinces.filter((p) => !placed.has(p.code));
  return [a.code, b.code];
}

/**
 * A regional coordinator of a new region of two free provinces (issue 19), with a
 * caseworker of the first; `elsewhere` is a province outside their region.
 */
async function regionalCoordinator() {
  const [home, second] = await freeProvinces();
  const made = await createRegion(pmo, newRegionSchema.parse({ name: `Wilayah ${crypto.randomUUID().slice(0, 8)}`, provinceCodes: [home, second] }));
  if (!made.ok) throw new Error(JSON.stringify(made));
  const created = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Wulan Sari", email: `wulan.${crypto.randomUUID().slice(0, 8)}@bp2mi.go.id`, regionIds: [made.regionId] }));
  if (!created.ok) throw new Error(JSON.stringify(created));
  const user: SessionUser = { id: created.userId, role: "coordinator", name: "Wulan Sari", locale: "id" };
  const elsewhere = provinces.find((p) => p.code !== home && p.code !== second)!.code;
  return { user, home, second, elsewhere };
}

/** A caseworker of the province (none: no province, in no region). */
async function caseworkerIn(provinceCode: string | null): Promise<SessionUser> {
  const made = await createTestUser("caseworker");
  if (provinceCode) await db.update(users).set({ provinceCode }).where(eq(users.id, made.id));
  return made;
}

/** A participant living in the province. */
function participantIn(provinceCode: string, opts: { caseworker?: SessionUser | null } = {}): Promise<TestParticipant> {
  const regencyCode = regenciesOf(provinceCode)[0].code;
  return createTestParticipant({ caseworkerId: opts.caseworker?.id ?? null, form: { provinceCode, regencyCode }, set: { createdAt: JUNE } });
}

/**
 * A fresh signed-in user of the role (a participant with their own record). A coordinator
 * from here has no region: enough for the actions that refuse the role outright (403
 * comes before any scope); the actions a coordinator may post arrange one with a region.
 */
async function someone(caller: Caller): Promise<SessionUser | null> {
  if (caller === "anonymous") return null;
  if (caller === "participant") return (await participant()).user;
  if (caller === "pmo") return pmo;
  if (caller === "coordinator") return coordinator;
  return createTestUser("caseworker");
}

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
  }
  return data;
}

const serviceFields = (participantId: string) => ({
  participantId,
  submissionId: crypto.randomUUID(),
  serviceCode: "prakerja_account",
  occurredOn: "2021-06-10",
  channel: "phone",
  outcome: "done",
});

async function openRequest(p: TestParticipant): Promise<string> {
  const asked = await createHelpRequest(p.user, {
    participantId: p.participantId,
    submissionId: crypto.randomUUID(),
    topic: "other",
    message: "Kode OTP tidak masuk",
  });
  if (!asked.ok) throw new Error(JSON.stringify(asked));
  return asked.id;
}

/** A fresh participant's open deletion request, or (decided) one another PMO has already refused. */
async function deletionRequest(decided: boolean): Promise<string> {
  const p = await participant();
  const asked = await requestDeletion(p.user, dataRequestSchema.parse({ participantId: p.participantId, reason: "Saya tidak ingin ikut lagi.", confirm: "on" }));
  if (!asked.ok) throw new Error(JSON.stringify(asked));
  if (decided) {
    const refused = await refuseDataRequest(await createTestUser("pmo"), dataRefusalSchema.parse({ requestId: asked.id, note: "Data masih wajib disimpan." }));
    if (!refused.ok) throw new Error(JSON.stringify(refused));
  }
  return asked.id;
}

async function checkedImport(): Promise<string> {
  const nik = makeNik({ birthDate: "1990-05-17", sex: "L" });
  const csv = [
    "nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina",
    `${nik},Budi Santoso,1990-05-17,L,${makePhone()},31,MY,2021-06-10,Wisma Atlet`,
    "",
  ].join("\n");
  const up = await uploadImport(pmo, { cohort: "Kohort Aksi", fileName: "aksi.csv", body: [Buffer.from(csv)] });
  if (!up.ok) throw new Error(JSON.stringify(up));
  await checkImport(up.importId);
  return up.importId;
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

/** What one post needs: who posts, and the form. `cross`: the record named is someone else's. */
type Post = { user: SessionUser | null; form: FormData };
type Arrange = (caller: Caller, cross: boolean) => Promise<Post>;
type Row = Record<Caller, Answer>;
type Spec = {
  answers: Row;
  /** Who may post another's record id to it, and what they get. */
  cross?: Partial<Record<Caller, Answer>>;
  arrange: Arrange;
  /** Public by design (anyone may post): why. */
  public?: string;
  /** Writes nothing even for the right caller (a search that seals its query into a link): why. */
  readOnly?: string;
  /** For a public action: the writes its "ok" answer may make for this caller. */
  allowed?: (post: Post, changes: Change[]) => boolean;
};

const participantOnly = (ok: Answer = "ok"): Pick<Spec, "answers" | "cross"> => ({
  answers: { anonymous: "login", participant: ok, caseworker: 403, pmo: 403, coordinator: 403 },
  cross: { participant: 404 },
});
const caseworkerOnly = (ok: Answer = "ok"): Pick<Spec, "answers" | "cross"> => ({
  answers: { anonymous: "login", participant: 403, caseworker: ok, pmo: 403, coordinator: 403 },
  cross: { caseworker: 404 },
});
/** A PMO form; a coordinator is refused (403) unless `coordinator` says otherwise (a form scoped to their regions). */
const pmoOnly = (ok: Answer = "ok", cross?: Answer, coordinator: Answer = 403): Pick<Spec, "answers" | "cross"> => ({
  answers: { anonymous: "login", participant: 403, caseworker: 403, pmo: ok, coordinator },
  ...(cross ? { cross: { pmo: cross } } : {}),
});
/**
 * A PMO action a regional coordinator posts too, in their regions (issue 19); `cross`
 * for each: naming a record outside their scope (for the coordinator: another region's).
 */
const pmoAndCoordinator = (ok: Answer, cross?: Partial<Record<"pmo" | "coordinator", Answer>>): Pick<Spec, "answers" | "cross"> => ({
  answers: { anonymous: "login", participant: 403, caseworker: 403, pmo: ok, coordinator: ok },
  ...(cross ? { cross } : {}),
});

/** The participant's own record, or (cross) another participant's; others post the same id. */
async function ownRecord(caller: Caller, cross: boolean, opts: { stage?: "completed" } = {}) {
  const cw = await createTestUser("caseworker");
  const record = await participant({ caseworker: cw, stage: opts.stage });
  const user = caller === "participant" ? (cross ? (await participant()).user : record.user) : await someone(caller);
  return { user, record };
}

/** A phone confirmation code sent to the participant, read back from the outbox as from their phone. */
async function phoneCode(record: TestParticipant): Promise<string> {
  const sent = await sendPhoneConfirmation(record.user, record.participantId);
  if (!sent.ok) throw new Error(JSON.stringify(sent));
  const [row] = await db
    .select({ values: outboxMessages.templateValues })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.participantId, record.participantId), eq(outboxMessages.kind, "phone_confirmation")))
    .orderBy(desc(outboxMessages.createdAt))
    .limit(1);
  return (row.values as { code: string }).code;
}

/** A participant of a caseworker; the caseworker posts for them, or (cross) another caseworker does. */
async function casefile(caller: Caller, cross: boolean) {
  const owner = await createTestUser("caseworker");
  const record = await participant({ caseworker: owner });
  const user = caller === "caseworker" ? (cross ? await createTestUser("caseworker") : owner) : await someone(caller);
  return { user, record };
}

const ACTIONS: Record<string, Spec> = {
  // --- app/actions.ts: the language switch and sign-out, in every page's header ---
  "app/actions.ts#switchLocale": {
    public: "the language switch: sets a cookie, writes nothing",
    answers: { anonymous: "redirect", participant: "redirect", caseworker: "redirect", pmo: "redirect", coordinator: "redirect" },
    arrange: async (caller) => ({ user: await someone(caller), form: form({ locale: "en", returnTo: "/me" }) }),
  },
  "app/actions.ts#signOutEverywhere": {
    public: "sign-out: ends the caller's own sessions and nobody else's",
    answers: { anonymous: "redirect", participant: "redirect", caseworker: "redirect", pmo: "redirect", coordinator: "redirect" },
    arrange: async (caller) => ({ user: caller === "pmo" || caller === "coordinator" ? await createTestUser(caller) : await someone(caller), form: form({}) }),
    // The caller's own users row (session version) and the auth.sign_out event, nothing else.
    allowed: (post, changes) =>
      changes.every(
        (c) =>
          (c.table === "users" && c.kind === "update" && c.after?.id === post.user?.id) ||
          (c.table === "audit_events" && c.kind === "insert" && c.after?.actor_id === post.user?.id && c.after?.action === "auth.sign_out"),
      ),
  },
  // --- one's own password, for every role (/account/password): sent back to the page ---
  "app/account/password/actions.ts#changePasswordAction": {
    answers: { anonymous: "login", participant: "redirect", caseworker: "redirect", pmo: "redirect", coordinator: "redirect" },
    arrange: async (caller) => {
      const user =
        caller === "anonymous" ? null : caller === "participant" ? (await participant()).user : await createTestUser(caller, { password: TEST_PASSWORD });
      return { user, form: form({ currentPassword: TEST_PASSWORD, newPassword: `kebun teh ${crypto.randomUUID().slice(0, 8)}` }) };
    },
  },

  // --- the public forms: an empty post is refused by every caller and writes nothing ---
  "app/activate/actions.ts#activateAction": {
    public: "activation with a one-time code: for people who cannot sign in yet",
    answers: { anonymous: "refused", participant: "refused", caseworker: "refused", pmo: "refused", coordinator: "refused" },
    arrange: async (caller) => ({ user: await someone(caller), form: form({}) }),
  },
  "app/login/actions.ts#signInAction": {
    public: "sign-in",
    answers: { anonymous: "refused", participant: "refused", caseworker: "refused", pmo: "refused", coordinator: "refused" },
    arrange: async (caller) => ({ user: await someone(caller), form: form({}) }),
  },
  "app/reset-password/actions.ts#requestResetAction": {
    public: "a forgotten password: for people who cannot sign in",
    answers: { anonymous: "refused", participant: "refused", caseworker: "refused", pmo: "refused", coordinator: "refused" },
    arrange: async (caller) => ({ user: await someone(caller), form: form({}) }),
  },
  "app/reset-password/actions.ts#resetAction": {
    public: "a forgotten password, second step: the code proves who the person is",
    answers: { anonymous: "refused", participant: "refused", caseworker: "refused", pmo: "refused", coordinator: "refused" },
    arrange: async (caller) => ({ user: await someone(caller), form: form({}) }),
  },
  "app/register/actions.ts#registerAction": {
    public: "self-registration: how a worker gets an account",
    answers: { anonymous: "refused", participant: "refused", caseworker: "refused", pmo: "refused", coordinator: "refused" },
    arrange: async (caller) => ({ user: await someone(caller), form: form({}) }),
  },

  // --- the participant's own forms (/me) ---
  "app/me/actions.ts#updateOwnContactAction": {
    ...participantOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await ownRecord(caller, cross);
      // Phone and email kept (no password needed): a new address only.
      return {
        user,
        form: form({ participantId: record.participantId, version: "1", phone: record.phone, email: record.email ?? "", address: "Jl. Anggrek No. 12, Bogor", provinceCode: "31", regencyCode: "3174" }),
      };
    },
  },
  "app/me/actions.ts#setPreferredChannelAction": {
    ...participantOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await ownRecord(caller, cross);
      return { user, form: form({ participantId: record.participantId, preferredChannel: "email" }) };
    },
  },
  "app/me/actions.ts#sendOwnPhoneCodeAction": {
    ...participantOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await ownRecord(caller, cross);
      return { user, form: form({ participantId: record.participantId }) };
    },
  },
  "app/me/actions.ts#confirmOwnPhoneAction": {
    ...participantOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await ownRecord(caller, cross);
      return { user, form: form({ participantId: record.participantId, code: await phoneCode(record) }) };
    },
  },
  "app/me/help/actions.ts#askForHelpAction": {
    ...participantOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await ownRecord(caller, cross);
      return { user, form: form({ participantId: record.participantId, submissionId: crypto.randomUUID(), topic: "other", message: "Saya butuh bantuan" }) };
    },
  },
  "app/me/survey/actions.ts#submitSurveyAction": {
    ...participantOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await ownRecord(caller, cross, { stage: "completed" });
      return {
        user,
        form: form({ participantId: record.participantId, employmentStatus: "looking", trainingHelped: "yes", satisfaction: "4", plansAbroad: "no" }),
      };
    },
  },
  // The data-rights forms (/me/data): sent on to the page, which shows the request and its deadline.
  "app/me/data/actions.ts#requestDeletionAction": {
    ...participantOnly("redirect"),
    arrange: async (caller, cross) => {
      const { user, record } = await ownRecord(caller, cross);
      return { user, form: form({ participantId: record.participantId, reason: "Saya tidak ingin ikut lagi.", confirm: "on" }) };
    },
  },
  "app/me/data/actions.ts#withdrawConsentAction": {
    ...participantOnly("redirect"),
    arrange: async (caller, cross) => {
      const { user, record } = await ownRecord(caller, cross);
      return { user, form: form({ participantId: record.participantId, reason: "Saya tidak ingin ikut lagi.", confirm: "on" }) };
    },
  },

  // --- the caseworker's case file and assisted registration ---
  "app/caseworker/participants/[id]/actions.ts#logServiceAction": {
    ...caseworkerOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await casefile(caller, cross);
      return { user, form: form(serviceFields(record.participantId)) };
    },
  },
  "app/caseworker/participants/[id]/actions.ts#changeStageAction": {
    ...caseworkerOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await casefile(caller, cross);
      return { user, form: form({ participantId: record.participantId, version: "1", toStage: "training", reason: "Kartu sudah diterima" }) };
    },
  },
  "app/caseworker/participants/[id]/actions.ts#updateContactAction": {
    ...caseworkerOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await casefile(caller, cross);
      return { user, form: form({ participantId: record.participantId, version: "1", phone: makePhone(), email: "", address: "Jl. Mawar No. 7, Bekasi", provinceCode: "31", regencyCode: "3174" }) };
    },
  },
  "app/caseworker/participants/[id]/actions.ts#updateMilestonesAction": {
    ...caseworkerOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await casefile(caller, cross);
      return { user, form: form({ participantId: record.participantId, version: "1", cardNumber: "1234567812345678", cardReceivedOn: "2021-06-05", wave: "17" }) };
    },
  },
  "app/caseworker/participants/[id]/actions.ts#answerHelpAction": {
    ...caseworkerOnly("redirect"),
    arrange: async (caller, cross) => {
      const { user, record } = await casefile(caller, cross);
      const requestId = await openRequest(record);
      return { user, form: form({ ...serviceFields(record.participantId), requestId, answer: "Sudah dibantu lewat telepon" }) };
    },
  },
  "app/caseworker/participants/[id]/phone-actions.ts#sendPhoneCodeAction": {
    ...caseworkerOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await casefile(caller, cross);
      return { user, form: form({ participantId: record.participantId }) };
    },
  },
  "app/caseworker/participants/[id]/phone-actions.ts#confirmPhoneAction": {
    ...caseworkerOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await casefile(caller, cross);
      return { user, form: form({ participantId: record.participantId, code: await phoneCode(record) }) };
    },
  },
  "app/caseworker/participants/[id]/activation-actions.ts#issueActivationCodeAction": {
    ...caseworkerOnly(),
    arrange: async (caller, cross) => {
      const { user, record } = await casefile(caller, cross);
      return { user, form: form({ participantId: record.participantId }) };
    },
  },
  "app/caseworker/register/actions.ts#registerAssistedAction": {
    answers: { anonymous: "login", participant: 403, caseworker: "ok", pmo: 403, coordinator: 403 },
    arrange: async (caller) => {
      const { password: _p, ...fields } = registrationForm();
      return { user: await someone(caller), form: form(fields) };
    },
  },

  // --- the search forms: they seal the search into the link (lib/crypto/search-seal.ts) ---
  "app/caseworker/actions.ts#searchCaseloadAction": {
    ...caseworkerOnly("redirect"),
    cross: undefined,
    readOnly: "seals the search and redirects to the caseload",
    arrange: async (caller) => ({ user: await someone(caller), form: form({ q: "Siti", stage: "lms" }) }),
  },
  "app/pmo/participants/actions.ts#searchParticipantsAction": {
    // A coordinator searches their regions' list (the list itself is scoped).
    ...pmoOnly("redirect", undefined, "redirect"),
    readOnly: "seals the search and redirects to the list",
    arrange: async (caller) => ({ user: await someone(caller), form: form({ q: "3174011705900001", stage: "lms" }) }),
  },
  "app/pmo/caseworkers/actions.ts#searchAssignableAction": {
    ...pmoAndCoordinator("redirect"),
    readOnly: "seals the search and redirects to the assignment list",
    arrange: async (caller) => ({ user: await someone(caller), form: form({ q: "Siti", assigned: "all" }) }),
  },

  // --- the PMO's forms ---
  "app/pmo/actions.ts#setTargetAction": {
    ...pmoOnly(),
    arrange: async (caller) => ({ user: await someone(caller), form: form({ month: "2021-07", count: String(60 + Math.floor(Math.random() * 1000)) }) }),
  },
  // cross: a coordinator giving the new caseworker a province outside their region.
  "app/pmo/caseworkers/actions.ts#createCaseworkerAction": {
    ...pmoAndCoordinator("ok", { coordinator: "refused" }),
    arrange: async (caller, cross) => {
      const fields = { name: "Rina Wati", email: `rina.${crypto.randomUUID().slice(0, 8)}@bp2mi.go.id`, phone: "" };
      if (caller !== "coordinator") return { user: await someone(caller), form: form(fields) };
      const c = await regionalCoordinator();
      return { user: c.user, form: form({ ...fields, provinceCode: cross ? c.elsewhere : c.home }) };
    },
  },
  // cross: the PMO naming a participant's account as if it were a caseworker's.
  "app/pmo/caseworkers/actions.ts#setCaseworkerStatusAction": {
    ...pmoAndCoordinator("ok", { pmo: 404, coordinator: 404 }),
    arrange: async (caller, cross) => {
      if (caller === "coordinator") {
        const c = await regionalCoordinator();
        const target = await caseworkerIn(cross ? c.elsewhere : c.home);
        return { user: c.user, form: form({ caseworkerId: target.id, status: "disable" }) };
      }
      const target = cross ? (await participant()).user : await createTestUser("caseworker");
      return { user: await someone(caller), form: form({ caseworkerId: target.id, status: "disable" }) };
    },
  },
  "app/pmo/caseworkers/actions.ts#issueCaseworkerCodeAction": {
    ...pmoAndCoordinator("ok", { pmo: 404, coordinator: 404 }),
    arrange: async (caller, cross) => {
      if (caller === "coordinator") {
        const c = await regionalCoordinator();
        const target = await caseworkerIn(cross ? c.elsewhere : c.home);
        return { user: c.user, form: form({ caseworkerId: target.id }) };
      }
      const target = cross ? (await participant()).user : await createTestUser("caseworker");
      return { user: await someone(caller), form: form({ caseworkerId: target.id }) };
    },
  },
  // cross: the PMO naming a participant's account as if it were a caseworker's.
  // cross for a coordinator: another region's caseworker.
  "app/pmo/caseworkers/actions.ts#setCaseworkerProvinceAction": {
    ...pmoAndCoordinator("ok", { pmo: 404, coordinator: 404 }),
    arrange: async (caller, cross) => {
      if (caller === "coordinator") {
        const c = await regionalCoordinator();
        const target = await caseworkerIn(cross ? c.elsewhere : c.home);
        return { user: c.user, form: form({ caseworkerId: target.id, provinceCode: c.second }) };
      }
      const target = cross ? (await participant()).user : await createTestUser("caseworker");
      return { user: await someone(caller), form: form({ caseworkerId: target.id, provinceCode: "31" }) };
    },
  },
  // Each caller posts "off". For the PMO the rule is on first, so the post is a write, and
  // it leaves the rule off (the other tests' registrations stay unassigned).
  "app/pmo/caseworkers/actions.ts#setAssignmentRuleAction": {
    ...pmoOnly(),
    arrange: async (caller) => {
      if (caller === "pmo") {
        await db
          .insert(programmeSettings)
          .values({ id: true, autoAssign: true })
          .onConflictDoUpdate({ target: programmeSettings.id, set: { autoAssign: true } });
      }
      return { user: await someone(caller), form: form({ autoAssign: "off" }) };
    },
  },
  // cross for a coordinator: another region's participant ticked beside their own (the whole form is refused).
  "app/pmo/caseworkers/actions.ts#assignParticipantsAction": {
    ...pmoAndCoordinator("ok", { coordinator: "refused" }),
    arrange: async (caller, cross) => {
      if (caller === "coordinator") {
        const c = await regionalCoordinator();
        const [mine, target] = [await participantIn(c.home), await caseworkerIn(c.second)];
        const ids = cross ? [mine.participantId, (await participantIn(c.elsewhere)).participantId] : [mine.participantId];
        return { user: c.user, form: form({ participantIds: ids, caseworkerId: target.id }) };
      }
      const [p, target] = [await participant(), await createTestUser("caseworker")];
      return { user: await someone(caller), form: form({ participantIds: [p.participantId], caseworkerId: target.id }) };
    },
  },
  "app/pmo/regions/actions.ts#createRegionAction": {
    ...pmoOnly(),
    arrange: async (caller) => ({ user: await someone(caller), form: form({ name: `Wilayah ${crypto.randomUUID().slice(0, 8)}`, provinceCodes: [await freeProvince()] }) }),
  },
  "app/pmo/regions/actions.ts#updateRegionAction": {
    ...pmoOnly(),
    arrange: async (caller) => {
      const regionId = await someRegion();
      return { user: await someone(caller), form: form({ regionId, name: `Wilayah ${crypto.randomUUID().slice(0, 8)}`, provinceCodes: [await freeProvince()] }) };
    },
  },
  "app/pmo/regions/actions.ts#createCoordinatorAction": {
    ...pmoOnly(),
    arrange: async (caller) => ({
      user: await someone(caller),
      form: form({ name: "Sari Wulan", email: `sari.${crypto.randomUUID().slice(0, 8)}@bp2mi.go.id`, regionIds: [await someRegion()] }),
    }),
  },
  // cross: the PMO naming a caseworker's account as if it were a coordinator's.
  "app/pmo/regions/actions.ts#setCoordinatorRegionsAction": {
    ...pmoOnly("ok", 404),
    arrange: async (caller, cross) => {
      const first = await someRegion();
      const created = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Dodi Wira", email: `dodi.${crypto.randomUUID().slice(0, 8)}@bp2mi.go.id`, regionIds: [first] }));
      if (!created.ok) throw new Error(JSON.stringify(created));
      const target = cross ? (await createTestUser("caseworker")).id : created.userId;
      return { user: await someone(caller), form: form({ coordinatorId: target, regionIds: [await someRegion()] }) };
    },
  },
  // cross: the PMO naming a caseworker's account as if it were a coordinator's.
  "app/pmo/regions/actions.ts#setCoordinatorStatusAction": {
    ...pmoOnly("ok", 404),
    arrange: async (caller, cross) => {
      const created = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Tono Wira", email: `tono.${crypto.randomUUID().slice(0, 8)}@bp2mi.go.id`, regionIds: [await someRegion()] }));
      if (!created.ok) throw new Error(JSON.stringify(created));
      const target = cross ? (await createTestUser("caseworker")).id : created.userId;
      return { user: await someone(caller), form: form({ coordinatorId: target, status: "disable" }) };
    },
  },
  "app/pmo/api-clients/actions.ts#createApiClientAction": {
    ...pmoOnly(),
    arrange: async (caller) => ({ user: await someone(caller), form: form({ name: "Mitra Prakerja", organisation: "Manajemen Pelaksana Prakerja", scopes: ["progress:read"] }) }),
  },
  // cross: the PMO naming a client that does not exist.
  "app/pmo/api-clients/actions.ts#revokeApiClientAction": {
    ...pmoOnly("ok", 404),
    arrange: async (caller, cross) => {
      const made = await createApiClient(pmo, newApiClientSchema.parse({ name: "Mitra Cabut", organisation: "BP2MI", scopes: ["progress:read"] }));
      if (!made.ok) throw new Error(JSON.stringify(made));
      return { user: await someone(caller), form: form({ clientId: cross ? crypto.randomUUID() : made.clientId }) };
    },
  },
  // cross: the PMO answering, from its queue, a request that is a caseworker's.
  // cross for a coordinator: a waiting participant of another region.
  "app/pmo/help/actions.ts#answerQueueAction": {
    ...pmoAndCoordinator("redirect", { pmo: "refused", coordinator: 404 }),
    arrange: async (caller, cross) => {
      if (caller === "coordinator") {
        const c = await regionalCoordinator();
        const requestId = await openRequest(await participantIn(cross ? c.elsewhere : c.home));
        return { user: c.user, form: form({ requestId, answer: "Silakan hubungi kantor wilayah" }) };
      }
      const p = await participant({ caseworker: cross ? await createTestUser("caseworker") : null });
      const requestId = await openRequest(p);
      return { user: await someone(caller), form: form({ requestId, answer: "Silakan hubungi pusat bantuan" }) };
    },
  },
  // cross: the PMO answering a request another PMO has already decided (refused).
  "app/pmo/data-requests/actions.ts#completeDataRequestAction": {
    ...pmoOnly("redirect", "refused"),
    arrange: async (caller, cross) => {
      const requestId = await deletionRequest(cross);
      return { user: await someone(caller), form: form({ requestId, note: "Dihapus sesuai permintaan.", confirm: "on" }) };
    },
  },
  "app/pmo/data-requests/actions.ts#refuseDataRequestAction": {
    ...pmoOnly("redirect", "refused"),
    arrange: async (caller, cross) => {
      const requestId = await deletionRequest(cross);
      return { user: await someone(caller), form: form({ requestId, note: "Data masih wajib disimpan menurut aturan program." }) };
    },
  },
  // cross: the PMO retrying a job that is not failed (already put back in its queue).
  "app/pmo/jobs/actions.ts#retryJobAction": {
    ...pmoOnly("ok", "refused"),
    arrange: async (caller, cross) => {
      const jobId = await insertFailedJob(QUEUES.cleanup, {});
      if (cross) await retryFailedJob(pmo, { queue: QUEUES.cleanup, jobId });
      return { user: await someone(caller), form: form({ queue: QUEUES.cleanup, jobId }) };
    },
  },
  "app/pmo/imports/[id]/actions.ts#confirmImportAction": {
    ...pmoOnly("redirect"),
    arrange: async (caller) => {
      const [importId, target] = [await checkedImport(), await createTestUser("caseworker")];
      return { user: await someone(caller), form: form({ importId, caseworkerId: target.id }) };
    },
  },
};

// ---------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|js|jsx|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(full);
  }
  return out;
}

// The directive first in the file (after comments and blank lines): a module of actions.
const MODULE_DIRECTIVE = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*["']use server["']/;

function serverModules(): { modules: string[]; inline: string[] } {
  const modules: string[] = [];
  const inline: string[] = [];
  for (const file of sourceFiles(APP)) {
    const text = readFileSync(file, "utf8");
    const rel = path.relative(ROOT, file).split(path.sep).join("/");
    if (MODULE_DIRECTIVE.test(text)) modules.push(rel);
    else if (/["']use server["']/.test(text)) inline.push(rel);
  }
  return { modules, inline };
}

type Action = (...args: unknown[]) => Promise<unknown>;

async function discoverActions(): Promise<Map<string, Action>> {
  const found = new Map<string, Action>();
  for (const rel of serverModules().modules) {
    const mod = (await import(path.join(ROOT, rel))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function") found.set(`${rel}#${name}`, value as Action);
    }
  }
  return found;
}

let actions: Map<string, Action>;
beforeAll(async () => {
  actions = await discoverActions();
});

// ---------------------------------------------------------------------------
// Posting
// ---------------------------------------------------------------------------

/** Background work handed to after(), run to its end before the tables are compared. */
let pending: Promise<unknown>[] = [];
vi.mocked(after).mockImplementation((task: unknown) => {
  pending.push(Promise.resolve().then(() => (typeof task === "function" ? task() : task)));
});

function answerOf(result: unknown, error: unknown): Answer | string {
  if (error) {
    const digest = String((error as { digest?: unknown }).digest ?? "");
    const status = /^NEXT_HTTP_ERROR_FALLBACK;(\d{3})$/.exec(digest);
    if (status) return Number(status[1]) as Answer;
    if (digest.startsWith("NEXT_REDIRECT")) return /;\/login(\?|;|$)/.test(digest) ? "login" : "redirect";
    return `threw ${String(error)}`;
  }
  if (result && typeof result === "object" && "ok" in result) return (result as { ok: unknown }).ok === false ? "refused" : "ok";
  return result === undefined ? "ok" : `answered ${JSON.stringify(result)}`;
}

async function post(name: string, p: Post) {
  const action = actions.get(name)!;
  await signedIn(p.user);
  pending = [];
  return changesOf(
    async () => {
      try {
        // Form actions take (previous state, form data); the header's take the form data only.
        return await (action.length >= 2 ? action({}, p.form) : action.length === 1 ? action(p.form) : action());
      } finally {
        await Promise.allSettled(pending);
      }
    },
    // requireUser moves last_seen_at (at most once a minute): bookkeeping, not a write.
    { ignoreColumns: { users: ["last_seen_at"] } },
  );
}

// ---------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------

describe("the table of server actions", () => {
  it("has no action declared inline in a page or component (each lives in a module of actions)", () => {
    expect(serverModules().inline, 'files with an inline "use server": move the action into an actions.ts and list it here').toEqual([]);
  });

  it("lists every exported action of every 'use server' module under app/, and nothing else", () => {
    const found = [...actions.keys()].sort();
    const missing = found.filter((name) => !(name in ACTIONS));
    const stale = Object.keys(ACTIONS).filter((name) => !actions.has(name));
    expect(missing, `server actions without an entry in app/server-actions.test.ts: ${missing.join(", ")}`).toEqual([]);
    expect(stale, `entries for server actions that no longer exist: ${stale.join(", ")}`).toEqual([]);
  });

  it("gives a reason for each public action, and refuses visitors everywhere else", () => {
    for (const [name, spec] of Object.entries(ACTIONS)) {
      if (spec.public) expect(spec.public.length, name).toBeGreaterThan(5);
      else expect(spec.answers.anonymous, `${name} without a session`).toBe("login");
    }
  });
});

const WRITES = new Set<Answer>(["ok", "redirect"]);

describe("each caller gets the documented answer, and a refusal writes nothing", () => {
  for (const [name, spec] of Object.entries(ACTIONS)) {
    const cases = [
      ...CALLERS.map((caller) => ({ caller, cross: false, answer: spec.answers[caller] })),
      ...Object.entries(spec.cross ?? {}).map(([caller, answer]) => ({ caller: caller as Caller, cross: true, answer: answer! })),
    ];
    for (const c of cases) {
      const who = c.cross ? `${c.caller} naming someone else's record` : c.caller;
      it(`${name} › ${who} → ${c.answer}`, async () => {
        const p = await spec.arrange(c.caller, c.cross);
        const { result, error, changes } = await post(name, p);
        const report = `changes:\n${describeChanges(changes)}`;
        expect(answerOf(result, error), `${name} posted by ${who}`).toBe(c.answer);
        if (!WRITES.has(c.answer)) {
          expect(changes.map((x) => `${x.kind} ${x.table} [${x.columns.join(", ")}]`), `${name} refused ${who} but wrote\n${report}`).toEqual([]);
        } else if (spec.readOnly) {
          expect(changes.map((x) => `${x.kind} ${x.table}`), `${name} (${spec.readOnly}) wrote\n${report}`).toEqual([]);
        } else if (spec.public) {
          const ok = spec.allowed ? spec.allowed(p, changes) : changes.length === 0;
          expect(ok, `${name} (public) wrote more than it may for ${who}\n${report}`).toBe(true);
        } else {
          // The form that others were refused with is a good form.
          expect(changes.length, `${name} did nothing for ${who}: the refusals above prove nothing\n${report}`).toBeGreaterThan(0);
        }
      });
    }
  }
});

// ---------------------------------------------------------------------------
// Hostile forms
// ---------------------------------------------------------------------------

// Each action, posted by the caller it serves, with the good form above broken by
// fast-check: fields replaced by hostile text (overlong, control characters, SQL and HTML
// fragments, lone surrogates…), dropped, or sent twice, and fields nobody asked for. The
// answer must be a clean one (done, a refusal beside the form, a redirect, 404), never a
// thrown error; a refusal writes nothing; and no row written holds a character that must
// not be stored.

/** The caller an action serves: the first whose documented answer writes, else a visitor. */
function servedCaller(spec: Spec): Caller {
  return CALLERS.find((c) => c !== "anonymous" && WRITES.has(spec.answers[c])) ?? "anonymous";
}

/** Good forms for the public actions, whose table entries post an empty form. */
const PUBLIC_FORMS: Record<string, () => Record<string, string>> = {
  "app/register/actions.ts#registerAction": () => registrationForm(),
  "app/login/actions.ts#signInAction": () => ({ identifier: makePhone(), password: "kata-sandi-rahasia" }),
  "app/activate/actions.ts#activateAction": () => ({ identifier: makePhone(), code: "ABCD2345", password: "kata-sandi-rahasia-baru", consent: "on" }),
};

const brokenForm = fc.array(
  fc.record({ at: fc.nat(), how: fc.constantFrom("replace", "drop", "repeat", "add"), value: hostileString }),
  { minLength: 1, maxLength: 4 },
);
type Breakage = { at: number; how: "replace" | "drop" | "repeat" | "add"; value: string };

function broken(data: FormData, steps: Breakage[]): FormData {
  const out = new FormData();
  for (const [key, value] of data.entries()) out.append(key, value);
  const keys = [...new Set(data.keys())];
  for (const s of steps) {
    const key = s.how === "add" || keys.length === 0 ? `extra${s.at % 3}` : keys[s.at % keys.length];
    if (s.how === "drop") out.delete(key);
    else if (s.how === "repeat") out.append(key, s.value);
    else out.set(key, s.value);
  }
  return out;
}

/** Every string inside a written row (jsonb columns included) that holds a forbidden character. */
function badStrings(value: unknown, where: string, out: string[] = []): string[] {
  if (typeof value === "string") {
    if (FORBIDDEN_STORED.test(value)) out.push(`${where}: ${JSON.stringify(value.slice(0, 60))}`);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) badStrings(v, `${where}.${k}`, out);
  }
  return out;
}

const CLEAN = new Set<Answer | string>(["ok", "refused", "redirect", 404]);

/** What a refusal may write: a failed password or code check's count and its audit event. */
const failureRecord = (c: Change) =>
  c.table === "auth_throttle" ||
  (c.table === "verification_codes" && c.kind === "update" && c.columns.join() === "failed_attempts") ||
  (c.table === "audit_events" && c.kind === "insert" && /_failed$/.test(String(c.after?.action)));

describe("hostile forms get a clean answer and leave no invalid row", () => {
  for (const [name, spec] of Object.entries(ACTIONS)) {
    const caller = servedCaller(spec);
    it(`${name} › ${caller}`, async () => {
      await fc.assert(
        fc.asyncProperty(brokenForm, async (steps) => {
          const p = await spec.arrange(caller, false);
          const base = PUBLIC_FORMS[name] ? form(PUBLIC_FORMS[name]()) : p.form;
          const { result, error, changes } = await post(name, { user: p.user, form: broken(base, steps as Breakage[]) });
          const answer = answerOf(result, error);
          const report = `steps ${JSON.stringify(steps).slice(0, 400)}\nchanges:\n${describeChanges(changes)}`;
          // A public form may send a visitor on to /login (the sign-in does, after success).
          expect(CLEAN.has(answer) || (spec.public && answer === "login"), `${name}: ${answer}\n${report}`).toBe(true);
          if (!WRITES.has(answer as Answer) && !spec.public) {
            expect(changes.filter((c) => !failureRecord(c)), `${name} refused but wrote\n${report}`).toEqual([]);
          }
          const bad = changes.flatMap((c) => badStrings(c.after, `${c.table}`));
          expect(bad, `${name} stored\n${report}`).toEqual([]);
        }),
        { numRuns: Number(process.env.HOSTILE_RUNS ?? 8) },
      );
    }, 180_000);
  }
});
