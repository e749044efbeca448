-- A registration in one statement (docs/decisions/017-registration-in-one-statement.md).
-- lib/data/participants.ts prepares the row (sealed NIK and KK, the password's hash, the
-- audit event's details) and calls register_participant once; self-registration and
-- assisted registration both use it. One round trip instead of eleven: the registration
-- budget of issue 8 is spent on the password hash, not on statements.
--
-- The form's earlier registration (a double submit), or null.
CREATE OR REPLACE FUNCTION registration_of_form(r jsonb) RETURNS jsonb AS $$
  SELECT jsonb_build_object(
    'outcome', CASE WHEN p.user_id IS NOT NULL AND p.nik_hash = r->>'nik_hash'
                      AND (r->>'source' = 'self'
                           OR (p.source = r->>'source' AND p.caseworker_id IS NOT DISTINCT FROM (r->>'caseworker_id')::uuid))
                    THEN 'repeated' ELSE 'other_form' END,
    'user_id', p.user_id,
    'participant_id', p.id)
  FROM participants p
  WHERE p.submission_id = (r->>'submission_id')::uuid;
$$ LANGUAGE sql;
--> statement-breakpoint
-- Answers {outcome: created | repeated | other_form | conflict, …}. A conflict names every
-- problem at once (NIK, KK full, phone, email). The constraints and the KK trigger still
-- hold against a race the checks cannot see; the caller turns their errors into answers.
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
      p.caseworker_id, p.source, now(), p.consent_version, actor, p.submission_id
    FROM jsonb_populate_record(NULL::participants, r) p
    RETURNING id INTO new_participant;
  INSERT INTO stage_changes (participant_id, from_stage, to_stage, changed_by)
    VALUES (new_participant, NULL, 'registration', actor);
  INSERT INTO audit_events (actor_id, actor_role, action, entity_type, entity_id, after)
    VALUES (actor, coalesce(r->>'actor_role', 'participant'), 'participant.register', 'participant',
            new_participant::text, r->'audit_after');
  RETURN jsonb_build_object('outcome', 'created', 'user_id', new_user, 'participant_id', new_participant);
END;
$$ LANGUAGE plpgsql;
