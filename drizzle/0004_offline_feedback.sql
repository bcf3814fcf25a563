CREATE TABLE "offline_feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"draft_id" uuid NOT NULL,
	"unit_code" text NOT NULL,
	"meeting_date" date NOT NULL,
	"attendees" integer NOT NULL,
	"counts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"comments" integer DEFAULT 0 NOT NULL,
	"comment_summary" text,
	"entered_by" text NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "offline_feedback" ADD CONSTRAINT "offline_feedback_draft_id_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."drafts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offline_feedback" ADD CONSTRAINT "offline_feedback_unit_code_admin_units_code_fk" FOREIGN KEY ("unit_code") REFERENCES "public"."admin_units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "offline_feedback_draft_idx" ON "offline_feedback" USING btree ("draft_id","unit_code");