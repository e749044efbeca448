CREATE TABLE "import_file_chunks" (
	"upload_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_file_chunks_upload_id_seq_pk" PRIMARY KEY("upload_id","seq"),
	CONSTRAINT "import_file_chunks_seq_check" CHECK (seq >= 0)
);
--> statement-breakpoint
CREATE TABLE "import_progress" (
	"import_id" uuid PRIMARY KEY NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_progress_done_check" CHECK (done >= 0 and total >= 0)
);
--> statement-breakpoint
ALTER TABLE "outbox_messages" DROP CONSTRAINT "outbox_state_check";--> statement-breakpoint
ALTER TABLE "data_requests" ADD COLUMN "raised_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "sending_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "import_progress" ADD CONSTRAINT "import_progress_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_state_check" CHECK (state in ('pending', 'sending', 'sent', 'failed', 'recorded'));