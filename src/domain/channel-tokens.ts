import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client.js";
import { channelTokens } from "../db/schema/index.js";

/** The channel_tokens key of the Zalo OA pair. */
export const ZALO_OA_TOKENS = "zalo-oa";

/** A channel's rotating access/refresh token pair, as stored. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  /** Changes on every save; a refresh is skipped when the version moved on since the caller read it. */
  version: string;
}

/** A new pair to save: the tokens and when the access token expires. */
export interface NewTokenPair {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/**
 * Storage of one channel's rotating token pair in table channel_tokens (Zalo OA), shared by the channel
 * (which refreshes it) and the CLI (which loads the first pair and shows when it expires).
 */
export interface ChannelTokenStorage {
  /** The stored pair, or null. */
  read(): Promise<TokenPair | null>;
  /** Save a pair (insert or replace), with a new version. */
  save(pair: NewTokenPair): Promise<TokenPair>;
  /**
   * Rotate under a row lock (serialising rotations across instances): `rotate` gets the pair as locked (null
   * when none is stored) and returns the pair to keep; a pair without a version (new) is saved with one in
   * the same transaction, one returned as it was is kept unchanged.
   */
  rotateLocked(rotate: (locked: TokenPair | null) => Promise<TokenPair | NewTokenPair>): Promise<TokenPair>;
}

interface TokenRow {
  access_token: string;
  refresh_token: string;
  expires_at: string | Date;
  version: string;
}

function toPair(r: TokenRow): TokenPair {
  return { accessToken: r.access_token, refreshToken: r.refresh_token, expiresAt: new Date(r.expires_at), version: r.version };
}

/** The channel_tokens columns of a pair (written together: the pair is saved atomically). */
function tokenColumns(pair: TokenPair) {
  return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: pair.expiresAt, version: pair.version };
}

export function createChannelTokenStorage({ db, channel, now = () => new Date() }: { db: Db; channel: string; now?: () => Date }): ChannelTokenStorage {
  const select = (lock: boolean) => sql`select access_token, refresh_token, expires_at, version
      from channel_tokens where channel = ${channel}${lock ? sql` for update` : sql``}`;
  return {
    async read() {
      const [row] = await queryRows<TokenRow>(db, select(false));
      return row ? toPair(row) : null;
    },
    async save(p) {
      const pair: TokenPair = { ...p, version: randomUUID() };
      await db
        .insert(channelTokens)
        .values({ channel, ...tokenColumns(pair), updatedAt: now() })
        .onConflictDoUpdate({ target: channelTokens.channel, set: { ...tokenColumns(pair), updatedAt: now() } });
      return pair;
    },
    rotateLocked(rotate) {
      return db.transaction(async (tx) => {
        const [row] = await queryRows<TokenRow>(tx, select(true));
        const locked = row ? toPair(row) : null;
        const next = await rotate(locked);
        if ("version" in next) return next;
        const pair: TokenPair = { ...next, version: randomUUID() };
        await tx.update(channelTokens).set({ ...tokenColumns(pair), updatedAt: now() }).where(eq(channelTokens.channel, channel));
        return pair;
      });
    },
  };
}
