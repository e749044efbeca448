CREATE TABLE "data_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"participant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"reason" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"decision_note" text,
	CONSTRAINT "data_requests_kind_check" CHECK (kind in ('deletion', 'consent_withdrawal')),
	CONSTRAINT "data_requests_status_check" CHECK (status in ('open', 'completed', 'refused')),
	CONSTRAINT "data_requests_due_check" CHECK (due_at > requested_at),
	CONSTRAINT "data_requests_decided_check" CHECK ((status = 'open') = (decided_at is null) and (decided_at is null or decided_by is not null))
);
--> statement-breakpoint
ALTER TABLE "participants" DROP CONSTRAINT "participants_nik_check";--> statement-breakpoint
ALTER TABLE "participants" DROP CONSTRAINT "participants_kk_check";--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_contact_check";--> statement-breakpoint
DROP INDEX "participants_nik_key";--> statement-breakpoint
DROP INDEX "participants_kk_idx";--> statement-breakpoint
ALTER TABLE "participants" ALTER COLUMN "nik" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "import_rows" ADD COLUMN "nik_hash" text;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "nik_enc" text;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "nik_hash" text;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "nik_last4" text;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "kk_enc" text;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "kk_hash" text;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "consent_withdrawn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "data_requests_open_key" ON "data_requests" USING btree ("participant_id","kind") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "data_requests_status_due_idx" ON "data_requests" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "participants_nik_last4_idx" ON "participants" USING btree ("nik_last4");--> statement-breakpoint
CREATE UNIQUE INDEX "participants_nik_key" ON "participants" USING btree ("nik_hash");--> statement-breakpoint
CREATE INDEX "participants_kk_idx" ON "participants" USING btree ("kk_hash");--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_legacy_nik_check" CHECK (nik is null or (nik ~ '^[0-9]{16}$' and nik_hash is null));--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_legacy_kk_check" CHECK (kk is null or (kk ~ '^[0-9]{16}$' and kk_hash is null));--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_identity_check" CHECK (case when erased_at is null then nik_hash is not null or nik is not null
        else nik_hash is null and nik is null and kk_hash is null and kk is null and address is null end);--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_nik_check" CHECK ((nik_hash is null) = (nik_enc is null) and (nik_hash is null) = (nik_last4 is null)
        and (nik_hash is null or (nik_hash ~ '^[0-9a-f]{64}$' and nik_last4 ~ '^[0-9]{4}$' and nik_last4 <> '0000')));--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_kk_check" CHECK ((kk_hash is null) = (kk_enc is null) and (kk_hash is null or kk_hash ~ '^[0-9a-f]{64}$'));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_contact_check" CHECK (email is not null or phone is not null or disabled_at is not null);--> statement-breakpoint
-- The KK limit now counts by the KK's keyed hash: the KK itself is stored encrypted.
CREATE OR REPLACE FUNCTION participants_kk_limit() RETURNS trigger AS $$
BEGIN
  IF NEW.kk_hash IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.kk_hash IS NOT DISTINCT FROM OLD.kk_hash THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('participants.kk:' || NEW.kk_hash));
  IF (SELECT count(*) FROM participants WHERE kk_hash = NEW.kk_hash AND id <> NEW.id) >= 2 THEN
    RAISE EXCEPTION 'kk_limit: at most 2 participants per KK' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER participants_kk_limit ON participants;
--> statement-breakpoint
CREATE TRIGGER participants_kk_limit
  BEFORE INSERT OR UPDATE OF kk_hash ON participants
  FOR EACH ROW EXECUTE FUNCTION participants_kk_limit();
