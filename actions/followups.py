"""Follow-up questions about the article the conversation is about ("waar staat dat?", "wat moet ik doen?")."""
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction, last_article, replies
from bot.knowledge.render import ESCALATION, SHORT, STEPS, RenderedArticle, section


class FollowUp(BaliegidsAction):
    """Replies with one part of the last article. Abstract, so the action server does not register it."""

    action_name = ""
    heading = ""

    def name(self) -> Text:
        return self.action_name

    @abstractmethod
    def part(self, rendered: RenderedArticle) -> List[dict]:
        """The sections of the article this follow-up shows."""

    def sources(self, rendered: RenderedArticle) -> Optional[List[dict]]:
        """The sources it lists: those its sections cite, unless a follow-up says otherwise."""
        return None

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        row = last_article(tracker)
        if row is None:
            dispatcher.utter_message(response="utter_no_topic_yet")
            return []
        rendered = RenderedArticle(row)
        dispatcher.utter_message(**replies().answer(rendered, self.part(rendered), confidence=1.0, buttons=[],
                                                    heading=f"{self.heading}: {row.title}",
                                                    sources=self.sources(rendered)))
        return []


class ActionSource(FollowUp):
    action_name = "action_source"
    heading = "Wettelijke basis en bronnen"

    def part(self, rendered):
        return []

    def sources(self, rendered):
        return rendered.sources


class ActionSteps(FollowUp):
    action_name = "action_steps"
    heading = "Wat te doen"

    def part(self, rendered):
        return rendered.sections([STEPS])


class ActionContact(FollowUp):
    action_name = "action_contact"
    heading = "Opschalen"

    def part(self, rendered):
        local = replies().contact_text(rendered.row.audience)
        return rendered.sections([ESCALATION]) + [section("contact", "Bij jouw gemeente", text=local)]


class ActionShorter(FollowUp):
    action_name = "action_shorter"
    heading = "Kort"

    def part(self, rendered):
        return rendered.sections([SHORT])
