import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeCall {
  method: string;
  token: string;
  body: Record<string, unknown>;
}

/** What the fake answers to one call: a status and JSON body, raw text, or a dropped connection. */
export type FakeReply = { status: number; json: unknown } | { status: number; text: string } | { drop: true };

/**
 * A tiny local Bot API fake on 127.0.0.1: records every call and answers from a script
 * (`next` replies are used first, then `fallback`).
 */
export async function startFakeBotApi() {
  const calls: FakeCall[] = [];
  const next: FakeReply[] = [];
  let fallback: (call: FakeCall) => FakeReply = (call) => ({
    status: 200,
    json: { ok: true, result: call.method === "sendMessage" ? { message_id: calls.length, date: 0, chat: { id: 1, type: "private" } } : true },
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
      let body: Record<string, unknown>;
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      } catch {
        body = {};
      }
      const call: FakeCall = { method: m?.[2] ?? "?", token: m?.[1] ?? "", body };
      calls.push(call);
      const reply = next.shift() ?? fallback(call);
      if ("drop" in reply) {
        req.socket.destroy();
        return;
      }
      if ("json" in reply) {
        res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.json));
      } else {
        res.writeHead(reply.status, { "content-type": "text/html" }).end(reply.text);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    /** Queue replies for the next calls. */
    reply(...replies: FakeReply[]) {
      next.push(...replies);
    },
    setFallback(f: (call: FakeCall) => FakeReply) {
      fallback = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const tgError = (status: number, description: string, parameters?: Record<string, unknown>): FakeReply => ({
  status,
  json: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});
