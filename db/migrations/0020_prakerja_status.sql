CREATE TABLE "prakerja_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"api_client_id" uuid NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"received" integer NOT NULL,
	"events" jsonb,
	"results" jsonb,
	"counts" jsonb,
	"error_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "prakerja_batches_state_check" CHECK (state in ('queued', 'running', 'done', 'failed')),
	CONSTRAINT "prakerja_batches_received_check" CHECK (received between 1 and 10000)
);
--> statement-breakpoint
CREATE TABLE "prakerja_idempotency" (
	"api_client_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"answer" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "prakerja_idempotency_api_client_id_key_pk" PRIMARY KEY("api_client_id","key"),
	CONSTRAINT "prakerja_idempotency_key_check" CHECK (length(key) between 1 and 255)
);
--> statement-breakpoint
ALTER TABLE "service_logs" DROP CONSTRAINT "service_logs_channel_check";--> statement-breakpoint
ALTER TABLE "service_logs" ALTER COLUMN "caseworker_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "service_logs" ALTER COLUMN "channel" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "training_completed_on" date;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "lms_completed_on" date;--> statement-breakpoint
ALTER TABLE "service_logs" ADD COLUMN "source" text DEFAULT 'caseworker' NOT NULL;--> statement-breakpoint
ALTER TABLE "service_logs" ADD COLUMN "api_client_id" uuid;--> statement-breakpoint
ALTER TABLE "stage_changes" ADD COLUMN "api_client_id" uuid;--> statement-breakpoint
ALTER TABLE "prakerja_batches" ADD CONSTRAINT "prakerja_batches_api_client_id_api_clients_id_fk" FOREIGN KEY ("api_client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prakerja_idempotency" ADD CONSTRAINT "prakerja_idempotency_api_client_id_api_clients_id_fk" FOREIGN KEY ("api_client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prakerja_batches_client_idx" ON "prakerja_batches" USING btree ("api_client_id","created_at");--> statement-breakpoint
CREATE INDEX "prakerja_idempotency_expires_idx" ON "prakerja_idempotency" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_api_client_id_api_clients_id_fk" FOREIGN KEY ("api_client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_changes" ADD CONSTRAINT "stage_changes_api_client_id_api_clients_id_fk" FOREIGN KEY ("api_client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_source_check" CHECK (source in ('caseworker', 'prakerja'));--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_author_check" CHECK (case source when 'caseworker' then caseworker_id is not null and api_client_id is null and channel is not null
        else caseworker_id is null and api_client_id is not null and channel is null end);--> statement-breakpoint
ALTER TABLE "service_logs" ADD CONSTRAINT "service_logs_channel_check" CHECK (channel is null or channel in ('in_person', 'phone', 'whatsapp', 'video'));--> statement-breakpoint
ALTER TABLE "stage_changes" ADD CONSTRAINT "stage_changes_author_check" CHECK (api_client_id is null or changed_by is null);--> statement-breakpoint
-- The Prakerja PMO's facts (service_logs.source 'prakerja') are no service anybody gave:
-- they stay out of the services counters (the month's services against the target, and
-- each caseworker's), docs/decisions/033-prakerja-status-in.md. Every counter reads a
-- participant's logs through this function, so leaving them out here leaves them out of
-- the triggers' differences and of dash_rebuild() alike.
CREATE OR REPLACE FUNCTION dash_services_of(p participants, skip uuid[])
RETURNS TABLE (month date, caseworker_id uuid, blocker_code text)
LANGUAGE sql STABLE AS $$
  SELECT date_trunc('month', l.occurred_on)::date, l.caseworker_id,
         CASE WHEN l.outcome = 'blocked' THEN l.blocker_code END
  FROM service_logs l
  WHERE l.participant_id = p.id AND l.id <> ALL (skip) AND l.source = 'caseworker'
    AND NOT EXISTS (SELECT 1 FROM service_logs c WHERE c.corrects_id = l.id AND c.id <> ALL (skip))
$$;
--> statement-breakpoint
-- Logs inserted, per statement: as migration 0006's, but a statement of partner facts only
-- (a batch of 10,000) changes no counter, so it computes nothing.
CREATE OR REPLACE FUNCTION dash_on_service_logs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fresh uuid[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows WHERE source = 'caseworker') THEN
    RETURN NULL;
  END IF;
  fresh := ARRAY(SELECT id FROM new_rows);
  CREATE TEMP TABLE dash_service_delta ON COMMIT DROP AS
  SELECT l.month, l.caseworker_id, coalesce(l.blocker_code, '') AS blocker_code,
         p.province_code AS pc, p.migrant_status AS ms, p.source AS src, coalesce(p.cohort, '') AS co, x.s
  FROM (
    SELECT p.id, v.s FROM participants p
    CROSS JOIN (VALUES (-1), (1)) v (s)
    WHERE p.id IN (SELECT participant_id FROM new_rows WHERE source = 'caseworker'
                   UNION SELECT c.participant_id FROM service_logs c JOIN new_rows r ON c.id = r.corrects_id)
  ) x
  JOIN participants p ON p.id = x.id
  CROSS JOIN LATERAL dash_services_of(p, CASE WHEN x.s < 0 THEN fresh ELSE '{}'::uuid[] END) l;

  INSERT INTO dash_services AS t (month, province_code, migrant_status, source, cohort, blocker_code, n)
  SELECT month, pc, ms, src, co, blocker_code, sum(s)::int FROM dash_service_delta
  GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, province_code, migrant_status, source, cohort, blocker_code) DO UPDATE SET n = t.n + excluded.n;

  INSERT INTO dash_caseworker_services AS t (month, caseworker_id, province_code, migrant_status, source, cohort, n)
  SELECT month, caseworker_id, pc, ms, src, co, sum(s)::int FROM dash_service_delta
  GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(s) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (month, caseworker_id, province_code, migrant_status, source, cohort) DO UPDATE SET n = t.n + excluded.n;

  DROP TABLE dash_service_delta;
  RETURN NULL;
END;
$$;
