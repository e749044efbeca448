CREATE TABLE "programme_settings" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"auto_assign" boolean DEFAULT false NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programme_settings_one_row" CHECK (id)
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "province_code" text;--> statement-breakpoint
ALTER TABLE "programme_settings" ADD CONSTRAINT "programme_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_province_check" CHECK (province_code is null or (role = 'caseworker' and province_code ~ '^[1-9][0-9]$'));--> statement-breakpoint
-- The automatic assignment rule (docs/decisions/020-automatic-assignment.md): off until
-- the PMO switches it on at /pmo/caseworkers.
INSERT INTO programme_settings (id, auto_assign) VALUES (true, false) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The caseworker a new participant of `province` goes to under the rule: an enabled
-- caseworker of that province with the smallest open caseload (assigned participants not
-- completed or withdrawn), ties by id; when the province has none, the same among all
-- enabled caseworkers; no caseworker at all: no row (the participant stays waiting).
--
-- Concurrency: two registrations of one province are serialised by a transaction-level
-- advisory lock on the province (class 20, key the province's number), taken before the
-- count, so the second counts the first's participant once it has committed (each
-- statement of a plpgsql function in READ COMMITTED takes a fresh snapshot). The fallback
-- to any province takes the lock of class 20, key 0 as well (always after a province's:
-- no deadlock). A registration served in its own province and one falling back can still
-- count at the same moment and pick the same caseworker: at most one apart, evened out
-- by the next registration. The chosen caseworker's row is share-locked, so disabling
-- them waits for this registration and a caseworker disabled a moment ago is not chosen.
CREATE OR REPLACE FUNCTION auto_assign_choice(province text)
RETURNS TABLE (chosen_id uuid, chosen_name text, same_province boolean) AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(20, province::int);
  RETURN QUERY
    SELECT u.id, u.name, true
    FROM users u
    CROSS JOIN LATERAL (
      SELECT count(*) AS n FROM participants p
      WHERE p.caseworker_id = u.id AND p.stage NOT IN ('completed', 'withdrawn')
    ) c
    WHERE u.role = 'caseworker' AND u.disabled_at IS NULL AND u.province_code = province
    ORDER BY c.n, u.id
    LIMIT 1
    FOR SHARE OF u;
  IF FOUND THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(20, 0);
  RETURN QUERY
    SELECT u.id, u.name, false
    FROM users u
    CROSS JOIN LATERAL (
      SELECT count(*) AS n FROM participants p
      WHERE p.caseworker_id = u.id AND p.stage NOT IN ('completed', 'withdrawn')
    ) c
    WHERE u.role = 'caseworker' AND u.disabled_at IS NULL
    ORDER BY c.n, u.id
    LIMIT 1
    FOR SHARE OF u;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- register_participant of migration 0008 with the rule: a self-registration, while
-- programme_settings.auto_assign is on, gets its caseworker in the same statement, with a
-- participant.assign event (actor: the system, after.rule = 'auto'). Everything else is
-- as in 0008 (docs/decisions/017).
CREATE OR REPLACE FUNCTION register_participant(r jsonb) RETURNS jsonb AS $$
DECLARE
  earlier jsonb;
  nik_taken boolean;
  kk_full boolean;
  phone_taken boolean;
  email_taken boolean;
  new_user uuid;
  new_participant uuid;
  actor uuid;
  chosen_id uuid;
  chosen_name text;
  chosen_same boolean;
BEGIN
  earlier := registration_of_form(r);
  IF earlier IS NOT NULL THEN
    RETURN earlier;
  END IF;
  nik_taken := EXISTS (SELECT 1 FROM participants WHERE nik_hash = r->>'nik_hash');
  kk_full := r->>'kk_hash' IS NOT NULL
    AND (SELECT count(*) FROM participants WHERE kk_hash = r->>'kk_hash') >= (r->>'kk_limit')::int;
  phone_taken := EXISTS (SELECT 1 FROM users WHERE phone = r->>'phone');
  email_taken := r->>'email' IS NOT NULL AND EXISTS (SELECT 1 FROM users WHERE email = r->>'email');
  IF nik_taken OR kk_full OR phone_taken OR email_taken THEN
    -- A double submit whose first half committed a moment ago conflicts with itself: each
    -- statement here sees the latest commits, so look for the form again before refusing.
    RETURN coalesce(registration_of_form(r), jsonb_build_object('outcome', 'conflict',
      'nik_taken', nik_taken, 'kk_full', kk_full, 'phone_taken', phone_taken, 'email_taken', email_taken));
  END IF;

  -- The rule applies to self-registration only: assisted registration assigns the
  -- registering caseworker. No settings row (an emptied database) reads as off.
  IF r->>'source' = 'self' AND r->>'caseworker_id' IS NULL
     AND coalesce((SELECT s.auto_assign FROM programme_settings s WHERE s.id), false) THEN
    SELECT c.chosen_id, c.chosen_name, c.same_province INTO chosen_id, chosen_name, chosen_same
      FROM auto_assign_choice(r->>'province_code') c;
  END IF;

  INSERT INTO users (role, name, email, phone, password_hash)
    VALUES ('participant', r->>'full_name', r->>'email', r->>'phone', r->>'password_hash')
    RETURNING id INTO new_user;
  -- Self-registration: the new user acts (and gave the consent); assisted: the caseworker.
  actor := coalesce((r->>'actor_id')::uuid, new_user);
  INSERT INTO participants (user_id, full_name, nik_enc, nik_hash, nik_last4, kk_enc, kk_hash, birth_date, sex,
      province_code, regency_code, address, migrant_status, country_code, sector, return_date, caseworker_id,
      source, consent_at, consent_version, consent_collected_by, submission_id)
    SELECT new_user, p.full_name, p.nik_enc, p.nik_hash, p.nik_last4, p.kk_enc, p.kk_hash, p.birth_date, p.sex,
      p.province_code, p.regency_code, p.address, p.migrant_status, p.country_code, p.sector, p.return_date,
      coalesce(p.caseworker_id, chosen_id), p.source, now(), p.consent_version, actor, p.submission_id
    FROM jsonb_populate_record(NULL::participants, r) p
    RETURNING id INTO new_participant;
  INSERT INTO stage_changes (participant_id, from_stage, to_stage, changed_by)
    VALUES (new_participant, NULL, 'registration', actor);
  INSERT INTO audit_events (actor_id, actor_role, action, entity_type, entity_id, after)
    VALUES (actor, coalesce(r->>'actor_role', 'participant'), 'participant.register', 'participant',
            new_participant::text, r->'audit_after');
  IF chosen_id IS NOT NULL THEN
    INSERT INTO audit_events (actor_id, actor_role, action, entity_type, entity_id, before, after)
      VALUES (NULL, 'system', 'participant.assign', 'participant', new_participant::text,
              jsonb_build_object('caseworkerId', NULL, 'caseworkerName', NULL),
              jsonb_build_object('caseworkerId', chosen_id, 'caseworkerName', chosen_name,
                                 'rule', 'auto', 'sameProvince', chosen_same));
  END IF;
  RETURN jsonb_build_object('outcome', 'created', 'user_id', new_user, 'participant_id', new_participant,
                            'caseworker_id', chosen_id);
END;
$$ LANGUAGE plpgsql;
