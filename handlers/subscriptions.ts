import { subscriptionsMessage } from "../src/messages/conversation.js";
import { text } from "../src/messages/replies.js";
import type { Turn } from "./types.js";

/** "My subscriptions": the communes followed, each with a button to remove it, and one to add another. */
export async function mySubscriptions(turn: Turn): Promise<void> {
  const { residents, subscriber, locale } = turn;
  const subs = subscriber.consentAt ? await residents.subscriptions() : [];
  turn.setState({ step: "idle" });
  if (!subs.length) {
    turn.reply(text(locale, "sub.none"));
    return;
  }
  turn.reply(subscriptionsMessage(locale, subs));
}

/** Change commune: remove one of the communes followed. */
export async function removeUnit(turn: Turn, code: string): Promise<void> {
  const { residents, locale } = turn;
  const unit = await residents.unit(code);
  turn.setState({ step: "idle" });
  if (!unit || !(await residents.unsubscribe(code))) {
    turn.reply(text(locale, "sub.notSubscribed", { unit: unit?.name ?? code }));
    return;
  }
  const left = await residents.subscriptions();
  turn.reply(text(locale, left.length ? "sub.removed" : "sub.removedLast", { unit: unit.name }));
}

export function askUnitName(turn: Turn): void {
  turn.setState({ step: "idle" });
  turn.reply(text(turn.locale, "sub.askName"));
}
