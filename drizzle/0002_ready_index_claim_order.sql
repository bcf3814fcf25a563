DROP INDEX "deliveries_ready_idx";--> statement-breakpoint
CREATE INDEX "deliveries_ready_idx" ON "deliveries" USING btree ("priority","next_attempt_at","id") WHERE state = 'queued';