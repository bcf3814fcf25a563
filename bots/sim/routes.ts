import express, { Router } from "express";
import { z } from "zod";
import { dispatchInbound, type HandledEvent, type InboundSink } from "../../src/channels/dispatch.js";
import type { Logger } from "../../src/logger.js";
import type { Metrics } from "../../src/metrics.js";
import { flatButtons, type SimAdapter } from "./adapter.js";
import { simPage, simScript } from "./page.js";

export interface SimRoutesDeps {
  adapter: SimAdapter;
  inbound: InboundSink<HandledEvent[]>;
  logger: Logger;
  metrics?: Metrics;
}

const userId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1 to 64 letters, digits, '_', '.' or '-'");

export const simMessageBody = z
  .object({
    userId,
    text: z.string().min(1, "must not be empty").max(10_000, "must be at most 10000 characters").optional(),
    action: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
    /** Optional: the same updateId twice is a replayed update (handled once). */
    updateId: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "must be 1 to 100 letters, digits, '_', '.', ':' or '-'").optional(),
    displayName: z.string().max(100).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.text === undefined && b.action === undefined) ctx.addIssue({ code: "custom", path: ["text"], message: "send either text or action" });
    if (b.text !== undefined && b.action !== undefined) ctx.addIssue({ code: "custom", path: ["action"], message: "send text or action, not both" });
  });

/**
 * The simulator's HTTP API, mounted at /sim when the simulator is enabled:
 *   POST /sim/messages       {userId, text} or {userId, action} → {replies:[{text, buttons:[{label, action}]}]}
 *   GET  /sim/inbox/:userId  everything delivered to that simulated person (replies and broadcasts)
 *   GET  /sim                a small page to chat as a resident
 */
export function simRoutes(deps: SimRoutesDeps): Router {
  const router = Router();
  router.use(express.json({ limit: "128kb", strict: true }));

  router.post("/messages", async (req, res) => {
    const body = simMessageBody.parse(req.body ?? {});
    const log = (res.locals.log as Logger | undefined) ?? deps.logger;
    // The same inbound dispatch as every channel's webhook and polling intake.
    const results = (await dispatchInbound(deps.adapter, deps.inbound, deps.adapter.parseInbound(body), log, deps.metrics)) ?? [];
    const replies = results.flatMap((r) => r.replies.map((m) => ({ text: m.text, buttons: flatButtons(m) })));
    res.json({ replies, duplicate: results.every((r) => r.duplicate) });
  });

  router.get("/inbox/:userId", (req, res) => {
    const { userId: id } = z.object({ userId }).parse(req.params);
    res.json({ userId: id, messages: deps.adapter.inbox(id) });
  });

  router.get("/app.js", (_req, res) => {
    res.type("application/javascript").send(simScript);
  });
  router.get("/", (_req, res) => {
    res.type("html").send(simPage());
  });
  return router;
}
