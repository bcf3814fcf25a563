import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../src/db/client.js";

/** What the OA adapter needs to know about a recipient before sending: the 7-day rule and the locale. */
export interface RecipientWindow {
  lastInteractionAt: Date | null;
  locale: string;
}

export type LastInteractionLookup = (subscriberId: string) => Promise<RecipientWindow | null>;

/** Read subscribers.last_interaction_at (kept up to date by the inbound processor) and the locale. */
export function dbLastInteraction(db: DbOrTx): LastInteractionLookup {
  return async (subscriberId) => {
    const [row] = await queryRows<{ last_interaction_at: string | Date | null; locale: string }>(
      db,
      sql`select last_interaction_at, locale from subscribers where id = ${subscriberId}`,
    );
    if (!row) return null;
    return { lastInteractionAt: row.last_interaction_at ? new Date(row.last_interaction_at) : null, locale: row.locale };
  };
}
