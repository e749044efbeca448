import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** Raw bytes (PostgreSQL bytea) as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => Buffer.from(value),
});

// Enumerations live here once: the check constraints below and the zod schemas in
// lib/validation are both built from these lists.
// coordinator: a regional coordinator (koordinator wilayah), scoped to the provinces of
// the regions the PMO gave them (docs/decisions/028-regions.md).
export const ROLES = ["participant", "caseworker", "pmo", "coordinator"] as const;
export const STAGES = ["registration", "training", "lms", "completed", "withdrawn"] as const;
export const MIGRANT_STATUSES = ["calon", "mantan"] as const;
export const SEXES = ["L", "P"] as const;
export const SOURCES = ["self", "assisted", "import"] as const;
export const CHANNELS = ["in_person", "phone", "whatsapp", "video"] as const;
/** Who wrote a service log: a caseworker, or the Prakerja PMO through /api/v1 (docs/decisions/033). */
export const LOG_SOURCES = ["caseworker", "prakerja"] as const;
export const OUTCOMES = ["done", "blocked", "follow_up"] as const;
export const LOCALES = ["id", "en"] as const;
/** Where a participant's messages go first (the other channel is the fallback). */
export const MESSAGE_CHANNELS = ["whatsapp", "email"] as const;
export const CODE_PURPOSES = ["phone_confirmation", "password_reset"] as const;

export type Role = (typeof ROLES)[number];
export type Stage = (typeof STAGES)[number];
export type MigrantStatus = (typeof MIGRANT_STATUSES)[number];
export type Sex = (typeof SEXES)[number];
export type Source = (typeof SOURCES)[number];
export type Channel = (typeof CHANNELS)[number];
export type LogSource = (typeof LOG_SOURCES)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type Locale = (typeof LOCALES)[number];
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];
export type CodePurpose = (typeof CODE_PURPOSES)[number];

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** A new account's session version: a sign-in ticket for an account made a moment ago names it. */
export const FIRST_SESSION_VERSION = 1;

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
    sessionVersion: integer("session_version").notNull().default(FIRST_SESSION_VERSION),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    // Moved forward at most once a minute by requireUser: the idle timeout reads it.
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    locale: text("locale").$type<Locale>().notNull().default("id"),
    // The WhatsApp Cloud API answered that this phone cannot receive WhatsApp (error
    // 131026 and the like): shown on the case file; messages go by email, if any.
    whatsappUnreachableAt: timestamp("whatsapp_unreachable_at", { withTimezone: true }),
    // The participant replied BERHENTI (or STOP) on WhatsApp: no message goes to them there
    // until they reply MULAI (lib/data/whatsapp-inbound.ts).
    whatsappOptedOutAt: timestamp("whatsapp_opted_out_at", { withTimezone: true }),
    // The participant's choice at /me; null: WhatsApp when the phone can receive it.
    preferredChannel: text("preferred_channel").$type<MessageChannel>(),
    // The phone number was proved theirs with a code sent to it (lib/data/verification-codes.ts);
    // a change of number clears it. A password-reset code goes only to a confirmed number.
    phoneConfirmedAt: timestamp("phone_confirmed_at", { withTimezone: true }),
    // A caseworker's province (two digits), set by the PMO: the automatic assignment rule
    // gives a new participant to a caseworker of their province (docs/decisions/020).
    provinceCode: text("province_code"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_phone_key").on(t.phone),
    // Staff lists (the dashboard's caseworker table) without reading a million participant accounts.
    index("users_role_name_idx").on(t.role, t.name),
    // The PMO's search by part of a phone number (ILIKE '%…%'): trigrams (pg_trgm).
    index("users_phone_trgm_idx").using("gin", sql`${t.phone} gin_trgm_ops`),
    check("users_role_check", inList("role", ROLES)),
    check("users_locale_check", inList("locale", LOCALES)),
    check("users_email_check", sql`email is null or (email = lower(email) and email like '%_@_%')`),
    check("users_phone_check", sql`phone is null or phone ~ '^\\+[1-9][0-9]{6,14}$'`),
    check("users_contact_check", sql`email is not null or phone is not null or disabled_at is not null`),
    check("users_preferred_channel_check", sql`preferred_channel is null or preferred_channel in ('whatsapp', 'email')`),
    check("users_phone_confirmed_check", sql`phone_confirmed_at is null or phone is not null`),
    check("users_province_check", sql`province_code is null or (role = 'caseworker' and province_code ~ '^[1-9][0-9]$')`),
  ],
);

export const participants = pgTable(
  "participants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").references(() => users.id),
    fullName: text("full_name").notNull(),
    // NIK and KK are stored encrypted (lib/crypto/identity.ts): AES-256-GCM ciphertext,
    // an HMAC-SHA-256 for uniqueness and exact search, and the NIK's last four digits for
    // the caseload search. See docs/decisions/010-identity-encryption.md.
    nikEnc: text("nik_enc"),
    nikHash: text("nik_hash"),
    nikLast4: text("nik_last4"),
    kkEnc: text("kk_enc"),
    kkHash: text("kk_hash"),
    // The plaintext columns of before migration 0005. db:migrate encrypts every such row
    // and empties these; a check keeps them empty on every encrypted row.
    legacyNik: text("nik"),
    legacyKk: text("kk"),
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
    // UU PDP: consent withdrawn by the participant (processing stops), and identity data
    // erased after a completed deletion request (the anonymous row stays for the counts).
    consentWithdrawnAt: timestamp("consent_withdrawn_at", { withTimezone: true }),
    erasedAt: timestamp("erased_at", { withTimezone: true }),
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
    // Reported by the Prakerja PMO (POST /api/v1/prakerja-status): the training finished,
    // the LMS completed (certificate issued).
    trainingCompletedOn: date("training_completed_on"),
    lmsCompletedOn: date("lms_completed_on"),
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
    uniqueIndex("participants_nik_key").on(t.nikHash),
    uniqueIndex("participants_user_key").on(t.userId),
    uniqueIndex("participants_submission_key").on(t.submissionId),
    index("participants_kk_idx").on(t.kkHash),
    index("participants_nik_last4_idx").on(t.nikLast4),
    index("participants_caseworker_idx").on(t.caseworkerId, t.stage),
    index("participants_caseworker_followup_idx").on(t.caseworkerId, t.nextFollowUpOn, t.lastContactOn),
    index("participants_stage_idx").on(t.stage),
    index("participants_province_idx").on(t.provinceCode),
    index("participants_created_idx").on(t.createdAt, t.id),
    index("participants_country_idx").on(t.countryCode),
    // /api/v1/participants pages by (updated_at, id) (docs/decisions/031).
    index("participants_updated_idx").on(t.updatedAt, t.id),
    // The PMO's search by part of a name (ILIKE '%…%'): trigrams (pg_trgm).
    index("participants_name_trgm_idx").using("gin", sql`${t.fullName} gin_trgm_ops`),
    check("participants_legacy_nik_check", sql`nik is null or (nik ~ '^[0-9]{16}$' and nik_hash is null)`),
    check("participants_legacy_kk_check", sql`kk is null or (kk ~ '^[0-9]{16}$' and kk_hash is null)`),
    check(
      "participants_nik_check",
      sql`(nik_hash is null) = (nik_enc is null) and (nik_hash is null) = (nik_last4 is null)
        and (nik_hash is null or (nik_hash ~ '^[0-9a-f]{64}$' and nik_last4 ~ '^[0-9]{4}$' and nik_last4 <> '0000'))`,
    ),
    check("participants_kk_check", sql`(kk_hash is null) = (kk_enc is null) and (kk_hash is null or kk_hash ~ '^[0-9a-f]{64}$')`),
    check(
      "participants_identity_check",
      sql`case when erased_at is null then nik_hash is not null or nik is not null
        else nik_hash is null and nik is null and kk_hash is null and kk is null and address is null end`,
    ),
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
    // The caseworker who gave the service; null for a fact the Prakerja PMO reported
    // (source 'prakerja', api_client_id names the partner): no caseworker gave it.
    caseworkerId: uuid("caseworker_id").references(() => users.id),
    source: text("source").$type<LogSource>().notNull().default("caseworker"),
    apiClientId: uuid("api_client_id").references((): AnyPgColumn => apiClients.id),
    serviceCode: text("service_code")
      .notNull()
      .references(() => services.code),
    occurredOn: date("occurred_on").notNull(),
    // null for a reported fact: nobody spoke to the participant.
    channel: text("channel").$type<Channel>(),
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
    check("service_logs_channel_check", sql`channel is null or ${inList("channel", CHANNELS)}`),
    check("service_logs_source_check", inList("source", LOG_SOURCES)),
    check(
      "service_logs_author_check",
      sql`case source when 'caseworker' then caseworker_id is not null and api_client_id is null and channel is not null
        else caseworker_id is null and api_client_id is not null and channel is null end`,
    ),
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
    // A move the Prakerja PMO's status events implied (changed_by is null then).
    apiClientId: uuid("api_client_id").references((): AnyPgColumn => apiClients.id),
    createdAt: createdAt(),
  },
  (t) => [
    check("stage_changes_author_check", sql`api_client_id is null or changed_by is null`),
    index("stage_changes_participant_idx").on(t.participantId, t.createdAt),
    check("stage_changes_from_check", sql`from_stage is null or ${inList("from_stage", STAGES)}`),
    check("stage_changes_to_check", inList("to_stage", STAGES)),
  ],
);

/**
 * A regional office: a named set of provinces (region_provinces). The PMO makes and
 * changes them; coordinators are given one or more (coordinator_regions) and see the
 * participants and caseworkers of those provinces only.
 */
export const regions = pgTable(
  "regions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("regions_name_key").on(sql`lower(${t.name})`),
    check("regions_name_check", sql`name = btrim(name) and length(name) between 2 and 80`),
  ],
);

/** Which region a province belongs to: at most one (the province is the key). */
export const regionProvinces = pgTable(
  "region_provinces",
  {
    provinceCode: text("province_code").primaryKey(),
    regionId: uuid("region_id")
      .notNull()
      .references(() => regions.id, { onDelete: "cascade" }),
  },
  (t) => [index("region_provinces_region_idx").on(t.regionId), check("region_provinces_province_check", sql`province_code ~ '^[1-9][0-9]$'`)],
);

/** The regions a coordinator works for (only coordinators: a trigger in migration 0018 checks the role). */
export const coordinatorRegions = pgTable(
  "coordinator_regions",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    regionId: uuid("region_id")
      .notNull()
      .references(() => regions.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.regionId] }), index("coordinator_regions_region_idx").on(t.regionId)],
);

/**
 * A partner system (the Prakerja PMO, BP2MI) that calls /api/v1 with a key the PMO gave
 * it. Only a hash of the secret is kept; the scopes say what it may do, the region (if
 * any) which participants it may see. See docs/decisions for the partner API.
 */
export const API_SCOPES = ["progress:read", "participants:read", "prakerja-status:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const apiClients = pgTable(
  "api_clients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    organisation: text("organisation").notNull(),
    scopes: text("scopes").array().$type<ApiScope[]>().notNull(),
    // null: every province; otherwise the provinces of this region only.
    regionId: uuid("region_id").references(() => regions.id),
    // The key's public part (shown in lists, used to find the row) and the SHA-256 of the whole key.
    keyPrefix: text("key_prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("api_clients_key_prefix_key").on(t.keyPrefix),
    uniqueIndex("api_clients_secret_hash_key").on(t.secretHash),
    check("api_clients_name_check", sql`name = btrim(name) and length(name) between 2 and 80`),
    check("api_clients_organisation_check", sql`organisation = btrim(organisation) and length(organisation) between 2 and 120`),
    check(
      "api_clients_scopes_check",
      sql`cardinality(scopes) >= 1 and scopes <@ array[${sql.raw(API_SCOPES.map((s) => `'${s}'`).join(", "))}]::text[]`,
    ),
  ],
);

/**
 * /api/v1's rate limit: one fixed window per client (a minute), counted in PostgreSQL so
 * every app instance sees the same count (docs/decisions/031).
 */
export const apiRateLimits = pgTable(
  "api_rate_limits",
  {
    apiClientId: uuid("api_client_id")
      .primaryKey()
      .references(() => apiClients.id, { onDelete: "cascade" }),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull(),
  },
  (t) => [check("api_rate_limits_count_check", sql`count >= 0`)],
);

export const PRAKERJA_BATCH_STATES = ["queued", "running", "done", "failed"] as const;
export type PrakerjaBatchStateColumn = (typeof PRAKERJA_BATCH_STATES)[number];

/**
 * A large batch of Prakerja status events (POST /api/v1/prakerja-status), kept until a
 * job applies it (lib/jobs/prakerja-status.ts). The events are kept without their NIKs:
 * each as its NIK's keyed hash (lib/crypto/identity.ts), event, date and provider.
 * results: one per event once done.
 */
export const prakerjaBatches = pgTable(
  "prakerja_batches",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    apiClientId: uuid("api_client_id")
      .notNull()
      .references(() => apiClients.id),
    state: text("state").$type<PrakerjaBatchStateColumn>().notNull().default("queued"),
    received: integer("received").notNull(),
    events: jsonb("events"),
    results: jsonb("results"),
    counts: jsonb("counts"),
    errorId: text("error_id"),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("prakerja_batches_client_idx").on(t.apiClientId, t.createdAt),
    check("prakerja_batches_state_check", inList("state", PRAKERJA_BATCH_STATES)),
    check("prakerja_batches_received_check", sql`received between 1 and 10000`),
  ],
);

/**
 * Idempotency-Key of POST /api/v1/prakerja-status: per client, the request's hash and the
 * answer given, for a day (docs/decisions/034). A retry with the same key and body gets the
 * same answer; another body with the same key is a conflict.
 */
export const prakerjaIdempotency = pgTable(
  "prakerja_idempotency",
  {
    apiClientId: uuid("api_client_id")
      .notNull()
      .references(() => apiClients.id),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    answer: jsonb("answer"),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.apiClientId, t.key] }),
    index("prakerja_idempotency_expires_idx").on(t.expiresAt),
    check("prakerja_idempotency_key_check", sql`length(key) between 1 and 255`),
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

/**
 * The programme's settings: one row (id is always true). `auto_assign` switches the
 * automatic assignment rule of self-registration (docs/decisions/020), set by the PMO.
 */
export const programmeSettings = pgTable(
  "programme_settings",
  {
    id: boolean("id").primaryKey().default(true),
    autoAssign: boolean("auto_assign").notNull().default(false),
    updatedBy: uuid("updated_by").references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  () => [check("programme_settings_one_row", sql`id`)],
);

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    actorId: uuid("actor_id").references(() => users.id),
    actorRole: text("actor_role"),
    // Set when the actor is a partner system calling /api/v1 (actor_role 'api_client').
    apiClientId: uuid("api_client_id").references((): AnyPgColumn => apiClients.id),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    // The provinces the event concerns (a participant's, before and after a move; a
    // caseworker account's), filled by a trigger on insert: what a regional coordinator's
    // audit log is scoped by (docs/decisions/029-coordinator-reads.md). Null: no province.
    provinceCodes: text("province_codes").array(),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_events_entity_idx").on(t.entityType, t.entityId),
    index("audit_events_provinces_idx").using("gin", t.provinceCodes),
    index("audit_events_actor_idx").on(t.actorId, t.createdAt),
    index("audit_events_created_idx").on(t.createdAt),
    index("audit_events_api_client_idx").on(t.apiClientId, t.createdAt),
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

/**
 * Six-digit codes sent to a person's phone (WhatsApp) or email: to confirm that the phone
 * number is theirs, or to set a new password. Only an HMAC of the code is stored; a code
 * works for 10 minutes, once, and five wrong tries void it (lib/data/verification-codes.ts).
 */
export const verificationCodes = pgTable(
  "verification_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    purpose: text("purpose").$type<CodePurpose>().notNull(),
    // The phone (E.164) or email address the code was sent to: confirming proves that one.
    destination: text("destination").notNull(),
    codeHash: text("code_hash").notNull(),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    // Who asked for it: the person, or the caseworker sitting with them; null: /login's reset.
    requestedBy: uuid("requested_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("verification_codes_user_idx").on(t.userId, t.purpose, t.createdAt),
    index("verification_codes_expires_idx").on(t.expiresAt),
    check("verification_codes_purpose_check", inList("purpose", CODE_PURPOSES)),
    check("verification_codes_hash_check", sql`code_hash ~ '^[0-9a-f]{64}$'`),
    check("verification_codes_attempts_check", sql`failed_attempts >= 0`),
  ],
);

export const EMPLOYMENT_STATUSES = ["working_id", "working_abroad", "own_business", "looking", "not_looking"] as const;
export const TRAINING_HELPED = ["yes", "somewhat", "no"] as const;
export const PLANS_ABROAD = ["yes", "no", "unsure"] as const;

/** The programme's evaluation survey (Survei Evaluasi): one answer per participant. */
export const surveyResponses = pgTable(
  "survey_responses",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    participantId: uuid("participant_id")
      .notNull()
      .references(() => participants.id),
    employmentStatus: text("employment_status").notNull(),
    trainingHelped: text("training_helped").notNull(),
    satisfaction: smallint("satisfaction").notNull(),
    // Blocker codes (and "other") the worker found hardest.
    hardest: text("hardest").array().notNull().default(sql`'{}'::text[]`),
    hardestOther: text("hardest_other"),
    plansAbroad: text("plans_abroad").notNull(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("survey_responses_participant_key").on(t.participantId),
    check("survey_employment_check", inList("employment_status", EMPLOYMENT_STATUSES)),
    check("survey_helped_check", inList("training_helped", TRAINING_HELPED)),
    check("survey_plans_check", inList("plans_abroad", PLANS_ABROAD)),
    check("survey_satisfaction_check", sql`satisfaction between 1 and 5`),
    check("survey_other_check", sql`hardest_other is null or length(hardest_other) <= 500`),
  ],
);

export const HELP_STATUSES = ["open", "answered"] as const;

/** A participant's request for help: to the assigned caseworker, or the PMO's queue. */
export const helpRequests = pgTable(
  "help_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    participantId: uuid("participant_id")
      .notNull()
      .references(() => participants.id),
    topic: text("topic").notNull(),
    message: text("message").notNull(),
    status: text("status").notNull().default("open"),
    answer: text("answer"),
    answeredBy: uuid("answered_by").references(() => users.id),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    serviceLogId: uuid("service_log_id").references(() => serviceLogs.id),
    submissionId: uuid("submission_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("help_requests_participant_idx").on(t.participantId, t.createdAt),
    index("help_requests_open_idx").on(t.status, t.createdAt),
    uniqueIndex("help_requests_submission_key").on(t.submissionId),
    check("help_requests_status_check", inList("status", HELP_STATUSES)),
    check("help_requests_message_check", sql`length(message) between 1 and 1000`),
    check(
      "help_requests_answer_check",
      sql`(status = 'answered') = (answer is not null and answered_at is not null and answered_by is not null)`,
    ),
  ],
);

/**
 * A participant's requests under UU PDP No. 27/2022 (/me/data): deletion of their data or
 * withdrawal of consent. The PMO answers each within 3 × 24 hours (due_at). A download of
 * one's own data needs no request; it is answered at once and audited.
 */
export const DATA_REQUEST_KINDS = ["deletion", "consent_withdrawal"] as const;
export const DATA_REQUEST_STATES = ["open", "completed", "refused"] as const;
export type DataRequestKind = (typeof DATA_REQUEST_KINDS)[number];
export type DataRequestState = (typeof DATA_REQUEST_STATES)[number];

export const dataRequests = pgTable(
  "data_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    participantId: uuid("participant_id")
      .notNull()
      .references(() => participants.id),
    kind: text("kind").$type<DataRequestKind>().notNull(),
    status: text("status").$type<DataRequestState>().notNull().default("open"),
    reason: text("reason"),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedBy: uuid("decided_by").references(() => users.id),
    decisionNote: text("decision_note"),
    // Set by the data-rights deadline job (lib/jobs/data-rights-deadlines.ts) when an open
    // request comes within a day of its deadline: the PMO's list and dashboard raise it.
    raisedAt: timestamp("raised_at", { withTimezone: true }),
  },
  (t) => [
    // One open request of a kind per participant: a double submit finds the first.
    uniqueIndex("data_requests_open_key").on(t.participantId, t.kind).where(sql`status = 'open'`),
    index("data_requests_status_due_idx").on(t.status, t.dueAt),
    check("data_requests_kind_check", inList("kind", DATA_REQUEST_KINDS)),
    check("data_requests_status_check", inList("status", DATA_REQUEST_STATES)),
    check("data_requests_due_check", sql`due_at > requested_at`),
    check(
      "data_requests_decided_check",
      sql`(status = 'open') = (decided_at is null) and (decided_at is null or decided_by is not null)`,
    ),
  ],
);

export const OUTBOX_CHANNELS = ["email", "whatsapp"] as const;
export const OUTBOX_STATES = ["pending", "sending", "sent", "failed", "recorded"] as const;

/**
 * Messages to participants (email, WhatsApp text). Written in the transaction of the
 * change that causes them; sent afterwards, so sending never blocks or breaks that change.
 * "recorded": no transport is configured for the channel, the outbox is the record.
 */
export const outboxMessages = pgTable(
  "outbox_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    state: text("state").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    // "sending": a worker claimed the message and is handing it to the mail server (since
    // this time); a claim older than a minute is a worker that died (lib/data/outbox.ts).
    sendingSince: timestamp("sending_since", { withTimezone: true }),
    // WhatsApp: the approved template's values (Indonesian, lib/channels/templates.ts),
    // the Cloud API's message id once accepted, and the last status its webhook reported
    // (sent → delivered → read, or failed; never backwards), with its time and error code.
    templateValues: jsonb("template_values"),
    providerMessageId: text("provider_message_id"),
    deliveryStatus: text("delivery_status"),
    deliveryStatusAt: timestamp("delivery_status_at", { withTimezone: true }),
    errorCode: integer("error_code"),
    kind: text("kind").notNull(),
    participantId: uuid("participant_id").references(() => participants.id),
    // One message per cause (e.g. "deadline:<participant>:<date>"): a repeated run adds nothing.
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("outbox_state_idx").on(t.state, t.createdAt),
    uniqueIndex("outbox_dedupe_key").on(t.dedupeKey),
    uniqueIndex("outbox_provider_message_key").on(t.providerMessageId),
    check("outbox_delivery_status_check", sql`delivery_status is null or delivery_status in ('sent', 'delivered', 'read', 'failed')`),
    check("outbox_channel_check", inList("channel", OUTBOX_CHANNELS)),
    check("outbox_state_check", inList("state", OUTBOX_STATES)),
  ],
);

export const IMPORT_STATES = ["checking", "checked", "importing", "imported", "failed"] as const;
export const IMPORT_ROW_STATUSES = ["ready", "refused", "duplicate", "imported"] as const;

/** A cohort import (a quarantine list): checked whole first, imported on confirmation. */
export const imports = pgTable(
  "imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    cohort: text("cohort").notNull(),
    fileName: text("file_name").notNull(),
    fileSha256: text("file_sha256").notNull(),
    fileBytes: integer("file_bytes").notNull(),
    state: text("state").notNull().default("checking"),
    rowsTotal: integer("rows_total").notNull().default(0),
    rowsChecked: integer("rows_checked").notNull().default(0),
    rowsReady: integer("rows_ready").notNull().default(0),
    rowsRefused: integer("rows_refused").notNull().default(0),
    rowsDuplicate: integer("rows_duplicate").notNull().default(0),
    rowsImported: integer("rows_imported").notNull().default(0),
    // Caseworkers to spread the imported participants over, evenly.
    caseworkerIds: uuid("caseworker_ids").array(),
    error: text("error"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    importedAt: timestamp("imported_at", { withTimezone: true }),
  },
  (t) => [
    index("imports_created_idx").on(t.createdAt),
    check("imports_state_check", inList("state", IMPORT_STATES)),
    check("imports_cohort_check", sql`length(cohort) between 1 and 200`),
  ],
);

/** Each line of an import file: its check result, and the normalised data to import. */
export const importRows = pgTable(
  "import_rows",
  {
    importId: uuid("import_id")
      .notNull()
      .references(() => imports.id),
    line: integer("line").notNull(),
    status: text("status").notNull(),
    // HMAC of the row's NIK (as participants.nik_hash): duplicates are found by it. The
    // row's data holds the NIK and KK encrypted, never in clear.
    nikHash: text("nik_hash"),
    legacyNik: text("nik"),
    reasons: text("reasons").array(),
    data: jsonb("data"),
    participantId: uuid("participant_id").references(() => participants.id),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.line] }),
    index("import_rows_status_idx").on(t.importId, t.status),
    check("import_rows_status_check", inList("status", IMPORT_ROW_STATUSES)),
  ],
);

/**
 * An uploaded import file's bytes, in pieces of up to 1 MB, in the database rather than
 * on one server's disk: any worker can check the file. Written as the upload arrives
 * (under the upload's id, which becomes the import's id when the file passes), read by
 * the check job, deleted when the check has finished. Pieces of an upload that never
 * became an import are removed by the cleanup job.
 */
export const importFileChunks = pgTable(
  "import_file_chunks",
  {
    uploadId: uuid("upload_id").notNull(),
    seq: integer("seq").notNull(),
    bytes: bytea("bytes").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.seq] }), check("import_file_chunks_seq_check", sql`seq >= 0`)],
);

/**
 * How far a running import's transaction has got. The import writes its rows in one
 * transaction, invisible to the web servers until it commits, so the worker reports its
 * progress here, outside that transaction.
 */
export const importProgress = pgTable(
  "import_progress",
  {
    importId: uuid("import_id")
      .primaryKey()
      .references(() => imports.id, { onDelete: "cascade" }),
    done: integer("done").notNull().default(0),
    total: integer("total").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (_t) => [check("import_progress_done_check", sql`done >= 0 and total >= 0`)],
);

/**
 * The pace of sends to an outside API, shared by every worker: one row per sender (e.g.
 * "whatsapp:<phone number id>") with the earliest time the next send may go
 * (lib/data/send-pace.ts). Keeps all workers together under the API's throughput limit.
 */
export const sendPace = pgTable("send_pace", {
  key: text("key").primaryKey(),
  nextAt: timestamp("next_at", { withTimezone: true }).notNull(),
});

/**
 * Failed sign-in and activation attempts, counted per account and per IP address in
 * PostgreSQL so that every app instance sees the same counts. A key is "account:<id>",
 * "identifier:<hash>" (for unknown accounts) or "ip:<address>".
 */
export const authThrottle = pgTable(
  "auth_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastFailureAt: timestamp("last_failure_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("auth_throttle_last_idx").on(t.lastFailureAt), check("auth_throttle_failures_check", sql`failures >= 0`)],
);

// ---------------------------------------------------------------------------------------
// The PMO dashboard's aggregates (docs/decisions/013-dashboard-aggregates.md).
//
// Counters kept in step with participants, stage_changes and service_logs by triggers
// (db/migrations/0006), in the same transaction as every write, whatever code writes.
// Every table is keyed by the dashboard's filter dimensions: province, migrant status,
// source and cohort ('' for none). `month` is the first day of a month: the Jakarta-time
// registration month, or the month a service was given. dash_rebuild() recomputes them
// all from the rows; lib/data/dashboard-aggregates.test.ts compares them with full counts.
// ---------------------------------------------------------------------------------------

const dims = {
  provinceCode: text("province_code").notNull(),
  migrantStatus: text("migrant_status").notNull(),
  source: text("source").notNull(),
  cohort: text("cohort").notNull(),
};
const counter = () => integer("n").notNull();
type DimColumns = { provinceCode: AnyPgColumn; migrantStatus: AnyPgColumn; source: AnyPgColumn; cohort: AnyPgColumn };
const dimKey = (t: DimColumns) => [t.provinceCode, t.migrantStatus, t.source, t.cohort] as const;

/** Participants by registration month and current stage. */
export const dashCohort = pgTable(
  "dash_cohort",
  { month: date("month").notNull(), ...dims, stage: text("stage").notNull(), n: counter() },
  (t) => [primaryKey({ columns: [t.month, ...dimKey(t), t.stage] })],
);

/** Participants by registration month and country of placement ('' for none). */
export const dashCountry = pgTable(
  "dash_country",
  { month: date("month").notNull(), ...dims, countryCode: text("country_code").notNull(), n: counter() },
  (t) => [primaryKey({ columns: [t.month, ...dimKey(t), t.countryCode] })],
);

/** Participants by registration month who have ever been in a stage. */
export const dashReached = pgTable(
  "dash_reached",
  { month: date("month").notNull(), ...dims, stage: text("stage").notNull(), n: counter() },
  (t) => [primaryKey({ columns: [t.month, ...dimKey(t), t.stage] })],
);

/** Finished spells in a stage by length in whole Jakarta calendar days: a histogram for exact medians. */
export const dashSpells = pgTable(
  "dash_spells",
  {
    month: date("month").notNull(),
    ...dims,
    stage: text("stage").notNull(),
    days: integer("days").notNull(),
    n: counter(),
  },
  (t) => [primaryKey({ columns: [t.month, ...dimKey(t), t.stage, t.days] })],
);

/**
 * Participants by registration week (the Monday of the Jakarta-time ISO week) and
 * registration month: the weekly series of the dashboard's "over time" charts. The month
 * is in the key so that a period of whole months takes exactly its registrations, the
 * weeks that straddle its first and last day included only in part.
 */
export const dashWeekly = pgTable(
  "dash_weekly",
  { week: date("week").notNull(), month: date("month").notNull(), ...dims, n: counter() },
  (t) => [primaryKey({ columns: [t.week, t.month, ...dimKey(t)] })],
);

/** Services in force by the month given and the blocker ('' when not blocked). */
export const dashServices = pgTable(
  "dash_services",
  { month: date("month").notNull(), ...dims, blockerCode: text("blocker_code").notNull(), n: counter() },
  (t) => [primaryKey({ columns: [t.month, ...dimKey(t), t.blockerCode] })],
);

/** Services in force by month and the caseworker who logged them (the dashboard's caseworker table). */
export const dashCaseworkerServices = pgTable(
  "dash_caseworker_services",
  { month: date("month").notNull(), caseworkerId: uuid("caseworker_id").notNull(), ...dims, n: counter() },
  (t) => [primaryKey({ columns: [t.month, t.caseworkerId, ...dimKey(t)] })],
);

/**
 * Forward stage moves (registration → training → lms → completed) by the Jakarta-time
 * month of the move, the user who recorded it (stage_changes.changed_by) and the whole
 * Jakarta calendar days the participant had been in the stage left: a histogram, so each
 * caseworker's median is exact (docs/decisions/027-caseworker-table.md).
 */
export const dashCaseworkerMoves = pgTable(
  "dash_caseworker_moves",
  {
    month: date("month").notNull(),
    caseworkerId: uuid("caseworker_id").notNull(),
    ...dims,
    days: integer("days").notNull(),
    n: counter(),
  },
  (t) => [primaryKey({ columns: [t.month, t.caseworkerId, ...dimKey(t), t.days] })],
);

/**
 * dash_caseworker_moves without the filter dimensions, for caseworkers only: per month and
 * caseworker, counts[d + 1] moves after d days in the stage left. One row per caseworker
 * and month (not one per move, as the dimensions make the table above at scale), so the
 * dashboard reads a period's moves and medians from a few thousand rows. Kept from
 * dash_caseworker_moves by a trigger on it (migration 0017, docs/decisions/027).
 */
export const dashCaseworkerMoveDays = pgTable(
  "dash_caseworker_move_days",
  { month: date("month").notNull(), caseworkerId: uuid("caseworker_id").notNull(), counts: integer("counts").array().notNull() },
  (t) => [primaryKey({ columns: [t.month, t.caseworkerId] })],
);

/**
 * dash_caseworker_move_days with the filter dimensions: per month, caseworker and the moved
 * participants' province, status, source and cohort, counts[d + 1] moves after d days.
 * Caseworkers work in one province (one region), so this is a few rows per caseworker and
 * month, not one per move; the dashboard reads it under a filter or a coordinator's scope.
 * Kept from dash_caseworker_moves by a trigger on it (migration 0024, docs/decisions/038).
 */
export const dashCaseworkerMoveDaysBy = pgTable(
  "dash_caseworker_move_days_by",
  { month: date("month").notNull(), caseworkerId: uuid("caseworker_id").notNull(), ...dims, counts: integer("counts").array().notNull() },
  (t) => [primaryKey({ columns: [t.month, t.caseworkerId, ...dimKey(t)] })],
);

/**
 * Open help requests of the participants assigned to each caseworker, by the participant's
 * dimensions. Kept by triggers on help_requests (opened, answered, deleted) and on
 * participants (reassigned, or moved in a dimension) (migration 0024, docs/decisions/038).
 */
export const dashHelpOpen = pgTable(
  "dash_help_open",
  { caseworkerId: uuid("caseworker_id").notNull(), ...dims, n: counter() },
  (t) => [primaryKey({ columns: [t.caseworkerId, ...dimKey(t)] })],
);

/** Each caseworker's assigned participants, and how many of the open ones have a follow-up date. */
export const dashCaseload = pgTable(
  "dash_caseload",
  { caseworkerId: uuid("caseworker_id").notNull(), ...dims, n: counter(), withFollowUp: integer("n_follow_up").notNull() },
  (t) => [primaryKey({ columns: [t.caseworkerId, ...dimKey(t)] })],
);

/** Open participants by follow-up date: "overdue" = with a follow-up date minus those due today or later. */
export const dashFollowUps = pgTable(
  "dash_follow_ups",
  { followUpOn: date("follow_up_on").notNull(), caseworkerId: uuid("caseworker_id").notNull(), ...dims, n: counter() },
  (t) => [primaryKey({ columns: [t.followUpOn, t.caseworkerId, ...dimKey(t)] })],
);

export type User = typeof users.$inferSelect;
export type Participant = typeof participants.$inferSelect;
export type ServiceLog = typeof serviceLogs.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
