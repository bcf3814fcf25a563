import { t } from "../src/i18n/index.js";
import { act } from "../src/messages/actions.js";
import { button, text, withButtons } from "../src/messages/replies.js";
import type { UnitMatch } from "../src/units/search.js";
import { askConsent } from "./consent-notice.js";
import { isNo, isYes } from "./text-match.js";
import type { Turn } from "./types.js";

/** The longest text treated as a commune name; longer text is not a name. */
const MAX_NAME = 80;
const MAX_CHOICES = 8;

function unitList(units: { unitName: string }[]): string {
  return units.map((u) => u.unitName).join(", ");
}

/** /start without a payload, or a Zalo follow. */
export async function start(turn: Turn): Promise<void> {
  const { residents, subscriber, locale } = turn;
  const subs = subscriber.consentAt ? await residents.subscriptions() : [];
  if (subscriber.status === "stopped" || subscriber.status === "gone") {
    if (subscriber.consentAt && subs.length) {
      await residents.setStatus("active");
      turn.setState({ step: "idle" });
      turn.reply(text(locale, "sub.resumed", { units: unitList(subs) }));
      return;
    }
  }
  turn.setState({ step: "idle" });
  if (subscriber.consentAt && subs.length) {
    if (subscriber.status !== "active") await residents.setStatus("active");
    turn.reply(text(locale, "sub.welcomeBack", { units: unitList(subs) }));
    return;
  }
  if (subscriber.consentAt && subscriber.status !== "active") await residents.setStatus("active");
  turn.reply(text(locale, "sub.welcome"));
}

/** A typed commune name: confirm one, offer several, or say clearly that nothing matched. */
export async function searchByName(turn: Turn, query: string): Promise<void> {
  const { locale } = turn;
  if (query.length > MAX_NAME) {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "sub.tooLong"));
    return;
  }
  const matches = await turn.residents.searchUnits(query, MAX_CHOICES);
  if (!matches.length) {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "sub.noMatch", { query }));
    return;
  }
  const exact = matches.filter((m) => m.quality === "exact");
  const offered = exact.length === 1 ? exact : matches;
  if (offered.length === 1) {
    const m = offered[0]!;
    turn.setState({ step: "confirm_unit", code: m.code });
    const body = m.matchedFormer
      ? t(locale, "sub.confirmFormer", { former: m.matchedFormer.name, unit: m.name })
      : t(locale, "sub.confirm", { unit: m.name });
    turn.reply(withButtons(body, [button(t(locale, "sub.yes"), act.confirm(m.code)), button(t(locale, "sub.no"), act.other())]));
    return;
  }
  turn.setState({ step: "choose_unit", codes: offered.map((m) => m.code) });
  turn.reply(
    withButtons(
      t(locale, "sub.several", { count: offered.length, query }),
      offered.map((m) => button(matchLabel(locale, m), act.pick(m.code))),
    ),
  );
}

function matchLabel(locale: string, m: UnitMatch): string {
  return m.matchedFormer ? t(locale, "sub.formerLabel", { unit: m.name, former: m.matchedFormer.name }) : m.name;
}

/** Text typed while a single commune waits for confirmation: yes, no, or another name. */
export async function confirmStep(turn: Turn, code: string, typed: string): Promise<void> {
  if (isYes(typed)) return subscribeTo(turn, code);
  if (isNo(typed)) {
    turn.setState({ step: "idle" });
    turn.reply(text(turn.locale, "sub.chooseOther"));
    return;
  }
  return searchByName(turn, typed);
}

/** Deep link c_<unit code>: subscribe directly (after consent, the first time). */
export async function startWithUnitCode(turn: Turn, code: string): Promise<void> {
  const unit = /^\d{5}$/.test(code) ? await turn.residents.unit(code) : null;
  if (!unit) {
    turn.setState({ step: "idle" });
    turn.reply(text(turn.locale, "sub.badCode", { code: code.slice(0, 20) }));
    return;
  }
  return subscribeTo(turn, unit.code);
}

/** Follow a commune: asks consent first when the person has never given it. */
export async function subscribeTo(turn: Turn, code: string): Promise<void> {
  const { residents, subscriber, locale } = turn;
  const unit = await residents.unit(code);
  if (!unit) {
    turn.setState({ step: "idle" });
    turn.reply(text(locale, "sub.unitGone"));
    return;
  }
  if (!subscriber.consentAt) return askConsent(turn, { kind: "unit", code });
  if (subscriber.status !== "active") await residents.setStatus("active");
  const created = await residents.subscribe(unit.code);
  turn.setState({ step: "idle" });
  turn.reply(text(locale, created ? "sub.subscribed" : "sub.already", { unit: unit.name }));
}
