"""The decision aids (Rasa forms) run from their content in knowledge/decision_aids/<id>.yml: which questions apply,
the next question, and the advice that fits the answers, with its sources.

Each aid has a validation action (`validate_<id>_form`), which fills the asked slot from the clerk's ja / nee /
weet-niet and asks the next question that applies (Rasa then finds no ask action and asks nothing itself), and an
outcome action (`action_<id>_advies`). Other messages leave the form to the rules."""

from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.shared import BaliegidsAction, replies
from bot.contract import SMALLTALK
from bot.knowledge import decision_aids
from bot.knowledge.render import RenderedArticle, section

ANSWERS = {"affirm": "ja", "deny": "nee", "dont_know": "onbekend"}
ANSWER_BUTTONS = [
    {"title": "Ja", "payload": "/affirm"},
    {"title": "Nee", "payload": "/deny"},
    {"title": "Weet ik niet", "payload": "/dont_know"},
    {"title": "Stop", "payload": "/stop"},
]


class DecisionAidValidation(FormValidationAction, metaclass=ABCMeta):
    @property
    @abstractmethod
    def aid_id(self) -> str:
        """The aid's id: its file name in knowledge/decision_aids/."""

    def name(self) -> Text:
        return f"validate_{self.aid_id}_form"

    async def get_extraction_events(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        asked = tracker.get_slot(REQUESTED_SLOT)
        answer = ANSWERS.get(tracker.latest_message.get("intent", {}).get("name"))
        return [SlotSet(asked, answer)] if asked and answer else []

    async def next_requested_slot(self, dispatcher, tracker, domain) -> Optional[Dict[Text, Any]]:
        aid = replies().decision_aids[self.aid_id]
        answers = {slot: tracker.get_slot(slot) for slot in aid.slots}
        missing = [slot for slot in decision_aids.applicable(aid, answers) if answers[slot] is None]
        if missing:
            question = next(question for question in aid.questions if question.slot == missing[0])
            dispatcher.utter_message(text=question.text, buttons=ANSWER_BUTTONS, json_message={"type": SMALLTALK})
        return SlotSet(REQUESTED_SLOT, missing[0] if missing else None)


class ValidateBriefadresForm(DecisionAidValidation):
    aid_id = "briefadres"


class ValidateUrgentieForm(DecisionAidValidation):
    aid_id = "urgentie"


class ValidateKvkForm(DecisionAidValidation):
    aid_id = "kvk"


class DecisionOutcome(BaliegidsAction):
    """Answers with the advice for the case, from the aid's article and with its sources, and clears the slots."""

    @property
    @abstractmethod
    def aid_id(self) -> str:
        """The aid's id: its file name in knowledge/decision_aids/."""

    def name(self) -> Text:
        return f"action_{self.aid_id}_advies"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        aid = replies().decision_aids[self.aid_id]
        row = replies().article(aid.article)
        answers = {slot: tracker.get_slot(slot) for slot in aid.slots}
        texts = decision_aids.advice(aid, answers)
        rendered = RenderedArticle(row, texts=texts, extra_sources=replies().decision_aid_sources[self.aid_id])
        note = decision_aids.still_to_find_out(aid, answers)
        parts = [section("advies", "", text="\n\n".join(rendered.cite(text) for text in texts))]
        if note:
            parts.append(section("uitzoeken", "", text=note))
        reply = replies().answer(rendered, parts, confidence=1.0, heading=f"Keuzehulp: {row.title}")
        reply["json_message"]["last_verified"] = aid.last_verified.isoformat()
        dispatcher.utter_message(**reply)
        return [SlotSet("article", row.id)] + [SlotSet(slot, None) for slot in aid.slots]


class ActionBriefadresAdvies(DecisionOutcome):
    aid_id = "briefadres"


class ActionUrgentieAdvies(DecisionOutcome):
    aid_id = "urgentie"


class ActionKvkAdvies(DecisionOutcome):
    aid_id = "kvk"
