/**
 * The fake Telegram Bot API as a process of its own (started by `telegram-api-process.ts`): its options as
 * JSON in the first argument; prints `{"url": …}` once listening; SIGTERM or the end of stdin closes it.
 */
import { serveAsFakeProcess } from "./fake-process.js";
import { startFakeTelegramApi, type FakeTelegramOptions } from "./telegram-api.js";

const fake = await startFakeTelegramApi(JSON.parse(process.argv[2] ?? "{}") as FakeTelegramOptions);
serveAsFakeProcess({ url: fake.url }, () => fake.close());
