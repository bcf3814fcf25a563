/**
 * The fake Zalo Bot API as a process of its own (started by `zalo-bot-process.ts`): prints `{"url", "token"}`
 * once listening; SIGTERM or the end of stdin closes it.
 */
import { serveAsFakeProcess } from "./fake-process.js";
import { startFakeZaloBot } from "./zalo-bot-api.js";

const fake = await startFakeZaloBot();
serveAsFakeProcess({ url: fake.url, token: fake.token }, () => fake.close());
