"""Referring the clerk to a colleague or specialist for the audience of the last article."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction, last_article, replies
from bot.contract import HANDOFF
from bot.knowledge.contacts import describe


class ActionHandoff(BaliegidsAction):
    def name(self) -> Text:
        return "action_handoff"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        row = last_article(tracker)
        contact = replies().contact(row.audience if row else "algemeen")
        about = f" over '{row.title}'" if row else ""
        dispatcher.utter_message(
            text=f"Voor overleg met een collega{about} kun je terecht bij {describe(contact)}.",
            json_message={"type": HANDOFF, "contact": contact},
        )
        return []
