import type { SQL } from "drizzle-orm";
import type { InboundEvent } from "../../channels/adapter.js";
import type { DbOrTx } from "../../db/client.js";
import { lookupForTurns, type Admitted } from "./subscribers.js";

type Looked = Admitted | "unknown" | "replay";

/** What a press's first statement reads besides the person: the question pressed (its columns, the same for everyone pressing it). */
export interface PressReads {
  questionId: string;
  draftId: string;
  columns: (subscriberId: SQL) => SQL;
}

/**
 * The first statement of button presses (a read: the person, their conversation, the question's reads),
 * shared by the presses that arrive together: while one read of a question's presses is on its way to the
 * database, the presses on that question arriving meanwhile wait and are read together, in one statement,
 * when it returns. A press arriving alone is read at once, as before. All of a statement's reads share one
 * snapshot, as each would have had its own: every turn's write still checks the version it read.
 */
export interface TurnReads {
  lookup(event: InboundEvent, reads: PressReads): Promise<Looked>;
}

interface Waiting {
  event: InboundEvent;
  resolve: (looked: Looked) => void;
  reject: (err: unknown) => void;
}

interface Group {
  reads: PressReads;
  waiting: Waiting[];
  busy: boolean;
}

export function createTurnReads({
  db,
  most = 64,
  read = lookupForTurns,
}: {
  db: DbOrTx;
  /** Most presses read in one statement. */
  most?: number;
  /** The statement (injectable for tests). */
  read?: typeof lookupForTurns;
}): TurnReads {
  const groups = new Map<string, Group>();

  /** Read the group's waiting presses (up to `most`) in one statement; then the next ones, if any came meanwhile. */
  async function readWaiting(key: string, group: Group): Promise<void> {
    const batch = group.waiting.splice(0, most);
    group.busy = true;
    try {
      await readTogether(group.reads, batch);
    } finally {
      group.busy = false;
      if (group.waiting.length) void readWaiting(key, group);
      else groups.delete(key);
    }
  }

  /** One statement for the batch; if it fails, each press is read alone, so that one bad press fails only itself. */
  async function readTogether(reads: PressReads, batch: Waiting[]): Promise<void> {
    const channel = batch[0]!.event.channel;
    try {
      const looked = await read(db, channel, batch.map((w) => w.event), reads.columns);
      batch.forEach((w, i) => w.resolve(looked[i]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      await Promise.all(batch.map((w) => readTogether(reads, [w])));
    }
  }

  return {
    lookup(event, reads) {
      return new Promise<Looked>((resolve, reject) => {
        const key = `${event.channel}\u0000${reads.questionId}\u0000${reads.draftId}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { reads, waiting: [], busy: false }));
        group.waiting.push({ event, resolve, reject });
        if (!group.busy) void readWaiting(key, group);
      });
    },
  };
}
