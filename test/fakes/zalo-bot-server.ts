/**
 * The fake Zalo Bot API as a process of its own (started by `zalo-bot-process.ts`): prints `{"url", "token"}`
 * once listening; SIGTERM or the end of stdin closes it.
 */
import { startFakeZaloBot } from "./zalo-bot-api.js";

const fake = await startFakeZaloBot();
console.log(JSON.stringify({ url: fake.url, token: fake.token }));
const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
// The parent gone (its end of stdin closed): stop too.
process.stdin.on("end", stop).resume();
