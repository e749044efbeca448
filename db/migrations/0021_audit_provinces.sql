ALTER TABLE "audit_events" ADD COLUMN "province_codes" text[];--> statement-breakpoint
CREATE INDEX "audit_events_provinces_idx" ON "audit_events" USING gin ("province_codes");--> statement-breakpoint
-- The provinces an audit event concerns, filled on insert by whichever code writes it
-- (recordAudit, the registration and assignment functions, sign-in's statement): a
-- regional coordinator's audit log is scoped by them (docs/decisions/029-coordinator-reads.md).
--   * an event on a participant (the record itself, a row of theirs naming participantId,
--     or their user account): the participant's province as the event is written;
--   * an event on a caseworker's account: the caseworker's province;
--   * either way, a provinceCode in before and after (a move): the old province too, so the
--     coordinators of both regions see the move.
-- A writer that sets province_codes itself (an export of a region's list) is left alone.
CREATE FUNCTION audit_event_provinces() RETURNS trigger AS $$
DECLARE
  uuid_re constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
  subject_id uuid;
  home text;
BEGIN
  IF NEW.province_codes IS NOT NULL THEN
    RETURN NEW;
  END IF;
  IF NEW.entity_type = 'participant' AND NEW.entity_id ~* uuid_re THEN
    SELECT province_code INTO home FROM participants WHERE id = NEW.entity_id::uuid;
  ELSIF NEW.entity_type = 'user' AND NEW.entity_id ~* uuid_re THEN
    subject_id := NEW.entity_id::uuid;
    SELECT province_code INTO home FROM participants WHERE user_id = subject_id;
    IF home IS NULL THEN
      SELECT province_code INTO home FROM users WHERE id = subject_id AND role = 'caseworker';
    END IF;
  ELSIF NEW.after->>'participantId' ~* uuid_re THEN
    SELECT province_code INTO home FROM participants WHERE id = (NEW.after->>'participantId')::uuid;
  ELSIF NEW.before->>'participantId' ~* uuid_re THEN
    SELECT province_code INTO home FROM participants WHERE id = (NEW.before->>'participantId')::uuid;
  ELSE
    RETURN NEW;
  END IF;
  SELECT array_agg(DISTINCT c ORDER BY c) INTO NEW.province_codes
  FROM unnest(ARRAY[
    home,
    CASE WHEN jsonb_typeof(NEW.before) = 'object' THEN NEW.before->>'provinceCode' END,
    CASE WHEN jsonb_typeof(NEW.after) = 'object' THEN NEW.after->>'provinceCode' END
  ]) AS c
  WHERE c ~ '^[1-9][0-9]$';
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_events_provinces
  BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_event_provinces();
--> statement-breakpoint
-- The events written before this migration, placed the same way (by today's provinces;
-- a move recorded with provinceCode in before/after keeps both). The table is append-only:
-- its guard is lifted for this one statement.
ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
--> statement-breakpoint
UPDATE audit_events e SET province_codes = placed.codes
FROM (
  SELECT e2.id, (
    SELECT array_agg(DISTINCT c ORDER BY c) FROM unnest(ARRAY[
      coalesce(p.province_code, pu.province_code, cw.province_code),
      CASE WHEN jsonb_typeof(e2.before) = 'object' THEN e2.before->>'provinceCode' END,
      CASE WHEN jsonb_typeof(e2.after) = 'object' THEN e2.after->>'provinceCode' END
    ]) AS c WHERE c ~ '^[1-9][0-9]$'
  ) AS codes
  FROM audit_events e2
  LEFT JOIN participants p ON p.id = (CASE
    WHEN e2.entity_type = 'participant' AND e2.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN e2.entity_id::uuid
    WHEN e2.entity_type NOT IN ('participant', 'user') AND e2.after->>'participantId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (e2.after->>'participantId')::uuid
    WHEN e2.entity_type NOT IN ('participant', 'user') AND e2.before->>'participantId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (e2.before->>'participantId')::uuid
  END)
  LEFT JOIN participants pu ON e2.entity_type = 'user' AND e2.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' AND pu.user_id = e2.entity_id::uuid
  LEFT JOIN users cw ON e2.entity_type = 'user' AND e2.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' AND cw.id = e2.entity_id::uuid AND cw.role = 'caseworker'
) placed
WHERE placed.id = e.id AND placed.codes IS NOT NULL;
--> statement-breakpoint
ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
