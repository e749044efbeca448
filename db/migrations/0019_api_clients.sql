CREATE TABLE "api_clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"organisation" text NOT NULL,
	"scopes" text[] NOT NULL,
	"region_id" uuid,
	"key_prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_clients_name_check" CHECK (name = btrim(name) and length(name) between 2 and 80),
	CONSTRAINT "api_clients_organisation_check" CHECK (organisation = btrim(organisation) and length(organisation) between 2 and 120),
	CONSTRAINT "api_clients_scopes_check" CHECK (cardinality(scopes) >= 1 and scopes <@ array['progress:read', 'participants:read', 'prakerja-status:write']::text[])
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "api_client_id" uuid;--> statement-breakpoint
ALTER TABLE "api_clients" ADD CONSTRAINT "api_clients_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_clients" ADD CONSTRAINT "api_clients_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_clients_key_prefix_key" ON "api_clients" USING btree ("key_prefix");--> statement-breakpoint
CREATE UNIQUE INDEX "api_clients_secret_hash_key" ON "api_clients" USING btree ("secret_hash");--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_api_client_id_api_clients_id_fk" FOREIGN KEY ("api_client_id") REFERENCES "public"."api_clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_api_client_idx" ON "audit_events" USING btree ("api_client_id","created_at");--> statement-breakpoint
-- An event names its partner exactly when a partner made it.
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_api_client_check" CHECK ((actor_role = 'api_client') = (api_client_id IS NOT NULL));
