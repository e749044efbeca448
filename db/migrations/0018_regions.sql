CREATE TABLE "coordinator_regions" (
	"user_id" uuid NOT NULL,
	"region_id" uuid NOT NULL,
	CONSTRAINT "coordinator_regions_user_id_region_id_pk" PRIMARY KEY("user_id","region_id")
);
--> statement-breakpoint
CREATE TABLE "region_provinces" (
	"province_code" text PRIMARY KEY NOT NULL,
	"region_id" uuid NOT NULL,
	CONSTRAINT "region_provinces_province_check" CHECK (province_code ~ '^[1-9][0-9]$')
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "regions_name_check" CHECK (name = btrim(name) and length(name) between 2 and 80)
);
--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_role_check";--> statement-breakpoint
ALTER TABLE "coordinator_regions" ADD CONSTRAINT "coordinator_regions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coordinator_regions" ADD CONSTRAINT "coordinator_regions_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_provinces" ADD CONSTRAINT "region_provinces_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "coordinator_regions_region_idx" ON "coordinator_regions" USING btree ("region_id");--> statement-breakpoint
CREATE INDEX "region_provinces_region_idx" ON "region_provinces" USING btree ("region_id");--> statement-breakpoint
CREATE UNIQUE INDEX "regions_name_key" ON "regions" USING btree (lower("name"));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_check" CHECK (role in ('participant', 'caseworker', 'pmo', 'coordinator'));--> statement-breakpoint
-- Only a coordinator is given regions: a bug elsewhere must not scope a caseworker or a
-- participant by region.
CREATE FUNCTION coordinator_regions_role_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND role = 'coordinator') THEN
    RAISE EXCEPTION 'coordinator_regions: user % is not a coordinator', NEW.user_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'coordinator_regions_role_check';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER coordinator_regions_role_check BEFORE INSERT OR UPDATE ON coordinator_regions
  FOR EACH ROW EXECUTE FUNCTION coordinator_regions_role_check();
