"""Rasa's SQL tracker store, with client data redacted from every user message before it is written to disk."""
import copy

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered

from bot.redact import redact


def redacted(event):
    if not isinstance(event, UserUttered) or not event.text:
        return event
    clean = copy.deepcopy(event)
    clean.text, _ = redact(event.text)
    clean.parse_data["text"] = clean.text
    return clean


class RedactingSQLTrackerStore(SQLTrackerStore):
    def _additional_events(self, session, tracker):
        return (redacted(event) for event in super()._additional_events(session, tracker))
