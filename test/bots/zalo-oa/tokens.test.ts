import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { databaseKinds, quietLogger } from "../../support/database.js";
import { createZaloOaTokenStore, TokenUnavailableError, type ZaloOaTokenStore } from "../../../bots/zalo-oa/tokens.js";
import { startFakeZaloOa, type FakeZaloOa } from "../../fakes/zalo-oa-api.js";
import { useTestDatabase } from "../../support/lifecycle.js";

describe.each(databaseKinds)("Zalo OA token store on %s", (kind) => {
  const database = useTestDatabase(kind);
  let fake: FakeZaloOa;
  const store = (): ZaloOaTokenStore =>
    createZaloOaTokenStore({ db: database.db, logger: quietLogger(), appId: fake.appId, appSecret: fake.appSecret, oauthBase: fake.url });

  beforeEach(async () => {
    fake = await startFakeZaloOa();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("refuses to work before an officer loads a pair, with the CLI command to run", async () => {
    await database.db.execute(sql`delete from channel_tokens`);
    const s = store();
    await expect(s.current()).rejects.toThrow(/zalo-oa token set/);
  });

  it("serves the loaded pair while fresh and rotates it shortly before expiry, saving the new pair", async () => {
    const s = store();
    await s.set({ accessToken: fake.accessToken, refreshToken: fake.refreshToken, expiresInSeconds: 90_000 });
    const fresh = await s.current();
    expect(fresh.accessToken).toBe(fake.accessToken);
    expect(fake.refreshCalls).toBe(0);

    await s.set({ accessToken: fake.accessToken, refreshToken: fake.refreshToken, expiresInSeconds: 60 }); // expires within the margin
    const rotated = await s.current();
    expect(fake.refreshCalls).toBe(1);
    expect(rotated.accessToken).toBe(fake.accessToken);
    expect(rotated.refreshToken).toBe(fake.refreshToken);
    expect(rotated.expiresAt.getTime()).toBeGreaterThan(Date.now() + 89_000_000); // expires_in "90000" read as seconds
    const stored = await store().peek();
    expect(stored).toMatchObject({ accessToken: rotated.accessToken, refreshToken: rotated.refreshToken, version: rotated.version });
  });

  it("makes one refresh call when two refreshes of the same stale token race in one store", async () => {
    const s = store();
    const loaded = await s.set({ accessToken: fake.accessToken, refreshToken: fake.refreshToken, expiresInSeconds: 90_000 });
    fake.refreshDelayMs = 150;
    const [a, b] = await Promise.all([s.refresh(loaded.version), s.refresh(loaded.version)]);
    expect(fake.refreshCalls).toBe(1);
    expect(a.accessToken).toBe(fake.accessToken);
    expect(b.version).toBe(a.version);
  });

  it("makes one refresh call when two token stores (two instances) over the same database refresh at once", async () => {
    const loaded = await store().set({ accessToken: fake.accessToken, refreshToken: fake.refreshToken, expiresInSeconds: 90_000 });
    fake.refreshDelayMs = 200;
    const [a, b] = await Promise.all([store().refresh(loaded.version), store().refresh(loaded.version)]);
    expect(fake.refreshCalls).toBe(1);
    expect(a.version).toBe(b.version);
    expect(a.refreshToken).toBe(fake.refreshToken);
    // the winner's pair works: a third refresh of the newer version rotates again, accepted by the fake
    const c = await store().refresh(a.version);
    expect(fake.refreshCalls).toBe(2);
    expect(c.accessToken).toBe(fake.accessToken);
  });

  it("reads the stored pair once for sends close together; a pair rotated elsewhere is seen after the cache's time", async () => {
    let clock = Date.now();
    const s = createZaloOaTokenStore({ db: database.db, logger: quietLogger(), appId: fake.appId, appSecret: fake.appSecret, oauthBase: fake.url, now: () => new Date(clock) });
    const loaded = await s.set({ accessToken: fake.accessToken, refreshToken: fake.refreshToken, expiresInSeconds: 90_000 });
    // Another instance rotates the pair: this store still serves what it read, for up to 2 s.
    const theirs = await store().refresh(loaded.version);
    expect(theirs.version).not.toBe(loaded.version);
    expect((await s.current()).version).toBe(loaded.version);
    clock += 2_001;
    expect((await s.current()).version).toBe(theirs.version);
    expect(fake.refreshCalls).toBe(1);
  });

  it("keeps the stored pair when Zalo refuses a used refresh token, and says what to do", async () => {
    const s = store();
    const loaded = await s.set({ accessToken: "old-access", refreshToken: "already-used-refresh", expiresInSeconds: 90_000 });
    const err = await s.refresh(loaded.version).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenUnavailableError);
    expect((err as TokenUnavailableError).transient).toBe(false);
    expect((err as Error).message).toMatch(/-14014.*zalo-oa token set/);
    expect(await s.peek()).toMatchObject({ accessToken: "old-access", refreshToken: "already-used-refresh", version: loaded.version });
  });
});
