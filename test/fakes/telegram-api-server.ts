/**
 * The fake Telegram Bot API as a process of its own (started by `telegram-api-process.ts`): its options as
 * JSON in the first argument; prints `{"url": …}` once listening; SIGTERM or the end of stdin closes it.
 */
import { startFakeTelegramApi, type FakeTelegramOptions } from "./telegram-api.js";

const options = JSON.parse(process.argv[2] ?? "{}") as FakeTelegramOptions;
const fake = await startFakeTelegramApi(options);
console.log(JSON.stringify({ url: fake.url }));
const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
// The parent gone (its end of stdin closed): stop too.
process.stdin.on("end", stop).resume();
