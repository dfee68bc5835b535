"""👍/👎 on an answer, stored with the question and the answer for the trainer (the rules add the thanks)."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction, replies
from bot.contract import ANSWER, FEEDBACK_DOWN, FEEDBACK_REASONS, FEEDBACK_UP, is_payload
from bot.privacy.redact import redact

RATINGS = {FEEDBACK_UP: "up", FEEDBACK_DOWN: "down"}


def answer_on(events: List[Dict], article_id: Optional[str]) -> Optional[Dict]:
    """The latest `answer` reply about `article_id` (any article when None) and the typed question before it."""
    answer = None
    for event in reversed(events):
        if answer is None and event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            if custom.get("type") == ANSWER and article_id in (None, custom.get("article")):
                answer = {"article_id": custom["article"], "answer": event.get("text")}
        elif answer is not None and event.get("event") == "user" and not is_payload(event.get("text") or ""):
            return {**answer, "question": redact(event.get("text"))[0]}
    return answer


def entity(tracker: Tracker, name: str) -> Optional[str]:
    return next(
        (item.get("value") for item in tracker.latest_message.get("entities", []) if item.get("entity") == name), None
    )


class ActionFeedback(BaliegidsAction):
    """👍/👎 on an answer, stored for the article of the message it was given on (its button names it)."""

    def name(self) -> Text:
        return "action_feedback"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        rating = RATINGS.get(tracker.latest_message.get("intent", {}).get("name"))
        answer = answer_on(tracker.events, entity(tracker, "article"))
        if rating and answer:
            row = replies().article(answer["article_id"])
            replies().store.add_feedback(
                sender_id=tracker.sender_id, rating=rating, last_verified=row.last_verified if row else None, **answer
            )
        return []


class ActionFeedbackReason(BaliegidsAction):
    """Stores why the last answer got 👎: a reason button, or the clerk's own words (redacted)."""

    def name(self) -> Text:
        return "action_feedback_reason"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        chosen = tracker.get_slot("reason")
        if chosen in FEEDBACK_REASONS:
            replies().store.add_feedback_reason(tracker.sender_id, reason=chosen)
        else:  # typed words, or a payload with a made-up reason: kept as a comment, without client data
            words = chosen or tracker.latest_message.get("text") or ""
            replies().store.add_feedback_reason(tracker.sender_id, comment=redact(words)[0])
        return [SlotSet("reason", None)]
