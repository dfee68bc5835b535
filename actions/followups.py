"""Follow-up questions about the article the conversation is about ("waar staat dat?", "wat moet ik doen?")."""

from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import BaliegidsAction, last_article, likely_article, replies
from bot.knowledge.render import CAVEATS, ESCALATION, EXPLANATION, SHORT, STEPS, RenderedArticle, section


class FollowUp(BaliegidsAction):
    """Replies with one part of the last article. Abstract, so the action server does not register it."""

    action_name = ""
    heading = ""

    def name(self) -> Text:
        return self.action_name

    @abstractmethod
    def part(self, rendered: RenderedArticle) -> List[dict]:
        """The sections of the article this follow-up shows."""

    def reply_parts(self, row) -> Tuple[RenderedArticle, List[dict]]:
        rendered = RenderedArticle(row)
        return rendered, self.part(rendered)

    def sources(self, rendered: RenderedArticle) -> Optional[List[dict]]:
        """The sources it lists: those its sections cite, unless a follow-up says otherwise."""
        return None

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict[Text, Any]]:
        row = last_article(tracker)
        if row is None:
            # No article yet: a question such as "waar staat dat de kostendelersnorm niet geldt?" names its topic;
            # answer that one when the classifier saw it clearly enough, else ask for the question.
            likely = likely_article(tracker)
            if likely is None:
                dispatcher.utter_message(response="utter_no_topic_yet")
                return []
            topic, confidence = likely
            dispatcher.utter_message(**replies().default_answer(topic, confidence))
            return [SlotSet("article", topic.id)]
        rendered, parts = self.reply_parts(row)
        dispatcher.utter_message(
            **replies().answer(
                rendered,
                parts,
                confidence=1.0,
                buttons=[],
                heading=f"{self.heading}: {row.title}",
                sources=self.sources(rendered),
            )
        )
        return []


class ActionSource(FollowUp):
    action_name = "action_source"
    heading = "Alle bronnen"

    def part(self, rendered):
        return []

    def sources(self, rendered):
        return rendered.sources


class ActionExplanation(FollowUp):
    action_name = "action_explanation"
    heading = "Uitleg"

    def part(self, rendered):
        return rendered.sections([EXPLANATION])


class ActionCaveats(FollowUp):
    action_name = "action_caveats"
    heading = "Voorbehouden"

    def part(self, rendered):
        return rendered.sections([CAVEATS])


class ActionSteps(FollowUp):
    action_name = "action_steps"
    heading = "Aan de balie"

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


class ActionLocal(FollowUp):
    """ "Wat is ons lokale beleid?": the municipality's own additions to the article, or that there are none yet."""

    action_name = "action_local"
    heading = "In onze gemeente"

    def reply_parts(self, row):
        rendered, local = replies().with_local(row)
        return rendered, self.part(rendered) if not local else replies().local_sections(row, rendered, local, True)

    def part(self, rendered):
        return replies().local_sections(rendered.row, rendered, [], open_=True) or [
            section(
                "lokaal",
                "",
                text="Voor dit onderwerp verwijst het landelijke antwoord niet naar lokaal beleid. "
                "Twijfel je, vraag je teamleider.",
            )
        ]
