import { startFakeProcess } from "./fake-process.js";
import type { FakeTelegramOptions, FakeTelegramStats, SentMessage } from "./telegram-api.js";

/**
 * The fake Telegram Bot API (telegram-api.ts) in a process of its own (fake-process.ts says why): for the
 * strict pacing tests and the benchmark. Every read is a request, so every method is async.
 */
export interface FakeTelegramProcess {
  url: string;
  /** Base for a bot client (`/bot<token>/<method>` is added). */
  apiRoot: string;
  /** The stats, with each accepted sendMessage's arrival time when `recordTimes` is on. */
  stats(): Promise<FakeTelegramStats & { times?: number[] }>;
  /** One chat: accepted sendMessage count, the last messages, and accepted arrival times (the fake's clock). */
  chat(chatId: string | number): Promise<{ count: number; messages: SentMessage[]; arrivals: number[] }>;
  configure(o: FakeTelegramOptions): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeTelegramProcess(opts: FakeTelegramOptions = {}): Promise<FakeTelegramProcess> {
  const fake = await startFakeProcess<{ url: string }>("test/fakes/telegram-api-server.ts", opts);
  const { url } = fake.info;
  return {
    url,
    apiRoot: url,
    stats: () => fake.call("/__fake/stats"),
    chat: (chatId) => fake.call(`/__fake/chat?id=${encodeURIComponent(String(chatId))}`),
    configure: async (o) => void (await fake.call("/__fake/config", o)),
    reset: async () => void (await fake.call("/__fake/reset", {})),
    close: () => fake.close(),
  };
}
