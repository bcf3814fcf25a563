import { decodeAction } from "../src/messages/actions.js";
import { helpReply, text } from "../src/messages/replies.js";
import { choose, answerText, startAnswering } from "./answer.js";
import { commentText, skipComment } from "./comment.js";
import { consentAnswer, consentStep } from "./consent.js";
import { dataRights, eraseAnswer, eraseStep } from "./data-rights.js";
import { joinByInvite } from "./invite.js";
import { more } from "./more.js";
import { confirmRead } from "./read.js";
import { confirmStep, searchByName, start, startWithUnitCode, subscribeTo } from "./subscribe.js";
import { askUnitName, mySubscriptions, removeUnit } from "./subscriptions.js";
import { stop, unfollow } from "./stop.js";
import { dataRightsRequest, inviteCodeOf, isEmojiOnly, isHelp, isStop, isSubsRequest, parseCommand } from "./text-match.js";
import type { Turn } from "./types.js";

/** Decide what one inbound event means. STOP always wins, whatever the conversation step. */
export async function route(turn: Turn): Promise<void> {
  const ev = turn.event;
  switch (ev.type) {
    case "unfollow":
      return unfollow(turn);
    case "follow":
      return start(turn);
    case "start":
      return startWith(turn, ev.payload);
    case "action":
      return onAction(turn, ev.action);
    case "text":
      return onText(turn, ev.text);
  }
}

/** /start with an optional deep-link payload: c_<unit code> or i_<invite code>. */
async function startWith(turn: Turn, payload: string | undefined): Promise<void> {
  const p = payload?.trim();
  if (p && /^c_/i.test(p)) return startWithUnitCode(turn, p.slice(2));
  if (p && /^i_/i.test(p)) {
    const code = inviteCodeOf(p);
    if (!code) {
      turn.setState({ step: "idle" });
      turn.reply(text(turn.locale, "invite.unknown"));
      return;
    }
    await joinByInvite(turn, code, false);
    return;
  }
  return start(turn);
}

async function onAction(turn: Turn, raw: string): Promise<void> {
  const a = decodeAction(raw);
  if (a?.type === "unsub") return stop(turn);
  if (a?.type === "raw" && a.name === "erase") return eraseAnswer(turn, a.arg === "yes");
  if (turn.subscriber.status === "stopped" && !(a?.type === "raw" && a.name === "help")) {
    turn.reply(text(turn.locale, "sub.stoppedHint"));
    return;
  }
  if (!a) {
    turn.reply(text(turn.locale, "common.unknownAction"));
    return;
  }
  switch (a.type) {
    case "answer":
      return startAnswering(turn, a.draftId);
    case "more":
      return more(turn, a.draftId);
    case "choice":
      return choose(turn, a.questionId, a.index);
    case "read":
      return confirmRead(turn, a.draftId);
    case "raw":
      break;
  }
  switch (`${a.name}${a.arg === undefined ? "" : ":" + a.arg}`) {
    case "consent:yes":
      return consentAnswer(turn, true);
    case "consent:no":
      return consentAnswer(turn, false);
    case "other":
    case "add":
      return askUnitName(turn);
    case "subs":
      return mySubscriptions(turn);
    case "help":
      turn.reply(helpReply(turn.locale));
      return;
    case "skip":
      return skipComment(turn);
  }
  if ((a.name === "pick" || a.name === "confirm") && a.arg && /^\d{5}$/.test(a.arg)) return subscribeTo(turn, a.arg);
  if (a.name === "rm" && a.arg && /^\d{5}$/.test(a.arg)) return removeUnit(turn, a.arg);
  turn.reply(text(turn.locale, "common.unknownAction"));
}

async function onText(turn: Turn, raw: string): Promise<void> {
  const typed = raw.normalize("NFC").trim();
  if (isStop(typed)) return stop(turn);
  const cmd = parseCommand(typed);
  if (cmd?.name === "start") return startWith(turn, cmd.arg);
  if (cmd?.name === "help" || isHelp(typed)) {
    turn.reply(helpReply(turn.locale));
    return;
  }
  // The data rights work in every status and every step.
  const rights = dataRightsRequest(typed, cmd?.name);
  if (rights) return dataRights(turn, rights);
  if (turn.state.step === "erase_confirm" && !cmd) return eraseStep(turn, typed);
  if (turn.subscriber.status === "stopped") {
    turn.reply(text(turn.locale, "sub.stoppedHint"));
    return;
  }
  if (cmd && ["subs", "communes", "mysubs"].includes(cmd.name)) return mySubscriptions(turn);
  if (cmd) {
    turn.reply(text(turn.locale, "common.notUnderstood"));
    return;
  }
  if (isSubsRequest(typed)) return mySubscriptions(turn);
  const { state } = turn;
  if (state.step === "comment") return commentText(turn, typed);
  if (isEmojiOnly(typed)) {
    turn.reply(text(turn.locale, "common.emojiOnly"));
    return;
  }
  if (state.step === "answer") return answerText(turn, state.questionId, typed);
  // A typed number presses the matching button of the last message (channels without buttons).
  const n = /^\d{1,2}$/.test(typed) ? Number(typed) : 0;
  const offered = state.offered?.[n - 1];
  if (n && offered) return onAction(turn, offered);
  if (state.step === "consent") return consentStep(turn, typed);
  if (state.step === "confirm_unit") return confirmStep(turn, state.code, typed);
  const code = inviteCodeOf(typed);
  if (code && (await joinByInvite(turn, code, true))) return;
  return searchByName(turn, typed);
}
