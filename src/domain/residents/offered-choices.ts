import { sql } from "drizzle-orm";
import type { RememberChoices } from "../../channels/remember-choices.js";
import type { DbOrTx } from "../../db/client.js";

/**
 * Remember the choices a channel without buttons showed as a numbered list in a message that did not come
 * from a conversation turn (an announcement, a reminder): typing "1" then presses the first of them, as it
 * does after a reply (inbound.ts saves `offered` for replies itself). Only the `offered` key changes; the
 * conversation step is kept.
 */
export function rememberOffered(db: DbOrTx): RememberChoices {
  return async (subscriberId, actions) => {
    const offered = JSON.stringify(actions);
    await db.execute(sql`
      insert into conversations (subscriber_id, state) values (${subscriberId}, jsonb_build_object('step', 'idle', 'offered', ${offered}::jsonb))
      on conflict (subscriber_id) do update
        set state = jsonb_set(conversations.state, '{offered}', ${offered}::jsonb), updated_at = now()`);
  };
}
