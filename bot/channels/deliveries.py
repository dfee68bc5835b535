"""Each delivery of a chat platform is handled once: Slack retries an event it thinks was missed, and a request can be
replayed within the few minutes its signature stays valid; Teams can deliver one activity twice. The delivery's id
is recorded in the app database (shared by every worker and machine) and a second one is acknowledged unhandled."""

import datetime
from functools import cache

from sqlalchemy import Column, DateTime, String, delete
from sqlalchemy.exc import IntegrityError

from bot.knowledge.store import Base, Store

REMEMBER = datetime.timedelta(hours=1)  # longer than Slack's retries (minutes) and signature window (5 minutes)


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    key = Column(String, primary_key=True)  # "slack:<event id>", "teams:<activity id>"
    seen = Column(DateTime, nullable=False)


@cache
def _store() -> Store:
    store = Store()
    DeliveryRow.__table__.create(store.engine, checkfirst=True)
    return store


def first_delivery(key: str) -> bool:
    """True the first time `key` is seen (within REMEMBER), False for a repeat."""
    now = datetime.datetime.utcnow()
    try:
        with _store().session.begin() as session:
            session.execute(delete(DeliveryRow).where(DeliveryRow.seen < now - REMEMBER))
            session.add(DeliveryRow(key=key, seen=now))
        return True
    except IntegrityError:
        return False
