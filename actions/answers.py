"""Answering a question from the knowledge base, or asking which article is meant."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction, replies
from bot.contract import CLARIFY, NLU_FALLBACK, NONE_OF_THESE, OUT_OF_SCOPE, SMALLTALK, payload

MAX_CANDIDATES = 3
# A candidate is offered only when it has at least this share of the best candidate's confidence.
CANDIDATE_SHARE = 0.2


class ActionAnswer(BaliegidsAction):
    """The top intent is an article id: answer with that article (and end a decision aid that was under way)."""

    def name(self) -> Text:
        return "action_answer"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message.get("intent", {})
        row = replies().article(intent.get("name"))
        if row is None:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(**replies().default_answer(row, intent.get("confidence", 0.0)))
        events = [SlotSet("article", row.id)]
        if tracker.active_loop_name:
            # Another question halfway through a decision aid: the aid's form could not use it (Rasa rejects the
            # form, and the answer rule applies); the clerk has moved on, so the aid ends rather than asking again.
            events = [ActiveLoop(None), SlotSet("requested_slot", None)] + events
        return events


class ActionClarify(BaliegidsAction):
    """Rasa's ask-affirmation step (after nlu_fallback), in Dutch and with a button per likely article."""

    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        ranking = [item for item in tracker.latest_message.get("intent_ranking", []) if item["name"] != NLU_FALLBACK]
        articles = replies().articles
        if not ranking or ranking[0]["name"] not in articles:
            not_an_article = ranking and ranking[0]["name"] == OUT_OF_SCOPE
            dispatcher.utter_message(response="utter_out_of_scope" if not_an_article else "utter_default")
            return []
        floor = ranking[0]["confidence"] * CANDIDATE_SHARE
        candidates = [item["name"] for item in ranking if item["name"] in articles and item["confidence"] >= floor]
        candidates = candidates[:MAX_CANDIDATES]
        dispatcher.utter_message(
            text="Ik weet niet zeker wat je bedoelt. Gaat je vraag over een van deze onderwerpen?",
            buttons=replies().article_buttons(candidates)
            + [{"title": "Geen van deze", "payload": payload(NONE_OF_THESE)}],
            json_message={"type": CLARIFY, "candidates": candidates},
        )
        return []


class ActionCheckClientData(BaliegidsAction):
    """Runs before a reply that comes straight from the domain (out of scope), so client data in such a question
    gets the reminder too; it adds nothing else."""

    def name(self) -> Text:
        return "action_check_client_data"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        return []


class ActionShowDomain(BaliegidsAction):
    """A domain button from the greeting: list that domain's articles as buttons."""

    def name(self) -> Text:
        return "action_show_domain"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        chosen = tracker.get_slot("domain")
        ids = replies().ids_in_domain(chosen) if chosen else []
        if not ids:
            dispatcher.utter_message(response="utter_capabilities")
            return []
        dispatcher.utter_message(
            text="Over welk onderwerp gaat je vraag?",
            buttons=replies().article_buttons(ids),
            json_message={"type": SMALLTALK},
        )
        return []
