"""Keeping client conversations no longer than needed (AVG art. 5 lid 1 onder e): conversations, feedback and review
items older than BALIEGIDS_RETENTION_DAYS are deleted, at start and daily while the web server runs; the audit trail
after BALIEGIDS_AUDIT_RETENTION_DAYS. Examples a trainer exported live on, already redacted, in data/nlu/. SQLite
and PostgreSQL alike."""

import datetime
import logging
from typing import Dict

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, create_engine, delete, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from bot import settings
from bot.knowledge.store import FeedbackRow, Store
from bot.review.accounts import AuditRow, FailureRow
from bot.review.inbox import LabelRow

logger = logging.getLogger(__name__)

# Rasa's own table in the tracker store database (rasa/core/tracker_store.py): the columns needed here.
_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String),
    Column("timestamp", Float),
)


def purge(now: datetime.datetime = None, days: int = None, audit_days: int = None) -> Dict[str, int]:
    """Deletes what is older than the retention periods; returns how many of each were deleted."""
    now = now or datetime.datetime.utcnow()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_DAYS if days is None else days)
    audit_cutoff = now - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS if audit_days is None else audit_days)
    deleted = {"gespreksregels": 0}
    tracker = create_engine(settings.TRACKER_DB_URL, poolclass=NullPool, future=True)
    try:
        with tracker.begin() as connection:
            deleted["gespreksregels"] = connection.execute(
                delete(_events).where(_events.c.timestamp < cutoff.replace(tzinfo=datetime.timezone.utc).timestamp())
            ).rowcount
            oldest_kept = connection.execute(select(func.min(_events.c.id))).scalar()
    except (OperationalError, ProgrammingError):  # no conversation stored yet (no events table)
        oldest_kept = None
    finally:
        tracker.dispose()
    store = Store()
    store.create()
    with store.session.begin() as session:
        deleted["feedback"] = session.execute(delete(FeedbackRow).where(FeedbackRow.created < cutoff)).rowcount
        # a review item is a stored question (its event id): its label goes with it
        gone = LabelRow.item_id < oldest_kept if oldest_kept is not None else LabelRow.item_id.is_not(None)
        deleted["beoordelingen"] = session.execute(delete(LabelRow).where(gone)).rowcount
        deleted["logboekregels"] = session.execute(delete(AuditRow).where(AuditRow.when < audit_cutoff)).rowcount
        session.execute(delete(FailureRow).where(FailureRow.last < now - datetime.timedelta(days=1)))
    logger.info("Bewaartermijn: verwijderd %s", deleted)
    return deleted
