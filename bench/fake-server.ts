/** The fake Telegram Bot API in its own process (so the benchmark's sender does not share its CPU thread). */
import { startFakeTelegramApi } from "../test/fakes/telegram-api.js";

const fake = await startFakeTelegramApi({ recordTimes: true });
console.log(JSON.stringify({ url: fake.url }));
process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
