import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../../db/client.js";
import { comments } from "../../db/schema/index.js";
import { countedCommuneSql } from "../counted-commune.js";
import { commentFlags, type CommentFlag } from "../moderation/flags.js";

/** The longest comment kept; longer ones are cut and the person is told. */
export const MAX_COMMENT_CHARS = 4000;

export interface NewComment {
  draftId: string;
  subscriberId: string;
  questionId: string | null;
  channel: string;
  article: string | null;
  text: string;
  late: boolean;
}

/** Keep at most MAX_COMMENT_CHARS characters (code points) of a comment. */
export function keptComment(body: string): { kept: string; truncated: boolean; chars: number } {
  const chars = Array.from(body);
  const truncated = chars.length > MAX_COMMENT_CHARS;
  return { kept: truncated ? chars.slice(0, MAX_COMMENT_CHARS).join("") : body, truncated, chars: chars.length };
}

/** What became of a comment: stored (flagged for an officer when `flags` is not empty), or refused over the per-draft limit. */
export type CommentOutcome = { stored: true; flags: CommentFlag[] } | { stored: false; limit: number };

/** How many earlier comments of the person are compared for repeated text. */
const EARLIER_COMPARED = 20;

/**
 * Store a comment, counted for the commune of ../counted-commune.ts, unless the person already left
 * `limit` comments on the draft. Flagged comments (../moderation/flags.ts) are stored as "flagged" and held
 * from digests until an officer looks.
 */
export async function addComment(tx: DbOrTx, c: NewComment, limit: number): Promise<CommentOutcome> {
  const [r] = await queryRows<{ on_draft: number; earlier: string[] | null }>(tx, sql`select
    (select count(*)::int from comments where subscriber_id = ${c.subscriberId} and draft_id = ${c.draftId}) as on_draft,
    (select array_agg(x.text) from (select text from comments where subscriber_id = ${c.subscriberId}
      order by created_at desc limit ${EARLIER_COMPARED}) x) as earlier`);
  if ((r?.on_draft ?? 0) >= limit) return { stored: false, limit };
  const flags = commentFlags(c.text, r?.earlier ?? []);
  await tx.insert(comments).values({ ...c, unitCode: countedCommuneSql(c.subscriberId, c.draftId), moderation: flags.length ? "flagged" : "visible" });
  return { stored: true, flags };
}
