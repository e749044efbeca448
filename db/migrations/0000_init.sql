CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_id" uuid,
	"actor_role" text,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blockers" (
	"code" text PRIMARY KEY NOT NULL,
	"name_id" text NOT NULL,
	"name_en" text NOT NULL,
	"sort_order" integer NOT NULL,
	CONSTRAINT "blockers_code_check" CHECK (code ~ '^[a-z][a-z0-9_]{1,40}$')
);
--> statement-breakpoint
CREATE TABLE "participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"full_name" text NOT NULL,
	"nik" text NOT NULL,
	"kk" text,
	"birth_date" date NOT NULL,
	"sex" text NOT NULL,
	"province_code" text NOT NULL,
	"regency_code" text,
	"address" text,
	"migrant_status" text NOT NULL,
	"country_code" text,
	"sector" text,
	"return_date" date,
	"id_pmi" text,
	"arrival_date" date,
	"quarantine_location" text,
	"cohort" text,
	"stage" text DEFAULT 'registration' NOT NULL,
	"stage_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_reason" text,
	"caseworker_id" uuid,
	"source" text NOT NULL,
	"consent_at" timestamp with time zone,
	"consent_version" text,
	"consent_collected_by" uuid,
	"card_number" text,
	"card_received_on" date,
	"wave" smallint,
	"training_bought_on" date,
	"lms_session_on" date,
	"submission_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "participants_nik_check" CHECK (nik ~ '^[0-9]{16}$' and substr(nik, 13, 4) <> '0000'),
	CONSTRAINT "participants_kk_check" CHECK (kk is null or kk ~ '^[0-9]{16}$'),
	CONSTRAINT "participants_sex_check" CHECK (sex in ('L', 'P')),
	CONSTRAINT "participants_stage_check" CHECK (stage in ('registration', 'training', 'lms', 'completed', 'withdrawn')),
	CONSTRAINT "participants_status_check" CHECK (migrant_status in ('calon', 'mantan')),
	CONSTRAINT "participants_source_check" CHECK (source in ('self', 'assisted', 'import')),
	CONSTRAINT "participants_province_check" CHECK (province_code ~ '^[1-9][0-9]$'),
	CONSTRAINT "participants_regency_check" CHECK (regency_code is null or (regency_code ~ '^[0-9]{4}$' and left(regency_code, 2) = province_code)),
	CONSTRAINT "participants_country_check" CHECK (country_code is null or country_code ~ '^[A-Z]{2}$'),
	CONSTRAINT "participants_return_check" CHECK (migrant_status = 'calon' or return_date is not null),
	CONSTRAINT "participants_withdrawn_check" CHECK ((stage = 'withdrawn') = (withdrawn_reason is not null)),
	CONSTRAINT "participants_consent_check" CHECK ((consent_at is null) = (consent_version is null))
);
--> statement-breakpoint
CREATE TABLE "service_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"participant_id" uuid NOT NULL,
	"caseworker_id" uuid NOT NULL,
	"service_code" text NOT NULL,
	"occurred_on" date NOT NULL,
	"channel" text NOT NULL,
	"outcome" text NOT NULL,
	"blocker_code" text,
	"notes" text,
	"next_follow_up_on" date,
	"corrects_id" uuid,
	"submission_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_logs_channel_check" CHECK (channel in ('in_person', 'phone', 'whatsapp', 'video')),
	CONSTRAINT "service_logs_outcome_check" CHECK (outcome in ('done', 'blocked', 'follow_up')),
	CONSTRAINT "service_logs_blocker_check" CHECK ((outcome = 'blocked') = (blocker_code is not null)),
	CONSTRAINT "service_logs_notes_check" CHECK (notes is null or length(notes) <= 2000)
);
--> statement-breakpoint
CREATE TABLE "services" (
	"code" text PRIMARY KEY NOT NULL,
	"stage" text NOT NULL,
	"name_id" text NOT NULL,
	"name_en" text NOT NULL,
	"sort_order" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "services_stage_check" CHECK (stage in ('registration', 'training', 'lms')),
	CONSTRAINT "services_code_check" CHECK (code ~ '^[a-z][a-z0-9_]{1,40}$')
);
--> statement-breakpoint
CREATE TABLE "stage_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"participant_id" uuid NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL,
	"reason" text,
	"changed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stage_changes_from_check" CHECK (from_stage is null or from_stage in ('registration', 'training', 'lms', 'completed', 'withdrawn')),
	CONSTRAINT "stage_changes_to_check" CHECK (to_stage in ('registration', 'training', 'lms', 'completed', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"month" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"set_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "targets_month_check" CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "targets_count_check" CHECK (count >= 0)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"role" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"phone" text,
	"password_hash" text,
	"session_version" integer DEFAULT 1 NOT NULL,
	"disabled_at" timestamp with time zone,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	"locale" text DEFAULT 'id' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK (role in ('participant', 'caseworker', 'pmo')),
	CONSTRAINT "users_locale_check" CHECK (locale in ('id', 'en')),
	CONSTRAINT "users_email_check" CHECK (email is null or (email = lower(email) and email like '%_@_%')),
	CONSTRAINT "users_phone_check" CHECK (phone is null or phone ~ '^\+[1-9][0-9]{6,14}$'),
	CONSTRAINT "users_contact_check" CHECK (email is not null or phone is not null)
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_caseworker_id_users_id_fk" FOREIGN KEY ("caseworker_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_consent_collected_by_users_id_fk" FOREIGN KEY ("consent_collected_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_caseworker_id_users_id_fk" FOREIGN KEY ("caseworker_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_service_code_services_code_fk" FOREIGN KEY ("service_code") REFERENCES "public"."services"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_blocker_code_blockers_code_fk" FOREIGN KEY ("blocker_code") REFERENCES "public"."blockers"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_corrects_id_service_logs_id_fk" FOREIGN KEY ("corrects_id") REFERENCES "public"."service_logs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_changes" ADD CONSTRAINT "stage_changes_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_changes" ADD CONSTRAINT "stage_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_entity_idx" ON "audit_events" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_created_idx" ON "audit_events" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "participants_nik_key" ON "participants" USING btree ("nik");--> statement-breakpoint
CREATE UNIQUE INDEX "participants_user_key" ON "participants" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "participants_submission_key" ON "participants" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "participants_kk_idx" ON "participants" USING btree ("kk");--> statement-breakpoint
CREATE INDEX "participants_caseworker_idx" ON "participants" USING btree ("caseworker_id","stage");--> statement-breakpoint
CREATE INDEX "participants_stage_idx" ON "participants" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "participants_province_idx" ON "participants" USING btree ("province_code");--> statement-breakpoint
CREATE INDEX "service_logs_participant_idx" ON "service_logs" USING btree ("participant_id","occurred_on");--> statement-breakpoint
CREATE INDEX "service_logs_month_idx" ON "service_logs" USING btree ("occurred_on");--> statement-breakpoint
CREATE UNIQUE INDEX "service_logs_submission_key" ON "service_logs" USING btree ("submission_id");--> statement-breakpoint
CREATE UNIQUE INDEX "service_logs_corrects_key" ON "service_logs" USING btree ("corrects_id");--> statement-breakpoint
CREATE INDEX "stage_changes_participant_idx" ON "stage_changes" USING btree ("participant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "users_phone_key" ON "users" USING btree ("phone");