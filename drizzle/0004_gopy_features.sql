CREATE TABLE "draft_reminders" (
	"draft_id" uuid NOT NULL,
	"days_before" integer NOT NULL,
	"due_on" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"broadcast_id" uuid,
	"recipients" integer DEFAULT 0 NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "draft_reminders_draft_id_days_before_pk" PRIMARY KEY("draft_id","days_before")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "ip" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "reminder_days" integer[];--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "results_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "outcome_text" text;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "outcome_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "outcome_by" text;--> statement-breakpoint
ALTER TABLE "draft_reminders" ADD CONSTRAINT "draft_reminders_draft_id_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."drafts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "draft_reminders" ADD CONSTRAINT "draft_reminders_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor","id");