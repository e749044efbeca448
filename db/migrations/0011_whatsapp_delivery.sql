ALTER TABLE "outbox_messages" ADD COLUMN "template_values" jsonb;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "provider_message_id" text;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "delivery_status" text;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "delivery_status_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "error_code" integer;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "whatsapp_unreachable_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_provider_message_key" ON "outbox_messages" USING btree ("provider_message_id");--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_delivery_status_check" CHECK (delivery_status is null or delivery_status in ('sent', 'delivered', 'read', 'failed'));