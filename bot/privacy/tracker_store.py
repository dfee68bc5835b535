"""Rasa's SQL tracker store, with the one redaction point every stored event passes, a turn's cost that does not grow
with the conversation, and a failed write that is reported instead of hidden.

- Redaction: every new event is redacted before it is written (bot/privacy/redact.py): the user's text, what the
  NLU parsed from it (entities included), slot values; message metadata (channel details, or whatever a client sends
  along) is not stored at all.
- A long conversation: Rasa reads every event since the session started and replays them at every turn. Here a turn
  reads the latest events (the rules look at a few turns) and, before them, the latest value of every slot and of
  the active form, so follow-ups keep their topic. Nothing is deleted: the review pages read everything.
- A write that fails (a read-only or locked database) is kept (`failure()`), so the REST channel answers that turn
  with a Dutch error (Rasa itself would quietly keep the conversation in memory); its health check asks the
  database itself (`unwritable()`), so every worker of every server gives the same answer."""

import itertools
import json
import logging
from typing import Any, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import SingletonThreadPool

from bot.privacy.redact import redact

logger = logging.getLogger(__name__)

RECENT_EVENTS = 30  # about the last five turns; the rules and forms look at two or three
# Plain statements (the same for SQLite and PostgreSQL): building them with the ORM at every turn cost more than
# running them. The latest conversation session is the events from its session_started on, as in Rasa.
SESSION_START = sa.text("SELECT MAX(timestamp) FROM events WHERE sender_id = :sender AND type_name = 'session_started'")
RECENT = sa.text(
    "SELECT id, data FROM events WHERE sender_id = :sender AND timestamp >= :start " "ORDER BY id DESC LIMIT :limit"
)
LATEST_STATES = sa.text(  # before the recent events: the last SlotSet of every slot and the last ActiveLoop
    "SELECT id, data FROM events WHERE id IN (SELECT MAX(id) FROM events WHERE sender_id = :sender "
    "AND timestamp >= :start AND id < :first AND type_name IN ('slot', 'active_loop') "
    "GROUP BY type_name, action_name) ORDER BY id"
)
_failure: Optional[str] = None  # why the last write of this process's store failed; None once one succeeds
_store: Optional["RedactingSQLTrackerStore"] = None  # this process's tracker store, once Rasa has made it


def failure() -> Optional[str]:
    """Why the last write of this process's store failed, or None (one tracker store per server process)."""
    return _failure


def unwritable() -> Optional[str]:
    """Why a turn could not be stored now, or None: asked of the database, not of this worker's last write, which
    another worker or server may have made since."""
    return _store.check_writable() if _store is not None else _failure


def _set_failure(reason: Optional[str]) -> None:
    global _failure
    _failure = reason


def redacted(data: Any) -> Any:
    """Every string in the structure with client data replaced."""
    if isinstance(data, str):
        return redact(data)[0]
    if isinstance(data, list):
        return [redacted(item) for item in data]
    if isinstance(data, dict):
        return {key: redacted(value) for key, value in data.items()}
    return data


def stored(data: dict) -> dict:
    """An event as it may be written: the user's words and what was parsed from them redacted, slot values
    redacted, no metadata."""
    data = dict(data)
    if data.get("event") == "user":
        data["text"] = redacted(data.get("text"))
        data["parse_data"] = redacted(data.get("parse_data") or {})
        data["metadata"] = {}
    elif data.get("event") == "slot":
        data["value"] = redacted(data.get("value"))
    return data


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
            # A locked database fails a save within a second (rather than Sanic's turn): the clerk hears so at once.
            self.engine = create_engine(self.engine.url, poolclass=SingletonThreadPool, connect_args={"timeout": 1})
            event.listen(self.engine, "connect", _sqlite_settings)
            self.sessionmaker = sessionmaker(bind=self.engine)
        global _store
        _store = self

    def check_writable(self) -> Optional[str]:
        """SQLite: a write transaction begun and rolled back (fails within a second when the file is locked or
        read-only). Other databases: reachable, and whether they take writes, this worker's last write says."""
        try:
            with self.engine.connect() as connection:
                if self.engine.dialect.name != "sqlite":
                    connection.exec_driver_sql("SELECT 1")
                    return _failure
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                connection.exec_driver_sql("ROLLBACK")
                return None
        except sa.exc.SQLAlchemyError as error:
            return f"het gesprek kan niet worden bewaard: {getattr(error, 'orig', error)}"

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions:  # the HTTP API's full tracker: everything
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.engine.connect() as connection:
            start = connection.execute(SESSION_START, {"sender": sender_id}).scalar() or 0.0
            recent = connection.execute(RECENT, {"sender": sender_id, "start": start, "limit": RECENT_EVENTS}).all()
            if not recent or not self.domain:
                return None
            before = connection.execute(
                LATEST_STATES, {"sender": sender_id, "start": start, "first": recent[-1].id}
            ).all()
        events = [json.loads(row.data) for row in [*before, *reversed(recent)]]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        tracker.stored_event_count = len(events)  # what save() must not write again
        return tracker

    def _additional_events(self, session, tracker: DialogueStateTracker) -> Iterator:
        loaded = getattr(tracker, "stored_event_count", None)
        if loaded is None:  # a tracker this store did not load (a new conversation, the HTTP API)
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, loaded, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with every new event redacted first (`stored`); a failure is recorded, then raised."""
        await self.stream_events(tracker)
        try:
            with self.session_scope() as session:
                for new in self._additional_events(session, tracker):
                    data = stored(new.as_dict())
                    session.add(
                        self.SQLEvent(
                            sender_id=tracker.sender_id,
                            type_name=new.type_name,
                            timestamp=data.get("timestamp"),
                            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                            action_name=data.get("name"),
                            data=json.dumps(data),
                        )
                    )
                session.commit()
        except sa.exc.SQLAlchemyError as error:
            _set_failure(f"het gesprek kon niet worden bewaard: {getattr(error, 'orig', error)}")
            logger.error("FOUT: %s (%s)", _failure, self.engine.url.render_as_string(hide_password=True))
            raise
        _set_failure(None)
        tracker.stored_event_count = len(tracker.events)
