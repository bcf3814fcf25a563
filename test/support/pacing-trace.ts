import type { ChannelAdapter } from "../../src/channels/adapter.js";
import type { Refusal } from "../fakes/arrival-judge.js";

const epochNow = () => performance.timeOrigin + performance.now();

/**
 * For a strict pacing test that gets a 429 it should not: the adapter wrapped to note, per recipient, when
 * each send was handed to it (just after its grant) and when its request was written (what the limiter
 * counts; for a message sent in parts, its latest part's) and when its answer began to arrive (which may
 * move that count later), and `explain` to set them beside the fake's
 * first refusal and the arrivals of its window
 * (times in milliseconds since the epoch on both sides, so a fake in another process compares).
 */
export function traceSends(adapter: ChannelAdapter) {
  const sends = new Map<string, { calledAt: number; writtenAt: number | null; answeredAt: number | null }[]>();
  const traced: ChannelAdapter = Object.assign(Object.create(adapter) as ChannelAdapter, {
    send: (to: Parameters<ChannelAdapter["send"]>[0], message: Parameters<ChannelAdapter["send"]>[1], meta: Parameters<ChannelAdapter["send"]>[2]) => {
      const entry = { calledAt: epochNow(), writtenAt: null as number | null, answeredAt: null as number | null };
      const list = sends.get(to.externalId) ?? [];
      list.push(entry);
      sends.set(to.externalId, list);
      const pacing = meta?.pacing;
      const noted = pacing && {
        ...pacing,
        written: () => ((entry.writtenAt = epochNow()), pacing.written()),
        answered: () => ((entry.answeredAt = epochNow()), pacing.answered()),
      };
      return adapter.send(to, message, noted ? { ...meta, pacing: noted } : meta);
    },
  });

  function explain(stats: { firstRefusals: Refusal[]; clockOrigin: number }): string {
    const refusal = stats.firstRefusals[0];
    if (!refusal) return "no refusal";
    const t0 = stats.clockOrigin + (refusal.window[0]?.at ?? refusal.at);
    const line = (a: { chatId: string; at: number }, mark: string) => {
      const arrival = stats.clockOrigin + a.at;
      const ours = (sends.get(a.chatId) ?? []).filter((s) => s.calledAt <= arrival).at(-1);
      const from = (x: number | null | undefined) => (x == null ? "—" : (arrival - x).toFixed(1));
      const answer = ours?.answeredAt != null && ours.writtenAt != null ? `; answered ${(ours.answeredAt - ours.writtenAt).toFixed(1)} ms after its write` : "";
      return `${mark} +${(arrival - t0).toFixed(1)} ms chat ${a.chatId}: arrived ${from(ours?.calledAt)} ms after its grant, ${from(ours?.writtenAt)} ms after its write${answer}`;
    };
    return [`${stats.firstRefusals.length} refusal(s) recorded; the first and the ${refusal.window.length} accepted arrivals of its window:`, ...refusal.window.map((a) => line(a, " ")), line(refusal, "✗")].join("\n");
  }

  return { adapter: traced, explain };
}
