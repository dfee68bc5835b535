"""Follow-up questions about the article the conversation is about ("waar staat dat?", "wat moet ik doen?")."""
from abc import abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction, last_article, replies
from bot.render import RenderedArticle


class FollowUp(BaliegidsAction):
    """Replies with one part of the last article. Abstract, so the action server does not register it."""

    action_name = ""
    heading = ""

    def name(self) -> Text:
        return self.action_name

    @abstractmethod
    def part(self, rendered: RenderedArticle) -> str:
        """The part of the article this follow-up shows."""

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        row = last_article(tracker)
        if row is None:
            dispatcher.utter_message(response="utter_no_topic_yet")
            return []
        rendered = RenderedArticle(row)
        text = f"**{self.heading}: {row.title}**\n\n{self.part(rendered)}"
        dispatcher.utter_message(**replies().answer(rendered, text, confidence=1.0, buttons=[]))
        return []


class ActionSource(FollowUp):
    action_name = "action_source"
    heading = "Wettelijke basis en bronnen"

    def part(self, rendered):
        return rendered.source_list()


class ActionSteps(FollowUp):
    action_name = "action_steps"
    heading = "Wat te doen"

    def part(self, rendered):
        return f"{rendered.steps()}\n\n{rendered.source_list()}"


class ActionContact(FollowUp):
    action_name = "action_contact"
    heading = "Opschalen"

    def part(self, rendered):
        local = replies().contact_text(rendered.row.audience)
        return f"{rendered.escalation()}\n\nBij jouw gemeente: {local}\n\n{rendered.source_list()}"


class ActionShorter(FollowUp):
    action_name = "action_shorter"
    heading = "Kort"

    def part(self, rendered):
        return f"{rendered.short}\n\n{rendered.source_list()}"
