import type { Db } from "../../src/db/client.js";
import { createZaloOaTokenStore } from "../../bots/zalo-oa/tokens.js";
import type { FakeZaloOa, FakeZaloOaInfo } from "../fakes/zalo-oa-api.js";
import { createZaloOaAdapter, type ZaloOaAdapter, type ZaloOaAdapterOptions } from "../../bots/zalo-oa/adapter.js";
import { createZaloOaClient } from "../../bots/zalo-oa/client.js";
import { quietLogger, type DatabaseKind } from "./database.js";
import { startTestService, type TestService } from "./service.js";

/**
 * The real service with its Zalo OA channel pointed at the fake OA API, and the first token pair loaded as an
 * officer does once with `npm run cli -- zalo-oa token set`.
 */
export async function startServiceWithFakeOa(kind: DatabaseKind, fake: FakeZaloOa, env: Record<string, string> = {}): Promise<TestService> {
  const svc = await startTestService(kind, {
    ZALO_OA_APP_ID: fake.appId,
    ZALO_OA_APP_SECRET: fake.appSecret,
    ZALO_OA_SECRET_KEY: fake.oaSecretKey,
    ZALO_OA_ID: fake.oaId,
    ZALO_OA_API_BASE: fake.url,
    ZALO_OAUTH_BASE: fake.url,
    ...env,
  });
  await loadFakeOaToken(svc.database.db, fake);
  return svc;
}

/** A token store for the fake OA's app, over `db`. */
function fakeOaTokenStore(db: Db, fake: FakeZaloOaInfo) {
  return createZaloOaTokenStore({ db, logger: quietLogger(), appId: fake.appId, appSecret: fake.appSecret, oauthBase: fake.url });
}

export function loadFakeOaToken(db: Db, fake: FakeZaloOaInfo) {
  return fakeOaTokenStore(db, fake).set({
    accessToken: fake.accessToken,
    refreshToken: fake.refreshToken,
    expiresInSeconds: 90_000,
  });
}

/**
 * The Zalo OA adapter pointed at a fake OA (in this process or its own), its token store in `db` (empty: load
 * a pair with `adapter.tokens.set`): buttons on, no templates, everyone inside the 7-day window unless `over`
 * says otherwise.
 */
export function oaAdapterOnFake(db: Db, fake: FakeZaloOaInfo, over: Partial<ZaloOaAdapterOptions> = {}): ZaloOaAdapter {
  return createZaloOaAdapter({
    client: createZaloOaClient({ apiBase: fake.url }),
    tokens: fakeOaTokenStore(db, fake),
    logger: quietLogger(),
    signature: { variant: "documented", secrets: { appId: fake.appId, oaSecretKey: fake.oaSecretKey } },
    buttons: true,
    templates: {},
    throttleRetryMs: 60_000,
    windowMs: 7 * 86_400_000,
    lastInteraction: () => Promise.resolve({ lastInteractionAt: new Date(), locale: "vi" }),
    ...over,
  });
}
