CREATE TABLE "invite_guesses" (
	"id" serial PRIMARY KEY NOT NULL,
	"subscriber_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invite_guesses" ADD CONSTRAINT "invite_guesses_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invite_guesses_subscriber_idx" ON "invite_guesses" USING btree ("subscriber_id","at");