CREATE TABLE "api_rate_limits" (
	"api_client_id" uuid PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "api_rate_limits_count_check" CHECK (count >= 0)
);
--> statement-breakpoint
ALTER TABLE "api_rate_limits" ADD CONSTRAINT "api_rate_limits_api_client_id_api_clients_id_fk" FOREIGN KEY ("api_client_id") REFERENCES "public"."api_clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "participants_updated_idx" ON "participants" USING btree ("updated_at","id");--> statement-breakpoint
-- /api/v1/participants hands out deltas by updated_at (updated_since, the cursor): every
-- change to what it returns moves updated_at, whichever code path made it (a stage change,
-- a milestone, a logged service's last contact, a withdrawn consent, an erasure). A write
-- that set updated_at itself keeps its value.
CREATE FUNCTION participants_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (new.stage, new.stage_changed_at, new.withdrawn_reason, new.card_received_on, new.training_bought_on,
      new.lms_session_on, new.training_completed_on, new.lms_completed_on, new.wave, new.last_contact_on, new.province_code, new.regency_code, new.migrant_status,
      new.country_code, new.source, new.cohort, new.nik_last4, new.consent_withdrawn_at, new.erased_at)
     IS DISTINCT FROM
     (old.stage, old.stage_changed_at, old.withdrawn_reason, old.card_received_on, old.training_bought_on,
      old.lms_session_on, old.training_completed_on, old.lms_completed_on, old.wave, old.last_contact_on, old.province_code, old.regency_code, old.migrant_status,
      old.country_code, old.source, old.cohort, old.nik_last4, old.consent_withdrawn_at, old.erased_at)
     AND new.updated_at IS NOT DISTINCT FROM old.updated_at THEN
    new.updated_at := now();
  END IF;
  RETURN new;
END $$;
--> statement-breakpoint
CREATE TRIGGER participants_touch_updated_at BEFORE UPDATE ON participants
  FOR EACH ROW EXECUTE FUNCTION participants_touch_updated_at();
