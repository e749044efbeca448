CREATE TABLE "help_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"participant_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"message" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"answer" text,
	"answered_by" uuid,
	"answered_at" timestamp with time zone,
	"service_log_id" uuid,
	"submission_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "help_requests_status_check" CHECK (status in ('open', 'answered')),
	CONSTRAINT "help_requests_message_check" CHECK (length(message) between 1 and 1000),
	CONSTRAINT "help_requests_answer_check" CHECK ((status = 'answered') = (answer is not null and answered_at is not null and answered_by is not null))
);
--> statement-breakpoint
CREATE TABLE "import_rows" (
	"import_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"status" text NOT NULL,
	"nik" text,
	"reasons" text[],
	"data" jsonb,
	"participant_id" uuid,
	CONSTRAINT "import_rows_import_id_line_pk" PRIMARY KEY("import_id","line"),
	CONSTRAINT "import_rows_status_check" CHECK (status in ('ready', 'refused', 'duplicate', 'imported'))
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cohort" text NOT NULL,
	"file_name" text NOT NULL,
	"file_sha256" text NOT NULL,
	"file_bytes" integer NOT NULL,
	"state" text DEFAULT 'checking' NOT NULL,
	"rows_total" integer DEFAULT 0 NOT NULL,
	"rows_checked" integer DEFAULT 0 NOT NULL,
	"rows_ready" integer DEFAULT 0 NOT NULL,
	"rows_refused" integer DEFAULT 0 NOT NULL,
	"rows_duplicate" integer DEFAULT 0 NOT NULL,
	"rows_imported" integer DEFAULT 0 NOT NULL,
	"caseworker_ids" uuid[],
	"error" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_at" timestamp with time zone,
	CONSTRAINT "imports_state_check" CHECK (state in ('checking', 'checked', 'importing', 'imported', 'failed')),
	CONSTRAINT "imports_cohort_check" CHECK (length(cohort) between 1 and 200)
);
--> statement-breakpoint
CREATE TABLE "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"kind" text NOT NULL,
	"participant_id" uuid,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbox_channel_check" CHECK (channel in ('email', 'whatsapp')),
	CONSTRAINT "outbox_state_check" CHECK (state in ('pending', 'sent', 'failed', 'recorded'))
);
--> statement-breakpoint
CREATE TABLE "survey_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"participant_id" uuid NOT NULL,
	"employment_status" text NOT NULL,
	"training_helped" text NOT NULL,
	"satisfaction" smallint NOT NULL,
	"hardest" text[] DEFAULT '{}'::text[] NOT NULL,
	"hardest_other" text,
	"plans_abroad" text NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_employment_check" CHECK (employment_status in ('working_id', 'working_abroad', 'own_business', 'looking', 'not_looking')),
	CONSTRAINT "survey_helped_check" CHECK (training_helped in ('yes', 'somewhat', 'no')),
	CONSTRAINT "survey_plans_check" CHECK (plans_abroad in ('yes', 'no', 'unsure')),
	CONSTRAINT "survey_satisfaction_check" CHECK (satisfaction between 1 and 5),
	CONSTRAINT "survey_other_check" CHECK (hardest_other is null or length(hardest_other) <= 500)
);
--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_answered_by_users_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_service_log_id_service_logs_id_fk" FOREIGN KEY ("service_log_id") REFERENCES "public"."service_logs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "help_requests_participant_idx" ON "help_requests" USING btree ("participant_id","created_at");--> statement-breakpoint
CREATE INDEX "help_requests_open_idx" ON "help_requests" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "help_requests_submission_key" ON "help_requests" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "import_rows_status_idx" ON "import_rows" USING btree ("import_id","status");--> statement-breakpoint
CREATE INDEX "imports_created_idx" ON "imports" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "outbox_state_idx" ON "outbox_messages" USING btree ("state","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe_key" ON "outbox_messages" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_responses_participant_key" ON "survey_responses" USING btree ("participant_id");--> statement-breakpoint
CREATE INDEX "participants_created_idx" ON "participants" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "participants_country_idx" ON "participants" USING btree ("country_code");