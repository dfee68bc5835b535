"""The inbox filter: what a trainer can narrow the inbox to, read from the address (unknown values dropped, so the
address can never inject anything), written back to an address, and remembered per trainer between visits."""

import datetime
import json
from dataclasses import asdict, dataclass, fields
from typing import Dict, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import Column, String, Text

from bot.contract import FEEDBACK_REASONS
from bot.knowledge.store import Base, Store
from bot.review.inbox import REASONS, Item
from bot.review.words import normalised

OPEN, LATER, REVIEWED, ALL = "open", "later", "bekeken", "alle"
STATUSES = {OPEN: "open", LATER: "later bekijken", REVIEWED: "bekeken", ALL: "alle"}


class PreferenceRow(Base):
    """The last inbox filter of each trainer, so it is there again after a save, a reload or the next login."""

    __tablename__ = "review_preferences"
    trainer = Column(String, primary_key=True)
    filters = Column(Text)


def _date(value: str) -> str:
    try:
        return datetime.date.fromisoformat(value).isoformat() if value else ""
    except ValueError:
        return ""


@dataclass
class Filters:
    q: str = ""  # search in the question, the articles' titles, the note and the tags
    reason: str = ""
    article: str = ""
    channel: str = ""
    tag: str = ""
    status: str = OPEN
    since: str = ""
    until: str = ""
    pair: str = ""  # two article ids, "a+b": the questions behind a confused pair
    fb: str = ""  # a 👎 reason
    group: str = ""  # one group of near-identical questions
    all: str = ""  # "1": also the questions that went well

    @classmethod
    def parse(cls, args: Mapping[str, str], articles: Mapping[str, str]) -> "Filters":
        """From the address's query (a dict of single values); anything not known is left out."""
        get = lambda key: " ".join(str(args.get(key) or "").split())[:200]  # noqa: E731
        status = get("status") or (ALL if get("reviewed") else OPEN)
        pair = "+".join(sorted(part for part in get("pair").replace(" ", "+").split("+") if part in articles)[:2])
        return cls(
            q=get("q"),
            reason=get("reason") if get("reason") in REASONS else "",
            article=get("article") if get("article") in articles else "",
            channel=get("channel")[:40],
            tag=get("tag")[:30].lower(),
            status=status if status in STATUSES else OPEN,
            since=_date(get("since")),
            until=_date(get("until")),
            pair=pair if pair.count("+") == 1 else "",
            fb=get("fb") if get("fb") in FEEDBACK_REASONS else "",
            group=get("group") if get("group").isalnum() else "",
            all="1" if get("all") else "",
        )

    @classmethod
    def from_query(cls, query: str, articles: Mapping[str, str]) -> "Filters":
        return cls.parse(dict(parse_qsl(query or "")), articles)

    def query(self, **changes) -> str:
        values = {**asdict(self), **changes}
        return urlencode({key: value for key, value in values.items() if value and (key, value) != ("status", OPEN)})

    def is_default(self) -> bool:
        return self == Filters()

    def everything(self) -> bool:
        """Whether questions without a review reason count too."""
        return bool(self.all or self.pair or self.group)

    def matches(self, item: Item, titles: Mapping[str, str], pair: Optional[Tuple[str, str]] = None) -> bool:
        if not self.everything() and item.reason is None:
            return False
        status = ALL if (self.pair or self.group) and self.status == OPEN else self.status
        if status == OPEN and (item.reviewed or item.later):
            return False
        if status == LATER and not (item.later and not item.reviewed):
            return False
        if status == REVIEWED and not item.reviewed:
            return False
        if self.reason and item.reason != self.reason:
            return False
        if self.article and self.article not in (item.predicted, item.label, item.article):
            return False
        if self.channel and item.channel != self.channel:
            return False
        if self.tag and self.tag not in item.tags:
            return False
        if self.fb and item.feedback_reason != self.fb:
            return False
        if self.group and item.group != self.group:
            return False
        if self.pair and "+".join(pair or ()) != self.pair:
            return False
        day = item.created[:10]
        if (self.since and day < self.since) or (self.until and day > self.until):
            return False
        if self.q:
            words = normalised(self.q).split()
            haystack = normalised(
                " ".join(
                    [item.text, item.note or "", " ".join(item.tags)]
                    + [titles.get(key or "", key or "") for key in (item.predicted, item.label, item.article)]
                )
            )
            if not all(word in haystack for word in words):
                return False
        return True


def remembered(store: Store, trainer: str, articles: Mapping[str, str]) -> Optional[Filters]:
    with store.session() as session:
        row = session.get(PreferenceRow, trainer)
    if row is None or not row.filters:
        return None
    try:
        return Filters.parse(json.loads(row.filters), articles)
    except (ValueError, TypeError):
        return None


def remember(store: Store, trainer: str, filters: Filters) -> None:
    with store.session.begin() as session:
        session.merge(PreferenceRow(trainer=trainer, filters=json.dumps(asdict(filters))))


def field_names() -> Dict[str, str]:
    return {item.name: item.name for item in fields(Filters)}
