import type { AxiosInstance } from "axios";
import type { Db } from "../../src/db/client.js";
import { createChannelTokenStorage, ZALO_OA_TOKENS, type TokenPair } from "../../src/domain/channel-tokens.js";
import type { Logger } from "../../src/logger.js";
import { parseJsonKeepingBigInts } from "../../src/channels/json.js";
import { createOaHttp } from "./client.js";

export const OA_TOKEN_CHANNEL = ZALO_OA_TOKENS;

export type { TokenPair };

/** The token store could not give a usable access token (none loaded, or Zalo refused the refresh). */
export class TokenUnavailableError extends Error {
  constructor(
    message: string,
    /** Whether retrying later may help (network failure), as opposed to an officer having to act. */
    readonly transient: boolean,
    readonly code?: number | string,
  ) {
    super(message);
    this.name = "TokenUnavailableError";
  }
}

/** No pair stored yet: an officer must load the first one. */
function noTokenLoaded(): TokenUnavailableError {
  return new TokenUnavailableError("no Zalo OA token loaded; run: npm run cli -- zalo-oa token set --access … --refresh … --expires-in …", false);
}

export interface ZaloOaTokenStore {
  /** A valid access token with its version; refreshes first when it expires within the margin. */
  current(): Promise<TokenPair>;
  /**
   * Rotate the pair because `staleVersion` was refused (-216/-220) or is about to expire. Under a row lock:
   * if another holder (this or another instance) already rotated it, the newer pair is returned unchanged.
   */
  refresh(staleVersion: string): Promise<TokenPair>;
  /** Save a pair an officer obtained (CLI `zalo-oa token set`). */
  set(pair: { accessToken: string; refreshToken: string; expiresInSeconds: number }): Promise<TokenPair>;
  /** The stored pair, without refreshing (status display). */
  peek(): Promise<TokenPair | null>;
}

export interface ZaloOaTokenStoreOptions {
  db: Db;
  logger: Logger;
  appId: string;
  appSecret: string;
  oauthBase: string;
  /** Refresh when the access token expires within this many ms (default 1 h; it lives 25 h). */
  refreshMarginMs?: number;
  /**
   * A pair read from the database is used this long before it is read again (default 2 s): sends do not each
   * read it (a query between a send's slot and its call). A pair rotated by another instance meanwhile is
   * refused (-216), and the refresh then finds the newer pair under the row lock and uses it.
   */
  cacheMs?: number;
  http?: AxiosInstance;
  now?: () => Date;
}

/**
 * The OA access/refresh pair, stored by src/domain/channel-tokens.ts. The refresh token is single-use and rotates, so a
 * refresh runs inside a transaction holding `SELECT … FOR UPDATE` on the token row (serialising refreshes
 * across instances), re-reads the row after taking the lock, and saves the new pair in the same
 * transaction. Within one process concurrent callers share one refresh.
 */
export function createZaloOaTokenStore(opts: ZaloOaTokenStoreOptions): ZaloOaTokenStore {
  const { logger } = opts;
  const margin = opts.refreshMarginMs ?? 60 * 60_000;
  const now = opts.now ?? (() => new Date());
  const http = opts.http ?? createOaHttp(15_000);
  const url = opts.oauthBase.replace(/\/+$/, "") + "/v4/oa/access_token";
  const inFlight = new Map<string, Promise<TokenPair>>();
  const storage = createChannelTokenStorage({ db: opts.db, channel: OA_TOKEN_CHANNEL, now });
  const cacheMs = opts.cacheMs ?? 2_000;
  /** The pair last read or written here, and when. */
  let cached: { pair: TokenPair; at: number } | null = null;
  const keep = (pair: TokenPair) => {
    cached = { pair, at: now().getTime() };
    return pair;
  };

  async function callOauth(refreshToken: string): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }> {
    const form = new URLSearchParams({ refresh_token: refreshToken, app_id: opts.appId, grant_type: "refresh_token" });
    let res;
    try {
      res = await http.post<string>(url, form.toString(), {
        headers: { "content-type": "application/x-www-form-urlencoded", secret_key: opts.appSecret },
      });
    } catch (err) {
      throw new TokenUnavailableError(`token refresh failed: network ${(err as { code?: string }).code ?? "error"}`, true);
    }
    let body: Record<string, unknown> = {};
    try {
      body = (typeof res.data === "string" ? parseJsonKeepingBigInts(res.data) : res.data) as Record<string, unknown>;
    } catch {
      // handled below as a missing token
    }
    const access = body?.access_token;
    const refresh = body?.refresh_token;
    if (res.status >= 500) throw new TokenUnavailableError(`token refresh failed: HTTP ${res.status}`, true);
    if (typeof access !== "string" || !access || typeof refresh !== "string" || !refresh) {
      const code = (body?.error as number | string | undefined) ?? res.status;
      const why = [body?.error_name, body?.error_description ?? body?.message].filter(Boolean).join(": ");
      throw new TokenUnavailableError(
        `Zalo refused the token refresh (${String(code)}${why ? " " + String(why) : ""}); load a new pair with: npm run cli -- zalo-oa token set`,
        false,
        code,
      );
    }
    // expires_in arrives as a string ("90000"); accept a number too.
    const expiresIn = Number(body.expires_in ?? 90_000);
    return { accessToken: access, refreshToken: refresh, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 90_000 };
  }

  async function rotate(staleVersion: string | null): Promise<TokenPair> {
    return storage.rotateLocked(async (locked) => {
      if (!locked) throw noTokenLoaded();
      // Someone else rotated it while we waited for the lock (or it is fresh after all): use theirs.
      if (staleVersion !== null && locked.version !== staleVersion) return locked;
      if (staleVersion === null && locked.expiresAt.getTime() - now().getTime() > margin) return locked;
      const fresh = await callOauth(locked.refreshToken);
      const expiresAt = new Date(now().getTime() + fresh.expiresIn * 1000);
      logger.info("Zalo OA token refreshed", { expiresAt: expiresAt.toISOString() });
      return { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, expiresAt };
    });
  }

  function singleFlight(key: string, fn: () => Promise<TokenPair>): Promise<TokenPair> {
    const running = inFlight.get(key);
    if (running) return running;
    const p = fn().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  }

  return {
    async current() {
      const t = now().getTime();
      // Kept pairs are not kept again: the pair is read anew once `cacheMs` passed since it was read.
      const held = cached && t - cached.at < cacheMs ? cached.pair : null;
      const pair = held ?? (await storage.read());
      if (!pair) throw noTokenLoaded();
      if (pair.expiresAt.getTime() - t > margin) return held ?? keep(pair);
      return keep(await singleFlight(pair.version, () => rotate(pair.version)));
    },
    async refresh(staleVersion) {
      return keep(await singleFlight(staleVersion, () => rotate(staleVersion)));
    },
    async set(p) {
      const pair = keep(await storage.save({ accessToken: p.accessToken, refreshToken: p.refreshToken, expiresAt: new Date(now().getTime() + p.expiresInSeconds * 1000) }));
      logger.info("Zalo OA token pair loaded", { expiresAt: pair.expiresAt.toISOString() });
      return pair;
    },
    peek: () => storage.read(),
  };
}
