import http from "node:http";
import type { ChannelAdapter } from "../../src/channels/adapter.js";
import { ConfigFailure, Permanent, RecipientGone, Throttled, Transient } from "../../src/channels/errors.js";
import type { OutboundMessage } from "../../src/channels/message.js";

/**
 * A minimal Telegram adapter for the delivery tests and the benchmark's bare loop: sendMessage over
 * node:http with keep-alive, answers mapped to the closed SendError set. (The product's adapter is
 * bots/telegram, built on grammY.)
 */
export function createHttpTelegramAdapter(opts: { apiRoot: string; token: string; maxSockets?: number; timeoutMs?: number }): ChannelAdapter & { close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 256 });
  const base = new URL(opts.apiRoot);

  function call(method: string, payload: unknown): Promise<{ status: number; body: { ok: boolean; result?: { message_id: number }; description?: string; error_code?: number; parameters?: { retry_after?: number } } }> {
    const data = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { agent, host: base.hostname, port: base.port, method: "POST", path: `/bot${opts.token}/${method}`, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) }, timeout: opts.timeoutMs ?? 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", reject);
      req.end(data);
    });
  }

  const markup = (m: OutboundMessage) =>
    m.buttons?.length ? { inline_keyboard: m.buttons.map((row) => row.map((b) => (b.url ? { text: b.label, url: b.url } : { text: b.label, callback_data: b.action }))) } : undefined;

  return {
    name: "telegram",
    supportsButtons: true,
    async send(to, message) {
      const payload = { chat_id: to.externalId, text: message.text, reply_markup: markup(message) };
      let r;
      try {
        r = await call("sendMessage", payload);
      } catch (err) {
        throw new Transient({ method: "sendMessage", description: (err as Error).message, cause: err });
      }
      const details = { method: "sendMessage", code: r.body.error_code ?? r.status, description: r.body.description };
      if (r.status === 200 && r.body.ok && r.body.result) return { externalId: String(r.body.result.message_id) };
      if (r.status === 429) throw new Throttled((r.body.parameters?.retry_after ?? 1) * 1000, details);
      if (r.status === 403) throw new RecipientGone(details);
      if (r.status === 401 || r.status === 404) throw new ConfigFailure(details);
      if (r.status >= 500) throw new Transient(details);
      throw new Permanent(details);
    },
    parseInbound: () => [],
    close: () => agent.destroy(),
  };
}
