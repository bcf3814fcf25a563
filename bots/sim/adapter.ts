import { randomUUID } from "node:crypto";
import type { ChannelAdapter, InboundEvent, SendMeta, SendResult } from "../../src/channels/adapter.js";
import type { Button, OutboundMessage, Recipient } from "../../src/channels/message.js";

/** One message a simulated resident received (a reply or a broadcast), as the sender delivered it. */
export interface SimMessage {
  id: string;
  kind: string;
  text: string;
  buttons: Button[];
  at: string;
}

/** What POST /sim/messages accepts, after validation. */
export interface SimInput {
  userId: string;
  text?: string | undefined;
  action?: string | undefined;
  updateId?: string | undefined;
  displayName?: string | undefined;
}

export interface SimAdapter extends ChannelAdapter {
  /** Everything sent to this simulated person, oldest first. */
  inbox(userId: string): SimMessage[];
}

export interface SimAdapterOptions {
  /** Messages kept per person (oldest dropped first). */
  maxPerUser?: number;
}

/** Flatten button rows for the simulator's JSON (rows matter only for layout). */
export function flatButtons(message: OutboundMessage): Button[] {
  return (message.buttons ?? []).flat().map((b) => (b.url ? { label: b.label, action: b.action, url: b.url } : { label: b.label, action: b.action }));
}

/**
 * The simulator channel: an in-memory courier. `send` appends to the person's inbox (this adapter
 * instance only) and never fails; `parseInbound` turns a POST /sim/messages body into an event.
 */
export function createSimAdapter(opts: SimAdapterOptions = {}): SimAdapter {
  const maxPerUser = opts.maxPerUser ?? 500;
  const inboxes = new Map<string, SimMessage[]>();
  let seq = 0;

  return {
    name: "sim",
    supportsButtons: true,
    send(to: Recipient, message: OutboundMessage, meta?: SendMeta): Promise<SendResult> {
      seq += 1;
      const id = `sim-${seq}`;
      const box = inboxes.get(to.externalId) ?? [];
      box.push({ id, kind: meta?.kind ?? "message", text: message.text, buttons: flatButtons(message), at: new Date().toISOString() });
      if (box.length > maxPerUser) box.splice(0, box.length - maxPerUser);
      inboxes.set(to.externalId, box);
      return Promise.resolve({ externalId: id });
    },
    parseInbound(raw: unknown): InboundEvent[] {
      const input = raw as Partial<SimInput> | null;
      if (!input || typeof input.userId !== "string") return [];
      const base = {
        channel: "sim" as const,
        externalId: input.userId,
        updateKey: input.updateId ?? randomUUID(),
        at: new Date(),
        ...(input.displayName ? { displayName: input.displayName } : {}),
      };
      if (typeof input.action === "string") return [{ ...base, type: "action", action: input.action }];
      if (typeof input.text !== "string") return [];
      const start = /^\/start(?:\s+(\S+))?\s*$/.exec(input.text.trim());
      if (start) return [start[1] ? { ...base, type: "start", payload: start[1] } : { ...base, type: "start" }];
      return [{ ...base, type: "text", text: input.text }];
    },
    inbox(userId: string): SimMessage[] {
      return [...(inboxes.get(userId) ?? [])];
    },
  };
}
