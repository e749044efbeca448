import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

// Enumerations live here once: the check constraints below and the zod schemas in
// lib/validation are both built from these lists.
export const ROLES = ["participant", "caseworker", "pmo"] as const;
export const STAGES = ["registration", "training", "lms", "completed", "withdrawn"] as const;
export const MIGRANT_STATUSES = ["calon", "mantan"] as const;
export const SEXES = ["L", "P"] as const;
export const SOURCES = ["self", "assisted", "import"] as const;
export const CHANNELS = ["in_person", "phone", "whatsapp", "video"] as const;
export const OUTCOMES = ["done", "blocked", "follow_up"] as const;
export const LOCALES = ["id", "en"] as const;

export type Role = (typeof ROLES)[number];
export type Stage = (typeof STAGES)[number];
export type MigrantStatus = (typeof MIGRANT_STATUSES)[number];
export type Sex = (typeof SEXES)[number];
export type Source = (typeof SOURCES)[number];
export type Channel = (typeof CHANNELS)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type Locale = (typeof LOCALES)[number];

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    role: text("role").$type<Role>().notNull(),
    name: text("name").notNull(),
    email: text("email"),
    phone: text("phone"),
    passwordHash: text("password_hash"),
    // Bumped by sign-out, password change and disabling: every JWT carrying an older
    // version is refused by requireUser on its next request.
    sessionVersion: integer("session_version").notNull().default(1),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    locale: text("locale").$type<Locale>().notNull().default("id"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_phone_key").on(t.phone),
    check("users_role_check", inList("role", ROLES)),
    check("users_locale_check", inList("locale", LOCALES)),
    check("users_email_check", sql`email is null or (email = lower(email) and email like '%_@_%')`),
    check("users_phone_check", sql`phone is null or phone ~ '^\\+[1-9][0-9]{6,14}$'`),
    check("users_contact_check", sql`email is not null or phone is not null`),
  ],
);

export const participants = pgTable(
  "participants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").references(() => users.id),
    fullName: text("full_name").notNull(),
    nik: text("nik").notNull(),
    kk: text("kk"),
    birthDate: date("birth_date").notNull(),
    sex: text("sex").$type<Sex>().notNull(),
    provinceCode: text("province_code").notNull(),
    regencyCode: text("regency_code"),
    address: text("address"),
    migrantStatus: text("migrant_status").$type<MigrantStatus>().notNull(),
    countryCode: text("country_code"),
    sector: text("sector"),
    returnDate: date("return_date"),
    idPmi: text("id_pmi"),
    arrivalDate: date("arrival_date"),
    quarantineLocation: text("quarantine_location"),
    cohort: text("cohort"),
    stage: text("stage").$type<Stage>().notNull().default("registration"),
    stageChangedAt: timestamp("stage_changed_at", { withTimezone: true }).notNull().defaultNow(),
    withdrawnReason: text("withdrawn_reason"),
    caseworkerId: uuid("caseworker_id").references(() => users.id),
    source: text("source").$type<Source>().notNull(),
    consentAt: timestamp("consent_at", { withTimezone: true }),
    consentVersion: text("consent_version"),
    consentCollectedBy: uuid("consent_collected_by").references(() => users.id),
    // Prakerja milestones (the 15-day purchase deadline runs from cardReceivedOn).
    cardNumber: text("card_number"),
    cardReceivedOn: date("card_received_on"),
    wave: smallint("wave"),
    trainingBoughtOn: date("training_bought_on"),
    lmsSessionOn: date("lms_session_on"),
    // Kept in step with service_logs in the same transaction as each log, so the
    // caseload can sort by them with an index instead of scanning every log.
    lastContactOn: date("last_contact_on"),
    nextFollowUpOn: date("next_follow_up_on"),
    // The form's one-time submission id: a double submit finds its own row.
    submissionId: uuid("submission_id"),
    // Optimistic lock for edits of the record (contact data, milestones, stage).
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("participants_nik_key").on(t.nik),
    uniqueIndex("participants_user_key").on(t.userId),
    uniqueIndex("participants_submission_key").on(t.submissionId),
    index("participants_kk_idx").on(t.kk),
    index("participants_caseworker_idx").on(t.caseworkerId, t.stage),
    index("participants_caseworker_followup_idx").on(t.caseworkerId, t.nextFollowUpOn, t.lastContactOn),
    index("participants_stage_idx").on(t.stage),
    index("participants_province_idx").on(t.provinceCode),
    check("participants_nik_check", sql`nik ~ '^[0-9]{16}$' and substr(nik, 13, 4) <> '0000'`),
    check("participants_kk_check", sql`kk is null or kk ~ '^[0-9]{16}$'`),
    check("participants_sex_check", inList("sex", SEXES)),
    check("participants_stage_check", inList("stage", STAGES)),
    check("participants_status_check", inList("migrant_status", MIGRANT_STATUSES)),
    check("participants_source_check", inList("source", SOURCES)),
    check("participants_province_check", sql`province_code ~ '^[1-9][0-9]$'`),
    check(
      "participants_regency_check",
      sql`regency_code is null or (regency_code ~ '^[0-9]{4}$' and left(regency_code, 2) = province_code)`,
    ),
    check("participants_country_check", sql`country_code is null or country_code ~ '^[A-Z]{2}$'`),
    check("participants_return_check", sql`migrant_status = 'calon' or return_date is not null`),
    check("participants_withdrawn_check", sql`(stage = 'withdrawn') = (withdrawn_reason is not null)`),
    check(
      "participants_consent_check",
      sql`(consent_at is null) = (consent_version is null)`,
    ),
  ],
);

export const services = pgTable(
  "services",
  {
    code: text("code").primaryKey(),
    stage: text("stage").$type<Stage>().notNull(),
    nameId: text("name_id").notNull(),
    nameEn: text("name_en").notNull(),
    sortOrder: integer("sort_order").notNull(),
    active: boolean("active").notNull().default(true),
  },
  () => [
    check("services_stage_check", inList("stage", ["registration", "training", "lms"])),
    check("services_code_check", sql`code ~ '^[a-z][a-z0-9_]{1,40}$'`),
  ],
);

export const blockers = pgTable(
  "blockers",
  {
    code: text("code").primaryKey(),
    nameId: text("name_id").notNull(),
    nameEn: text("name_en").notNull(),
    sortOrder: integer("sort_order").notNull(),
  },
  () => [check("blockers_code_check", sql`code ~ '^[a-z][a-z0-9_]{1,40}$'`)],
);

export const serviceLogs = pgTable(
  "service_logs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    participantId: uuid("participant_id")
      .notNull()
      .references(() => participants.id),
    caseworkerId: uuid("caseworker_id")
      .notNull()
      .references(() => users.id),
    serviceCode: text("service_code")
      .notNull()
      .references(() => services.code),
    occurredOn: date("occurred_on").notNull(),
    channel: text("channel").$type<Channel>().notNull(),
    outcome: text("outcome").$type<Outcome>().notNull(),
    blockerCode: text("blocker_code").references(() => blockers.code),
    notes: text("notes"),
    nextFollowUpOn: date("next_follow_up_on"),
    correctsId: uuid("corrects_id").references((): AnyPgColumn => serviceLogs.id),
    submissionId: uuid("submission_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("service_logs_participant_idx").on(t.participantId, t.occurredOn),
    index("service_logs_month_idx").on(t.occurredOn),
    uniqueIndex("service_logs_submission_key").on(t.submissionId),
    uniqueIndex("service_logs_corrects_key").on(t.correctsId),
    check("service_logs_channel_check", inList("channel", CHANNELS)),
    check("service_logs_outcome_check", inList("outcome", OUTCOMES)),
    check("service_logs_blocker_check", sql`(outcome = 'blocked') = (blocker_code is not null)`),
    check("service_logs_notes_check", sql`notes is null or length(notes) <= 2000`),
  ],
);

export const stageChanges = pgTable(
  "stage_changes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    participantId: uuid("participant_id")
      .notNull()
      .references(() => participants.id),
    fromStage: text("from_stage").$type<Stage>(),
    toStage: text("to_stage").$type<Stage>().notNull(),
    reason: text("reason"),
    changedBy: uuid("changed_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("stage_changes_participant_idx").on(t.participantId, t.createdAt),
    check("stage_changes_from_check", sql`from_stage is null or ${inList("from_stage", STAGES)}`),
    check("stage_changes_to_check", inList("to_stage", STAGES)),
  ],
);

export const targets = pgTable(
  "targets",
  {
    month: text("month").primaryKey(),
    count: integer("count").notNull(),
    setBy: uuid("set_by").references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  () => [
    check("targets_month_check", sql`month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check("targets_count_check", sql`count >= 0`),
  ],
);

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    actorId: uuid("actor_id").references(() => users.id),
    actorRole: text("actor_role"),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_events_entity_idx").on(t.entityType, t.entityId),
    index("audit_events_actor_idx").on(t.actorId, t.createdAt),
    index("audit_events_created_idx").on(t.createdAt),
  ],
);

/**
 * One-time codes with which a worker registered by a caseworker (or imported) sets a
 * password, and with which a caseworker lets a worker who forgot it back in. Only a
 * hash is stored; the code is shown once.
 */
export const activationCodes = pgTable(
  "activation_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    codeHash: text("code_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("activation_codes_hash_key").on(t.codeHash),
    index("activation_codes_user_idx").on(t.userId),
    check("activation_codes_hash_check", sql`code_hash ~ '^[0-9a-f]{64}$'`),
  ],
);

export type User = typeof users.$inferSelect;
export type Participant = typeof participants.$inferSelect;
export type ServiceLog = typeof serviceLogs.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
