import express, { Router, type Request, type Response } from "express";
import type { ChannelAdapter } from "../../channels/adapter.js";
import { dispatchInbound, type InboundSink, type PendingTasks } from "../../channels/dispatch.js";
import { parseJsonKeepingBigInts } from "../../channels/json.js";
import type { Logger } from "../../logger.js";
import type { Metrics } from "../../metrics.js";
import { sendProblem } from "../problem.js";

export interface WebhookRouterDeps {
  /** All enabled channels; those declaring `webhook` get POST /webhooks/<path>. */
  adapters: ChannelAdapter[];
  inbound: InboundSink;
  logger: Logger;
  /** Largest accepted body (config BODY_LIMIT, e.g. "256kb"); larger → 413. */
  bodyLimit: string;
  metrics?: Metrics;
  /**
   * Where button-press acknowledgements go once the update is handled (not awaited before the answer; without
   * it they are awaited), and ackFirst updates still being handled: shutdown settles them before closing the database.
   */
  pending?: PendingTasks;
}

/**
 * The channel-neutral webhook router, mounted at /webhooks. For each adapter with `webhook`:
 * read the raw body (size-limited) → verifyWebhook (401, nothing stored) → JSON (400) → parseInbound
 * (unknown shapes: 200, ignored) → handle, then 200 (ackFirst false: a failure answers 500 so the
 * platform retries; the 200 carries the button press's acknowledgement where the channel can put it there) or 200, then handle (ackFirst true: failures are logged).
 */
export function webhookRouter(deps: WebhookRouterDeps): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: deps.bodyLimit });
  const seen = new Set<string>();
  for (const adapter of deps.adapters) {
    const hook = adapter.webhook;
    if (!hook) continue;
    if (!adapter.verifyWebhook) throw new Error(`channel ${adapter.name} declares a webhook but no verifyWebhook`);
    if (!/^[a-z0-9-]+$/.test(hook.path) || seen.has(hook.path)) throw new Error(`bad or duplicate webhook path: ${hook.path}`);
    seen.add(hook.path);
    router.post(`/${hook.path}`, raw, (req, res) => receive(adapter, req, res));
  }

  async function receive(adapter: ChannelAdapter, req: Request, res: Response): Promise<void> {
    const requestLog = (res.locals.log as Logger | undefined) ?? deps.logger;
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!adapter.verifyWebhook!({ headers: req.headers, rawBody })) {
      requestLog.warn("webhook refused: verification failed", { channel: adapter.name });
      sendProblem(res, 401, "unauthorized", "Unauthorized", "The webhook secret or signature is missing or wrong.");
      return;
    }
    let update: unknown;
    try {
      update = parseJsonKeepingBigInts(rawBody.toString("utf8"));
    } catch (err) {
      sendProblem(res, 400, "malformed-json", "Malformed JSON", "The request body is not valid JSON.", [
        { field: "(body)", message: err instanceof Error ? err.message : "parse error" },
      ]);
      return;
    }
    const events = adapter.parseInbound(update);
    const log = requestLog.child({ channel: adapter.name, updateKey: events[0]?.updateKey });
    if (!events.length) {
      log.debug("webhook update ignored (no event in it)");
      res.status(200).json({ ok: true, events: 0 });
      return;
    }
    if (adapter.webhook!.ackFirst) {
      res.status(200).json({ ok: true, events: events.length });
      const work = dispatchInbound(adapter, deps.inbound, events, log, deps.metrics, deps.pending).catch((err: unknown) => {
        log.error("webhook update failed after it was acknowledged", { err });
      });
      // Already acknowledged: the platform will not send it again, so shutdown waits for it before closing the database.
      deps.pending?.track(work);
      return;
    }
    // Where the platform takes a method call in the answer (Telegram), the button press is acknowledged there.
    const answer = adapter.acknowledgeInWebhookAnswer?.(events);
    try {
      await dispatchInbound(adapter, deps.inbound, events, log, deps.metrics, deps.pending, answer !== undefined);
    } catch (err) {
      log.error("webhook update failed; the platform will retry it", { err });
      sendProblem(res, 500, "internal", "Internal error", "The update could not be processed; retry later.");
      return;
    }
    res.status(200).json(answer ?? { ok: true, events: events.length });
  }

  return router;
}
