"""What every custom action shares: the Replies object, the last article, and the client-data reminder."""

from abc import ABCMeta, abstractmethod
from functools import cache
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.replies import Replies
from bot.privacy.redact import redact

PRIVACY_REMINDER = (
    "Let op: typ geen gegevens van cliënten (zoals BSN, naam, adres, telefoonnummer of geboortedatum) in de chat; "
    "ik heb ze niet nodig en bewaar ze niet."
)


@cache
def replies() -> Replies:
    """Created on first use, so importing the actions stays cheap."""
    return Replies()


def last_article(tracker):
    article_id = tracker.get_slot("article")
    return replies().article(article_id) if article_id else None


# A follow-up phrase without a topic yet answers the article the classifier ranks first among the articles, when at
# least this sure of it; below it the clerk is asked for the question.
TOPIC_IN_FOLLOW_UP = 0.15


def likely_article(tracker):
    """The article the classifier ranks first among the articles, with its confidence; None when it is too unsure."""
    ranking = [item for item in tracker.latest_message.get("intent_ranking", []) if replies().article(item["name"])]
    if ranking and ranking[0]["confidence"] >= TOPIC_IN_FOLLOW_UP:
        return replies().article(ranking[0]["name"]), ranking[0]["confidence"]
    return None


class BaliegidsAction(Action, metaclass=ABCMeta):
    """A custom action that first reminds the clerk, once per conversation, not to type client data."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        events = []
        if not tracker.get_slot("privacy_reminded") and redact(tracker.latest_message.get("text") or "")[1]:
            dispatcher.utter_message(text=PRIVACY_REMINDER)
            events.append(SlotSet("privacy_reminded", True))
        return events + await self.respond(dispatcher, tracker, domain)

    @abstractmethod
    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        """The action's own reply."""
