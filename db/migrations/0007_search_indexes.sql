-- Trigram indexes for the PMO search by part of a name or phone (ILIKE '%…%').
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
-- The embedded PGlite loads it in db/index.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "participants_name_trgm_idx" ON "participants" USING gin ("full_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "users_role_name_idx" ON "users" USING btree ("role","name");--> statement-breakpoint
CREATE INDEX "users_phone_trgm_idx" ON "users" USING gin ("phone" gin_trgm_ops);