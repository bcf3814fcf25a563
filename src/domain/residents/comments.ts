import type { DbOrTx } from "../../db/client.js";
import { comments } from "../../db/schema/index.js";
import { countedCommuneSql } from "../counted-commune.js";

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

/** Store a comment, counted for the commune of ../counted-commune.ts. */
export async function addComment(tx: DbOrTx, c: NewComment): Promise<void> {
  await tx.insert(comments).values({ ...c, unitCode: countedCommuneSql(c.subscriberId, c.draftId) });
}
