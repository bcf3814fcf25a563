import type { AddressInfo } from "node:net";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { watchResidentText, watchSecret } from "../../support/log-watch.js";

/** A message the bot sent, as the emulator shows it to the person. */
export interface Received {
  text: string;
  /** Inline keyboard buttons, flattened: label and callback data (or url). */
  buttons: { text: string; data?: string; url?: string }[];
}

interface StoredBotMessage {
  message: { chat_id: string | number; text?: string; reply_markup?: { inline_keyboard?: { text: string; callback_data?: string; url?: string }[][] } };
}

/**
 * telegram-test-api (a third-party Bot API emulator) on 127.0.0.1 with a random port, and one simulated
 * resident. The emulator sends no secret header with its webhooks, so no webhook is left registered in it:
 * the resident's updates are stored by the emulator and `forward()` takes them (its own update format)
 * and posts them to our webhook with the secret, as Telegram would.
 */
export async function startEmulator(token: string, person: { userId: number; firstName: string }) {
  // normalizeConfig turns port 0 into 9000; the string "0" passes through and listen() picks a free port.
  const server = new TelegramServer({ port: "0" as unknown as number, host: "127.0.0.1", storeTimeout: 3600 });
  await server.start();
  const internal = server as unknown as { server: { address(): AddressInfo }; webhooks: Record<string, { url: string; secret_token?: string } | undefined> };
  const apiRoot = `http://127.0.0.1:${internal.server.address().port}`;
  server.config.apiURL = apiRoot;
  const client = server.getClient(token, { userId: person.userId, chatId: person.userId, firstName: person.firstName, userName: "resident" });
  const chatId = String(person.userId);
  // What the resident types is watched: it must never reach the service's log (log-watch.ts).
  const makeMessage = client.makeMessage.bind(client);
  client.makeMessage = (text: string, options?: Parameters<typeof makeMessage>[1]): ReturnType<typeof makeMessage> => {
    watchResidentText(text);
    return makeMessage(text, options);
  };
  watchSecret(token);

  const received = (): Received[] =>
    (server.storage.botMessages as unknown as StoredBotMessage[])
      .filter((m) => String(m.message.chat_id) === chatId)
      .map((m) => ({
        text: m.message.text ?? "",
        buttons: (m.message.reply_markup?.inline_keyboard ?? []).flat().map((b) => ({
          text: b.text,
          ...(b.callback_data !== undefined ? { data: b.callback_data } : {}),
          ...(b.url !== undefined ? { url: b.url } : {}),
        })),
      }));

  return {
    server,
    apiRoot,
    client,
    chatId,
    /** The webhook our service registered in the emulator (url and secret_token), if any. */
    registeredWebhook: () => internal.webhooks[token],
    /** Forget the registered webhook so the emulator stores updates instead of posting them without a secret. */
    dropWebhook: () => server.deleteWebhook(token),
    /** Updates the resident produced since the last call, in Telegram's update format. */
    takeUpdates: (): unknown[] => server.getUpdates(token),
    received,
    stop: () => server.stop(),
  };
}
export type Emulator = Awaited<ReturnType<typeof startEmulator>>;
