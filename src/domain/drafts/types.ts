import type { Db } from "../../db/client.js";
import type { ApiRole } from "../../db/schema/index.js";
import type { Broadcaster } from "../../delivery/broadcaster.js";
import type { RequestOrigin } from "../audit.js";

/** Who acts: an officer's key (label "key:<id>") or a system job (label "scheduler"). */
export interface Actor {
  label: string;
  role: ApiRole;
  /** The agency of a drafter or viewer key; null for admin keys. */
  agencyId: string | null;
  /** Where an officer's request came from (audit log); absent for jobs and the CLI. */
  origin?: RequestOrigin | undefined;
}

export interface DraftDeps {
  db: Db;
  broadcaster: Broadcaster;
  /** Shortest comment period in days without a shortenedPeriodReason (config.MIN_COMMENT_DAYS). */
  minCommentDays: number;
  /** The clock (tests pass a fixed one). */
  now?: () => Date;
}
