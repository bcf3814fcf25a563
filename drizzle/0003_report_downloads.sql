CREATE TABLE "report_downloads" (
	"agency_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"first_downloaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_downloads_agency_id_year_pk" PRIMARY KEY("agency_id","year")
);
--> statement-breakpoint
ALTER TABLE "report_downloads" ADD CONSTRAINT "report_downloads_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;