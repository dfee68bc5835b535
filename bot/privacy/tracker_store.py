"""Rasa's SQL tracker store, with client data redacted from every user message before it is written to disk."""

import copy

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import SingletonThreadPool

from bot.privacy.redact import redact


def redacted(event_):
    if not isinstance(event_, UserUttered) or not event_.text:
        return event_
    clean = copy.deepcopy(event_)
    clean.text, _ = redact(event_.text)
    clean.parse_data["text"] = clean.text
    return clean


def _sqlite_settings(connection, _record) -> None:
    # WAL lets the review pages read while the server writes; NORMAL drops the disk flush after every turn (a
    # power cut can lose the last turns, never corrupt the file; a restart of the server loses nothing).
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")


class RedactingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens and closes a SQLite connection for every session (twice a turn); the server
            # handles turns on one thread, so one connection kept open for it is enough.
            self.engine = create_engine(self.engine.url, poolclass=SingletonThreadPool)
            event.listen(self.engine, "connect", _sqlite_settings)
            self.sessionmaker = sessionmaker(bind=self.engine)

    def _additional_events(self, session, tracker):
        return (redacted(event_) for event_ in super()._additional_events(session, tracker))
