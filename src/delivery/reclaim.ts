import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import { extendLeases, reclaimExpiredLeases } from "./outcomes.js";

export interface LeaseKeeperOptions {
  db: Db;
  owner: string;
  leaseMs: number;
  logger: Logger;
  running(): boolean;
  /** Rows came back to the queue: wake the claimers. */
  onReclaimed(): void;
}

/**
 * Renews this worker's leases and puts rows whose lease expired (a crashed or stalled worker, this one's
 * or another instance's) back in the queue, every quarter lease.
 */
export interface LeaseKeeper {
  /** One round: renew our leases, then reclaim expired ones. Never throws. */
  reclaim(): Promise<void>;
  start(): void;
  stop(): void;
}

export function createLeaseKeeper(opts: LeaseKeeperOptions): LeaseKeeper {
  const { db, owner, leaseMs, logger } = opts;
  let timer: NodeJS.Timeout | null = null;

  async function reclaim() {
    try {
      // Our own rows first: a send slower than the lease (or rows held through a throttle pause) must not
      // return to the queue and go out a second time.
      if (opts.running()) await extendLeases(db, owner, leaseMs);
      const n = await reclaimExpiredLeases(db);
      if (n) {
        logger.warn("deliveries whose lease expired went back to the queue", { count: n });
        opts.onReclaimed();
      }
    } catch (err) {
      if (opts.running()) logger.error("reclaiming expired leases failed", { err });
    }
  }

  return {
    reclaim,
    start() {
      timer = setInterval(() => void reclaim(), Math.max(1000, Math.floor(leaseMs / 4)));
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
