"""Restarting the conversation ("opnieuw beginnen" or the /restart command), in Dutch."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import Restarted
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction
from bot.contract import SMALLTALK


class ActionRestart(BaliegidsAction):
    """Overrides Rasa's default action_restart, whose message would have to be a response that no rule uses."""

    def name(self) -> Text:
        return "action_restart"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text="Het gesprek begint opnieuw. Stel gerust een nieuwe vraag.", json_message={"type": SMALLTALK}
        )
        return [Restarted()]
