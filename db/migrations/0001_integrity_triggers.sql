-- Rules a check constraint cannot express, kept in the database so that no code path
-- (a bug, a script, an import) can break them.

-- Prakerja allows at most two participants per family card (KK). The advisory lock
-- serialises concurrent inserts for the same KK, so two racing registrations cannot
-- both see one existing row and both insert.
CREATE OR REPLACE FUNCTION participants_kk_limit() RETURNS trigger AS $$
BEGIN
  IF NEW.kk IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.kk IS NOT DISTINCT FROM OLD.kk THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('participants.kk:' || NEW.kk));
  IF (SELECT count(*) FROM participants WHERE kk = NEW.kk AND id <> NEW.id) >= 2 THEN
    RAISE EXCEPTION 'kk_limit: at most 2 participants per KK' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER participants_kk_limit
  BEFORE INSERT OR UPDATE OF kk ON participants
  FOR EACH ROW EXECUTE FUNCTION participants_kk_limit();
--> statement-breakpoint
-- Logged services are append-only: a correction is a new row pointing at the old one.
CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER service_logs_append_only
  BEFORE UPDATE OR DELETE ON service_logs
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER stage_changes_append_only
  BEFORE UPDATE OR DELETE ON stage_changes
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
