"""👍/👎 on an answer, stored with the question and the answer for the trainer (the rules add the thanks)."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import replies
from bot.redact import redact

RATINGS = {"feedback_up": "up", "feedback_down": "down"}


def last_answer(events: List[Dict]) -> Optional[Dict]:
    """The last `answer` reply and the user message that led to it (a typed one, not a button payload)."""
    answer = None
    for event in reversed(events):
        if answer is None and event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            if custom.get("type") == "answer":
                answer = {"article_id": custom["article"], "answer": event.get("text")}
        elif answer is not None and event.get("event") == "user" and not (event.get("text") or "").startswith("/"):
            return {**answer, "question": redact(event.get("text"))[0]}
    return answer


class ActionFeedback(Action):
    def name(self) -> Text:
        return "action_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        rating = RATINGS.get(tracker.latest_message.get("intent", {}).get("name"))
        answer = last_answer(tracker.events)
        if rating and answer:
            replies().store.add_feedback(sender_id=tracker.sender_id, rating=rating, **answer)
        return []
