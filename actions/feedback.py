"""👍/👎 on an answer, stored with the question and the answer for the trainer (the rules add the thanks)."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction, replies
from bot.contract import ANSWER, FEEDBACK_DOWN, FEEDBACK_UP, is_payload
from bot.privacy.redact import redact

RATINGS = {FEEDBACK_UP: "up", FEEDBACK_DOWN: "down"}


def last_answer(events: List[Dict]) -> Optional[Dict]:
    """The last `answer` reply and the user message that led to it (a typed one, not a button payload)."""
    answer = None
    for event in reversed(events):
        if answer is None and event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            if custom.get("type") == ANSWER:
                answer = {"article_id": custom["article"], "answer": event.get("text")}
        elif answer is not None and event.get("event") == "user" and not is_payload(event.get("text") or ""):
            return {**answer, "question": redact(event.get("text"))[0]}
    return answer


class ActionFeedback(BaliegidsAction):
    def name(self) -> Text:
        return "action_feedback"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        rating = RATINGS.get(tracker.latest_message.get("intent", {}).get("name"))
        answer = last_answer(tracker.events)
        if rating and answer:
            replies().store.add_feedback(sender_id=tracker.sender_id, rating=rating, **answer)
        return []


class ActionFeedbackReason(BaliegidsAction):
    """Stores why the last answer got 👎: a reason button, or the clerk's own words (redacted)."""

    def name(self) -> Text:
        return "action_feedback_reason"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        reason = tracker.get_slot("reason") or redact(tracker.latest_message.get("text") or "")[0]
        replies().store.add_feedback_comment(tracker.sender_id, reason)
        return [SlotSet("reason", None)]
